import type { DoctorCheck } from '../check.ts';

export const botPermission: DoctorCheck = {
  id: 'bot/permission',
  description: "The webhook bot (ROLLGATE_BOT_LOGIN) can push but is not an admin",
  check({ facts }) {
    const { bot } = facts;
    if (!bot) return { ok: false, message: "ROLLGATE_BOT_LOGIN is not set, so the webhook bot's access is unchecked", fix: 'set ROLLGATE_BOT_LOGIN to the account whose token the webhook pushes rollbacks with' };
    if (!bot.permission) return { ok: false, message: `GitHub knows no user ${bot.login}`, fix: `check ROLLGATE_BOT_LOGIN, then give ${bot.login} the Write role` };
    const { permission, role } = bot.permission;
    const roleText = role !== permission ? `${permission} (role ${role})` : permission;
    if (permission === 'write') return { ok: true, message: `${bot.login} has ${roleText}: it can push rollbacks and is not an admin` };
    if (permission === 'admin') {
      return {
        ok: false,
        message: `${bot.login} has admin: a leaked webhook token could change branch protection or bypass it`,
        fix: `give ${bot.login} the Write role (Settings → Collaborators and teams), not Admin`,
      };
    }
    return { ok: false, message: `${bot.login} has ${roleText}: the webhook cannot push rollbacks`, fix: `give ${bot.login} the Write role (Settings → Collaborators and teams)` };
  },
};
