import { jsonSchemaFor } from './json-schema.ts';
import type { Kind } from './schema/index.ts';
import type { Path } from './source.ts';

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; prefixItems?: JsonSchema[]; additionalProperties?: JsonSchema | boolean; anyOf?: JsonSchema[] };

const cache = new Map<Kind, JsonSchema>();

/** Field names the schema allows at `path`: the candidates for "did you mean". */
export function knownKeysAt(kind: Kind, path: Path): string[] {
  let schema: JsonSchema | undefined = cache.get(kind);
  if (!schema) cache.set(kind, (schema = jsonSchemaFor(kind) as JsonSchema));
  for (const seg of path) {
    if (!schema) return [];
    if (schema.anyOf) schema = schema.anyOf.find((s) => s.properties || s.items) ?? schema;
    if (typeof seg === 'number') schema = schema.items ?? schema.prefixItems?.[seg];
    else schema = schema.properties?.[seg] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
  }
  if (schema?.anyOf) schema = schema.anyOf.find((s) => s.properties) ?? schema;
  return Object.keys(schema?.properties ?? {});
}
