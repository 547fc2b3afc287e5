import { randomBytes } from 'node:crypto';

/**
 * A personal access token of the admin user Unleash creates on an empty database, made as a
 * person would in Unleash's UI (sign in, then Profile → Personal API tokens). Unleash refuses
 * its batch import to admin API tokens; a PAT (or a service account's token) may import.
 */
export async function personalAccessToken(url: string, user = { username: 'admin', password: 'unleash4all' }): Promise<string> {
  const login = await fetch(`${url}/auth/simple/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });
  if (login.status !== 200) throw new Error(`signing in to Unleash as ${user.username}: HTTP ${login.status}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const body = { description: `rollgate-${randomBytes(4).toString('hex')}`, expiresAt: new Date(Date.now() + 86_400_000).toISOString() };
  const created = await fetch(`${url}/api/admin/user/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
  if (created.status !== 201) throw new Error(`creating a personal access token in Unleash: HTTP ${created.status} ${await created.text()}`);
  return ((await created.json()) as { secret: string }).secret;
}
