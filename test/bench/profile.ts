// Reads V8 .cpuprofile files (node --cpu-prof) into the functions with the most self time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  /** Where it is: a path under node_modules or the repository, and the line. */
  where: string;
  selfMs: number;
  share: number;
}

/** The top `n` functions by self time over every profile in `dir` (all threads of one run). */
export function topFunctions(dir: string, n = 5): { top: HotFunction[]; totalMs: number } {
  const self = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, i) => {
      const us = profile.timeDeltas[i] ?? 0;
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      const name = functionName || '(anonymous)';
      if (name === '(idle)' || name === '(program)') return; // waiting, or V8 outside JavaScript
      const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
      const key = `${name} ${where}`;
      const entry = self.get(key) ?? { name, where, us: 0 };
      entry.us += us;
      self.set(key, entry);
      total += us;
    });
  }
  const top = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, n)
    .map((f) => ({ name: f.name, where: f.where, selfMs: f.us / 1000, share: total ? f.us / total : 0 }));
  return { top, totalMs: total / 1000 };
}

function shorten(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  const at = path.search(/\/(scripts|build|test)\//);
  return at >= 0 ? path.slice(at + 1) : path;
}
