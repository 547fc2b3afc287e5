import { CODEOWNERS_LOCATIONS } from '../../github/port.ts';
import type { DoctorCheck } from '../check.ts';

export const codeownersExists: DoctorCheck = {
  id: 'codeowners/exists',
  description: 'The main branch has a CODEOWNERS file',
  check({ facts }) {
    if (facts.codeowners) return { ok: true, message: `${facts.codeowners.path} exists on ${facts.branch}` };
    return {
      ok: false,
      message: `${facts.branch} has no CODEOWNERS file (GitHub looks for ${CODEOWNERS_LOCATIONS.join(', ')})`,
      fix: 'add .github/CODEOWNERS that owns everything that executes or decides (see codeowners/coverage)',
    };
  },
};
