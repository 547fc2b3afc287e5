import { stringify } from 'yaml';

export interface ConfigMapSettings {
  /** metadata.name */
  name: string;
  namespace?: string;
  /** The data key (the file name flagd reads where the ConfigMap is mounted). */
  key: string;
}

/**
 * A Kubernetes ConfigMap manifest holding the flag file, for Argo CD or Flux to apply; flagd
 * (or the in-process provider) reads it where the ConfigMap is mounted as a volume. The
 * applied SHA is an annotation too, so `kubectl get configmap -o yaml` says which commit
 * is live. A pure text → text function.
 */
export function renderConfigMap(flagFile: string, settings: ConfigMapSettings, env: string, sha: string): string {
  const manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: settings.name,
      ...(settings.namespace ? { namespace: settings.namespace } : {}),
      labels: { 'app.kubernetes.io/managed-by': 'rollgate', 'rollgate.dev/environment': env },
      annotations: { 'rollgate.dev/applied-sha': sha },
    },
    data: { [settings.key]: flagFile },
  };
  return `# Written by rollgate sync for ${env} from ${sha}: edit rollout/ on main, not this file.\n${stringify(manifest, { lineWidth: 0 })}`;
}
