import {
  CODEOWNERS_LOCATIONS,
  type BranchProtection,
  type BranchRule,
  type CodeownersError,
  type GitHub,
  type RepoPermission,
  type Ruleset,
  type WorkflowPermissions,
} from '../github/port.ts';

/** Everything the doctor's checks read: plain data, fetched once. */
export interface RepositoryFacts {
  /** owner/name */
  repository: string;
  /** environments.yaml `mainBranch`. */
  branch: string;
  /** Classic branch protection; undefined when there is none (or the token may not read it). */
  protection?: BranchProtection;
  /** Active ruleset rules that apply to the branch. */
  rules: BranchRule[];
  /** The rulesets those rules come from. */
  rulesets: Ruleset[];
  /** The CODEOWNERS file GitHub uses on the branch, and the errors GitHub reports in it. */
  codeowners?: { path: string; text: string; errors: CodeownersError[] };
  /** Files on the branch under the folders CODEOWNERS must cover (from git; empty when unknown). */
  files: string[];
  /** The webhook's account (ROLLGATE_BOT_LOGIN); undefined when not named. `permission` undefined: GitHub knows no such user. */
  bot?: { login: string; permission?: RepoPermission };
  workflow: WorkflowPermissions;
}

export interface GatherOptions {
  repository: string;
  branch: string;
  botLogin?: string;
  /** Files under `roots` on the branch; the checks also probe for new files, so this may be empty. */
  listFiles(roots: string[]): Promise<string[]>;
  roots: string[];
}

/** Reads the settings through the port, concurrently where GitHub allows. */
export async function gatherFacts(github: GitHub, options: GatherOptions): Promise<RepositoryFacts> {
  const { branch, botLogin } = options;
  const [protection, rules, workflow, bot, codeowners, files] = await Promise.all([
    github.branchProtection(branch),
    github.branchRules(branch),
    github.workflowPermissions(),
    botLogin ? github.permissionOf(botLogin).then((permission) => ({ login: botLogin, ...(permission ? { permission } : {}) })) : undefined,
    codeownersOn(github, branch),
    options.listFiles(options.roots),
  ]);
  const rulesets = await Promise.all([...new Set(rules.map((r) => r.ruleset))].map((id) => github.ruleset(id)));
  return {
    repository: options.repository,
    branch,
    ...(protection ? { protection } : {}),
    rules,
    rulesets,
    ...(codeowners ? { codeowners } : {}),
    files,
    ...(bot ? { bot } : {}),
    workflow,
  };
}

/** The first CODEOWNERS in GitHub's order: only that one counts. */
async function codeownersOn(github: GitHub, branch: string): Promise<RepositoryFacts['codeowners']> {
  for (const path of CODEOWNERS_LOCATIONS) {
    const text = await github.fileAt(path, branch);
    if (text !== undefined) return { path, text, errors: (await github.codeownersErrors(branch)) ?? [] };
  }
  return undefined;
}
