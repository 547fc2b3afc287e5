import { OWNED_ROOTS } from '../doctor/checks/codeowners-coverage.ts';
import { gatherFacts } from '../doctor/facts.ts';
import { runDoctor } from '../doctor/index.ts';
import { gitAt } from '../git/simple-git.ts';
import { gitHubSettingsFromEnv } from '../github/from-env.ts';
import { octokitGitHub } from '../github/octokit.ts';
import { renderDoctorJson, renderDoctorText } from '../report/doctor.ts';
import { environmentsSpec, formatOf, loadValidConfig, parse, repoDir, textStyle, type Io } from './common.ts';

export const usage = `rollgate doctor [--dir PATH] [--format text|json]

Reads the repository's settings through the GitHub API and says, one line each (✓ / ✗ and
what to change), whether what rollgate's guarantees rest on holds: the main branch
(environments.yaml mainBranch) is protected — pull requests, an approval, code-owner review,
stale approvals dismissed, the validate and gate checks required, no force push or deletion,
nobody bypassing; CODEOWNERS owns everything that executes or decides; the webhook bot can
push but is no admin; workflow tokens are read-only and cannot approve PRs.
Needs GITHUB_REPOSITORY, GITHUB_TOKEN (a token that may read branch protection and Actions
settings: an admin's, or "Administration: read") and ROLLGATE_BOT_LOGIN (the webhook's account).
Exit 0 every setting holds, 1 something is missing, 2 usage or infrastructure error.

Examples:
  GITHUB_REPOSITORY=octo-org/rollouts GITHUB_TOKEN="$(gh auth token)" ROLLGATE_BOT_LOGIN=rollgate-bot rollgate doctor
  rollgate doctor --format json`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {});
  if (values.help) return io.stdout(usage + '\n'), 0;
  // Not the github format by default inside Actions: the doctor reports settings, not file lines.
  const format = formatOf(io, values.format ?? 'text', ['text', 'json']);
  const dir = repoDir(io, values.dir);
  const settings = gitHubSettingsFromEnv(io.env); // before any work: no token, no doctor
  const { model } = await loadValidConfig(io, dir);
  const branch = environmentsSpec(model).mainBranch;
  const git = gitAt(dir);
  const facts = await gatherFacts(octokitGitHub(settings), {
    repository: `${settings.owner}/${settings.repo}`,
    branch,
    botLogin: io.env.ROLLGATE_BOT_LOGIN?.trim() || undefined,
    roots: OWNED_ROOTS,
    // What the checkout knows of the branch; without it only new-file probes check the folders.
    async listFiles(roots) {
      try {
        const ref = (await git.resolve(`refs/remotes/origin/${branch}`)) ?? (await git.resolve(branch));
        return ref ? await git.listFiles(ref, roots) : [];
      } catch {
        return [];
      }
    },
  });
  const report = runDoctor(facts);
  io.stdout(format === 'json' ? renderDoctorJson(report) : renderDoctorText(report, textStyle(io)));
  return report.ok ? 0 : 1;
}
