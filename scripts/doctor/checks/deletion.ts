import { having, type DoctorCheck } from '../check.ts';

export const deletionBlocked: DoctorCheck = {
  id: 'branch/deletion',
  description: 'The main branch cannot be deleted',
  check({ facts, layers }) {
    const by = having(layers, (l) => l.blocksDeletion);
    if (by.length) return { ok: true, message: `${facts.branch} cannot be deleted (${by.join(', ')})` };
    return {
      ok: false,
      message: `${facts.branch} can be deleted`,
      fix: 'branch protection: untick "Allow deletions"; or add "Restrict deletions" to a ruleset',
    };
  },
};
