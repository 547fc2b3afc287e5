import { buildModel, type ConfigModel } from '../config/model.ts';
import { CONFIG_DIRS } from '../config/discover.ts';
import { parseConfig } from '../config/parse.ts';
import type { Git } from '../git/port.ts';

/** The config model as it is at `ref` (files that do not parse there are left out). */
export async function modelAt(git: Git, ref: string): Promise<ConfigModel> {
  const files = (await git.listFiles(ref, CONFIG_DIRS)).filter((f) => /\.ya?ml$/i.test(f) && !f.startsWith('alerts/tests/'));
  const texts = await Promise.all(files.map((f) => git.show(ref, f)));
  const documents = [];
  for (const [i, path] of files.entries()) {
    if (texts[i] === undefined) continue;
    const parsed = parseConfig(path, Buffer.from(texts[i]!));
    if (parsed.ok) documents.push(parsed);
  }
  return buildModel(documents);
}
