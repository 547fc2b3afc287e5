import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { missingError, postgresBin } from './servers.ts';

export { postgresBin };

export interface Postgres {
  host: string;
  port: number;
  user: string;
  stop(): void;
}

/**
 * A throwaway PostgreSQL cluster on 127.0.0.1: a new data directory, trust auth, a free
 * port. As root it runs as the `postgres` user, because initdb refuses root.
 */
export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin();
  if (!bin) throw missingError('postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  run('initdb', ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--no-sync']);
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-w', '-m', 'immediate', 'stop']);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a database on the cluster. */
export function createDatabase(pg: Postgres, name: string): void {
  const bin = postgresBin()!;
  execFileSync(join(bin, 'createdb'), ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, name]);
}
