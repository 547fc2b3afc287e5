import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../report/diagnostic.ts';
import { discoverConfig } from './discover.ts';
import { buildModel, type ConfigModel } from './model.ts';
import { parseConfig } from './parse.ts';

export interface Loaded {
  model: ConfigModel;
  /** Problems of single files: encoding, YAML, schema. */
  diagnostics: Diagnostic[];
  files: number;
  /** Text of every file that was read and decoded, for reporters that show source lines. */
  sources: Map<string, string>;
}

/** Reads every config file under `dir` and builds the model from the ones that parse. */
export async function loadConfig(dir: string): Promise<Loaded> {
  const found = await discoverConfig(dir);
  const diagnostics = [...found.diagnostics];
  const documents = [];
  const sources = new Map<string, string>();
  const contents = await Promise.all(found.files.map((rel) => readFile(join(dir, rel))));
  for (const [i, rel] of found.files.entries()) {
    const parsed = parseConfig(rel, contents[i]);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.file) sources.set(rel, parsed.file.text);
    if (parsed.ok) documents.push(parsed);
  }
  return { model: buildModel(documents), diagnostics, sources, files: found.files.length + found.diagnostics.filter((d) => d.code.startsWith('file/symlink')).length };
}
