import { readFileSync } from 'node:fs';

/** The pull request number of the running GitHub Actions event (pull_request or pull_request_review), if any. */
export function pullRequestFromEvent(env: NodeJS.ProcessEnv): number | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { number?: number }; number?: number };
    return event.pull_request?.number ?? event.number;
  } catch {
    return undefined;
  }
}
