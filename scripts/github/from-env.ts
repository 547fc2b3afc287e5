import { DEFAULT_API_URL, octokitGitHub } from './octokit.ts';
import type { GitHub } from './port.ts';

/** A GitHub setting is missing or malformed in the environment; `variable` names it. Never carries a token. */
export class GitHubEnvError extends Error {
  override name = 'GitHubEnvError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

/** The settings gitHubFromEnv reads (what GitHub Actions provides). */
export interface GitHubEnv {
  owner: string;
  repo: string;
  token: string;
  baseUrl: string;
}

/** Reads GITHUB_REPOSITORY, GITHUB_TOKEN and GITHUB_API_URL (default https://api.github.com); throws GitHubEnvError. */
export function gitHubSettingsFromEnv(env: Record<string, string | undefined>): GitHubEnv {
  const repository = env.GITHUB_REPOSITORY?.trim();
  if (!repository) throw new GitHubEnvError('GITHUB_REPOSITORY', 'GITHUB_REPOSITORY is not set: expected owner/repo (GitHub Actions sets it)');
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(repository);
  // The repository name is not secret, so showing it helps spot the typo.
  if (!match) throw new GitHubEnvError('GITHUB_REPOSITORY', `GITHUB_REPOSITORY must be owner/repo, got "${repository}"`);
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) {
    throw new GitHubEnvError('GITHUB_TOKEN', 'GITHUB_TOKEN is not set: in a workflow step add `env: { GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }} }`');
  }
  const baseUrl = env.GITHUB_API_URL?.trim() || DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    // The value is not echoed: a URL can carry credentials.
    throw new GitHubEnvError('GITHUB_API_URL', 'GITHUB_API_URL is not a valid URL (e.g. https://api.github.com)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new GitHubEnvError('GITHUB_API_URL', `GITHUB_API_URL must be http(s), not ${url.protocol}`);
  return { owner: match[1], repo: match[2], token, baseUrl };
}

/** The GitHub port for the repository the environment names (GitHub Actions' variables). */
export function gitHubFromEnv(env: Record<string, string | undefined>): GitHub {
  return octokitGitHub(gitHubSettingsFromEnv(env));
}
