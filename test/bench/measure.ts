import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Sample {
  wallMs: number;
  /** Peak resident memory in KiB, when /usr/bin/time is there to report it. */
  peakKb?: number;
  /** User and system CPU time, from /usr/bin/time: on a busy machine it moves less than wall time. */
  cpuMs?: number;
  code: number;
}

const TIME = '/usr/bin/time';

/** Runs a command as a cold process and measures wall time and peak memory. */
export function measure(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Sample {
  const withTime = existsSync(TIME);
  const start = performance.now();
  const r = withTime
    ? spawnSync(TIME, ['-f', '__peak_kb=%M __cpu_s=%U+%S', cmd, ...args], { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    : spawnSync(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallMs = performance.now() - start;
  const peak = withTime ? /__peak_kb=(\d+)/.exec(r.stderr ?? '')?.[1] : undefined;
  const cpu = withTime ? /__cpu_s=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '') : undefined;
  return { wallMs, peakKb: peak ? Number(peak) : undefined, ...(cpu ? { cpuMs: (Number(cpu[1]) + Number(cpu[2])) * 1000 } : {}), code: r.status ?? -1 };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median wall and CPU time and the largest peak over `runs` cold runs. */
export function repeat(runs: number, cmd: string, args: string[], options: Parameters<typeof measure>[2] = {}): { wallMs: number; cpuMs?: number; peakKb?: number; codes: number[] } {
  const samples = Array.from({ length: runs }, () => measure(cmd, args, options));
  const peaks = samples.map((s) => s.peakKb).filter((p): p is number => p !== undefined);
  const cpus = samples.map((s) => s.cpuMs).filter((c): c is number => c !== undefined);
  return { wallMs: median(samples.map((s) => s.wallMs)), ...(cpus.length ? { cpuMs: median(cpus) } : {}), peakKb: peaks.length ? Math.max(...peaks) : undefined, codes: samples.map((s) => s.code) };
}

export const fmtMs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const fmtCpu = (ms?: number) => (ms === undefined ? 'n/a' : fmtMs(ms));
export const fmtMb = (kb?: number) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
