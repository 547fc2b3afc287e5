// `npm run schemas`: regenerate schemas/*.schema.json from the zod schemas.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaText } from './json-schema.ts';
import { KIND_NAMES, KINDS } from './schema/index.ts';

const out = join(import.meta.dirname, '..', '..', 'schemas');
mkdirSync(out, { recursive: true });
for (const kind of KIND_NAMES) {
  writeFileSync(join(out, KINDS[kind].file), jsonSchemaText(kind));
  console.log(`schemas/${KINDS[kind].file}`);
}
