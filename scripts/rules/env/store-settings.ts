import type { Rule } from '../rule.ts';

/** Settings each store type needs; flagd needs one of `path` (a file here) or `publish` (a branch). */
const REQUIRED: Record<string, string[]> = { flagd: [], unleash: ['url', 'project', 'environment', 'tokenEnv'] };
/** Settings only one type reads. */
const OWN: Record<string, string[]> = { flagd: ['path', 'publish'], unleash: REQUIRED.unleash.concat('stateFeature') };

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
        if (settings.store.type === 'flagd') {
          if (store.path === undefined && store.publish === undefined) report({ file, path: [...path, 'type'], message: `flagd store of "${env}" says neither where its file is ("path") nor where it is published ("publish")`, hint: 'add publish: {branch: rollgate/flags, path: <env>.flagd.json}, or path: build/flags/<env>.flagd.json' });
          if (store.path !== undefined && store.publish !== undefined) report({ file, path: [...path, 'path'], at: 'key', message: `flagd store of "${env}" has both "path" and "publish"`, hint: 'keep one: publish (a branch that flagd reads) or path (a file on this machine)' });
          if (settings.store.publish?.branch === doc.spec.mainBranch) report({ file, path: [...path, 'publish', 'branch'], message: `"${env}" would publish its flag file to ${doc.spec.mainBranch}, the branch the sync applies`, hint: 'publish to a branch of its own, e.g. rollgate/flags' });
        }
        for (const [type, keys] of Object.entries(OWN)) {
          if (type === settings.store.type) continue;
          for (const key of keys) {
            if (store[key] !== undefined) report({ file, path: [...path, key], at: 'key', message: `"${key}" is a ${type} setting; this store is ${settings.store.type}`, hint: `remove ${key}` });
          }
        }
      }
    }
  },
};
