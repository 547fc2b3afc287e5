import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFor, jsonSchemaText } from '../scripts/config/json-schema.ts';
import { KIND_NAMES, KINDS, type Kind } from '../scripts/config/schema/index.ts';
import { ROOT } from './helpers/cli.ts';

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

const validConfig = [
  ...yamlFiles(join(ROOT, 'rollout')),
  ...yamlFiles(join(ROOT, 'alerts')).filter((f) => !f.includes(`${join('alerts', 'tests')}`)),
  ...yamlFiles(join(ROOT, 'test', 'fixtures', 'valid')),
];

describe('generated JSON Schemas', () => {
  it.each(KIND_NAMES)('schemas/%s is what `npm run schemas` writes', (kind) => {
    const committed = readFileSync(join(ROOT, 'schemas', KINDS[kind].file), 'utf8');
    expect(committed, `run "npm run schemas" and commit schemas/${KINDS[kind].file}`).toBe(jsonSchemaText(kind));
  });

  it.each(KIND_NAMES)('%s compiles with ajv (draft 2020-12, strict)', (kind) => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    expect(() => ajv.compile(jsonSchemaFor(kind))).not.toThrow();
  });

  it.each(KIND_NAMES)('every field of %s is described', (kind) => {
    const missing: string[] = [];
    const walk = (schema: Record<string, any>, path: string) => {
      for (const [key, sub] of Object.entries<Record<string, any>>(schema.properties ?? {})) {
        if (!sub.description) missing.push(`${path}.${key}`);
        walk(sub, `${path}.${key}`);
      }
      if (schema.items) walk(schema.items, `${path}[]`);
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${path}.*`);
      for (const s of schema.prefixItems ?? []) walk(s, `${path}[n]`);
    };
    walk(jsonSchemaFor(kind), kind);
    expect(missing).toEqual([]);
  });

  it('there is valid config to check', () => {
    expect(validConfig.length).toBeGreaterThanOrEqual(10);
  });

  it.each(validConfig.map((f) => relative(ROOT, f)))('%s passes its kind\'s JSON Schema with ajv', (file) => {
    const value = parse(readFileSync(join(ROOT, file), 'utf8')) as { kind: Kind };
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const validate = ajv.compile(jsonSchemaFor(value.kind));
    expect(validate(value) ? [] : validate.errors).toEqual([]);
  });

  it('ajv rejects what zod rejects: a percentage over 100 and an unknown field', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const validate = ajv.compile(jsonSchemaFor('Rollout'));
    const doc = {
      apiVersion: 'rollgate/v1',
      kind: 'Rollout',
      metadata: { name: 'x' },
      spec: { flag: 'x', stages: [{ name: 'a', percentage: 120 }], environments: {}, colour: 'red' },
    };
    expect(validate(doc)).toBe(false);
    const paths = validate.errors!.map((e) => `${e.instancePath} ${e.keyword}`);
    expect(paths).toContain('/spec/stages/0/percentage maximum');
    expect(paths).toContain('/spec additionalProperties');
  });
});
