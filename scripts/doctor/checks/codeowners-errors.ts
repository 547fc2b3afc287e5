import type { DoctorCheck } from '../check.ts';
import { parseCodeowners } from '../codeowners.ts';

export const codeownersErrors: DoctorCheck = {
  id: 'codeowners/errors',
  description: 'GitHub can use every line of CODEOWNERS (a line it cannot use owns nothing)',
  check({ facts }) {
    if (!facts.codeowners) return { ok: false, message: 'there is no CODEOWNERS file to check', fix: 'see codeowners/exists' };
    const { path, text, errors } = facts.codeowners;
    const problems = new Map<number, string>();
    for (const e of errors) problems.set(e.line, `${e.kind}${e.suggestion ? ` — ${e.suggestion}` : ''}`);
    for (const p of parseCodeowners(text).problems) if (!problems.has(p.line)) problems.set(p.line, p.message);
    if (!problems.size) return { ok: true, message: `GitHub reports no errors in ${path}` };
    const said = [...problems].sort(([a], [b]) => a - b).map(([line, why]) => `line ${line}: ${why}`);
    return {
      ok: false,
      message: `${path} has lines GitHub skips or cannot use: ${said.join('; ')}`,
      // Unknown owners are the usual cause: a team without write access, or a misspelt name.
      fix: 'fix those lines; every owner must exist and have write access to the repository (the CODEOWNERS file page on GitHub marks them too)',
    };
  },
};
