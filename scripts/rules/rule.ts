import type { ConfigModel } from '../config/model.ts';
import { locate, type Path, type Position, type SourceFile } from '../config/source.ts';
import type { Diagnostic, Severity } from '../report/diagnostic.ts';

/** A problem a rule found, before it is positioned. */
export interface Finding {
  file: SourceFile;
  path: Path;
  /** Point at the mapping key rather than its value. */
  at?: 'key' | 'value';
  /** Overrides the position derived from `path` (e.g. inside a PromQL string). */
  position?: Position;
  message: string;
  hint?: string;
}

export interface RuleContext {
  model: ConfigModel;
  report(finding: Finding): void;
}

/**
 * One check with a stable code. Pure: never throws on a user's mistake.
 * A `file` rule reads only the document it is given (it runs per file, in parallel);
 * a `repository` rule looks across files (it runs once, on the whole model).
 */
export interface Rule {
  code: string;
  severity: Severity;
  scope: 'file' | 'repository';
  description: string;
  check(ctx: RuleContext): void;
}

/** Runs every rule and positions what they found. */
export function runRules(model: ConfigModel, rules: readonly Rule[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of rules) {
    rule.check({
      model,
      report(f) {
        const pos = f.position ?? locate(f.file, f.path, f.at);
        out.push({ code: rule.code, severity: rule.severity, file: f.file.path, line: pos.line, col: pos.col, message: f.message, ...(f.hint ? { hint: f.hint } : {}) });
      },
    });
  }
  return out;
}
