import type { Rule } from '../rule.ts';

const REQUIRED: Record<string, string[]> = { prometheus: ['url'], static: ['file'], none: [] };

export const metricsSettings: Rule = {
  code: 'env/metrics-incomplete',
  severity: 'error',
  scope: 'file',
  description: "Each environment's metrics provider has the settings its type needs",
  check({ model, report }) {
    for (const { file, doc } of model.environments) {
      for (const [env, settings] of Object.entries(doc.spec.environments)) {
        const provider = settings.metrics as Record<string, unknown>;
        for (const key of REQUIRED[settings.metrics.type]) {
          if (provider[key] === undefined) report({ file, path: ['spec', 'environments', env, 'metrics', 'type'], message: `${settings.metrics.type} metrics provider of "${env}" is missing "${key}"`, hint: `add ${key} under metrics` });
        }
        if (settings.metrics.type === 'prometheus' && typeof provider.url === 'string' && !/^https?:\/\/[^\s/]+/.test(provider.url)) {
          report({ file, path: ['spec', 'environments', env, 'metrics', 'url'], message: `"${provider.url}" is not an http(s) URL`, hint: 'e.g. http://prometheus.monitoring:9090' });
        }
      }
    }
  },
};
