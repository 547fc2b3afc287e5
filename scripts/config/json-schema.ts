import { z } from 'zod';
import { KINDS, type Kind } from './schema/index.ts';

/** The JSON Schema (draft 2020-12) of one kind, as editors and ajv read it. */
export function jsonSchemaFor(kind: Kind): Record<string, unknown> {
  const schema = z.toJSONSchema(KINDS[kind].schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, $id: `https://rollgate.dev/schemas/${KINDS[kind].file}`, title: `rollgate ${kind}` };
}

/** The text `npm run schemas` writes; a test compares it with the committed file. */
export function jsonSchemaText(kind: Kind): string {
  return JSON.stringify(jsonSchemaFor(kind), null, 2) + '\n';
}
