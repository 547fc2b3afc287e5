import { loadConfig } from '../config/load.ts';
import type { ConfigModel } from '../config/model.ts';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../report/diagnostic.ts';
import { RULES } from './index.ts';
import { runRules } from './rule.ts';

export interface Validation {
  ok: boolean;
  diagnostics: Diagnostic[];
  files: number;
  model: ConfigModel;
  sources: Map<string, string>;
}

/** Load, check every file, then every rule across files. */
export async function validateRepository(dir: string): Promise<Validation> {
  const { model, diagnostics, files, sources } = await loadConfig(dir);
  const all = sortDiagnostics([...diagnostics, ...runRules(model, RULES)]);
  return { ok: !hasErrors(all), diagnostics: all, files, model, sources };
}
