import type { Rule } from '../rule.ts';

const REQUIRED: Record<string, string[]> = { flagd: ['path'], unleash: ['url', 'project', 'environment', 'tokenEnv'] };

export const storeSettings: Rule = {
  code: 'env/store-incomplete',
  severity: 'error',
  scope: 'file',
  description: "Each environment's flag store has every setting its type needs, and none of another type's",
  check({ model, report }) {
    for (const { file, doc } of model.environments) {
      for (const [env, settings] of Object.entries(doc.spec.environments)) {
        const store = settings.store as Record<string, unknown>;
        const path = ['spec', 'environments', env, 'store'];
        for (const key of REQUIRED[settings.store.type]) {
          if (store[key] === undefined) report({ file, path: [...path, 'type'], message: `${settings.store.type} store of "${env}" is missing "${key}"`, hint: `add ${key} under store` });
        }
        for (const [type, keys] of Object.entries(REQUIRED)) {
          if (type === settings.store.type) continue;
          for (const key of keys) {
            if (store[key] !== undefined && !REQUIRED[settings.store.type].includes(key)) report({ file, path: [...path, key], at: 'key', message: `"${key}" is a ${type} setting; this store is ${settings.store.type}`, hint: `remove ${key}` });
          }
        }
      }
    }
  },
};
