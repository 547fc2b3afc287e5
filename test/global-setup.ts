// vitest globalSetup: before any test runs, install the servers the integration tests start
// (Debian packages as root on Debian, unleash-server under build/servers), or stop the run at
// once with the command to run. No test skips because a server is missing.
import { ensureServers } from './helpers/servers.ts';

export default function setup(): void {
  ensureServers();
}
