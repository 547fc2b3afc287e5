import { ALERT_KEY, oneLine, type Trailer } from '../rollback/trailers.ts';

/** One alert of an Alertmanager webhook payload (version 4). */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  /** Maps, not objects: a label named `__proto__` or `constructor` is just a label. */
  labels: ReadonlyMap<string, string>;
  annotations: ReadonlyMap<string, string>;
  startsAt: string;
  fingerprint?: string;
}

/** A rollback an alert asks for. */
export interface RollbackAsk {
  key: string;
  rollout: string;
  env: string;
  to?: string;
  alertname: string;
  /** One line, no control characters: it becomes the commit's Reason trailer. */
  reason: string;
  /** The commit's trailers after Reason: the Alert-Key that marks the rollback as done for this alert. */
  trailers: Trailer[];
}

/** The payload's alerts, or a reason it is not an Alertmanager payload. */
export function parsePayload(body: unknown): { alerts: WebhookAlert[] } | { error: string } {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { alerts?: unknown }).alerts)) return { error: 'not an Alertmanager webhook payload: no "alerts" list' };
  const alerts: WebhookAlert[] = [];
  for (const a of (body as { alerts: unknown[] }).alerts) {
    if (!a || typeof a !== 'object') return { error: 'an alert is not an object' };
    const x = a as Record<string, unknown>;
    const status = own(x, 'status');
    const labels = own(x, 'labels');
    if ((status !== 'firing' && status !== 'resolved') || !labels || typeof labels !== 'object') return { error: 'an alert has no status or labels' };
    const fingerprint = own(x, 'fingerprint');
    alerts.push({ status, labels: stringMap(labels), annotations: stringMap(own(x, 'annotations')), startsAt: String(own(x, 'startsAt') ?? ''), ...(fingerprint ? { fingerprint: String(fingerprint) } : {}) });
  }
  return { alerts };
}

/**
 * What a firing alert asks rollgate to do: only alerts exported with `rollgate_rollback="true"`
 * (rules with onFire.rollback) that name a rollout and an environment. Resolved alerts ask nothing.
 * Labels and annotations are untrusted text: whatever of them reaches the commit message is
 * flattened to one line, so none of it can forge a trailer.
 */
export function rollbackAsk(alert: WebhookAlert): RollbackAsk | undefined {
  const l = alert.labels;
  const rollout = l.get('rollout');
  const env = l.get('env');
  if (alert.status !== 'firing' || l.get('rollgate_rollback') !== 'true' || !rollout || !env) return undefined;
  const alertname = oneLine(l.get('alertname') || 'alert', 200);
  const key = [rollout, env, alert.fingerprint ?? alertname, alert.startsAt].map((part) => oneLine(part, 200)).join('|');
  const summary = oneLine(alert.annotations.get('summary') ?? '');
  const to = l.get('rollback_to');
  return {
    key,
    rollout,
    env,
    ...(to ? { to } : {}),
    alertname,
    reason: oneLine(`alert ${alertname} (${l.get('severity') || 'unknown severity'}) fired at ${alert.startsAt}${summary ? `: ${summary}` : ''}`),
    trailers: [{ token: ALERT_KEY, value: key }],
  };
}

/** A payload field, only when the object has it itself (JSON.parse keeps `__proto__` as an own key). */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The string-valued entries of a labels or annotations object; anything else is dropped. */
function stringMap(value: unknown): Map<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return new Map();
  return new Map(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
