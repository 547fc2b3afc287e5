/** One alert of an Alertmanager webhook payload (version 4). */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
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
  reason: string;
}

/** The payload's alerts, or a reason it is not an Alertmanager payload. */
export function parsePayload(body: unknown): { alerts: WebhookAlert[] } | { error: string } {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { alerts?: unknown }).alerts)) return { error: 'not an Alertmanager webhook payload: no "alerts" list' };
  const alerts: WebhookAlert[] = [];
  for (const a of (body as { alerts: unknown[] }).alerts) {
    if (!a || typeof a !== 'object') return { error: 'an alert is not an object' };
    const x = a as Partial<WebhookAlert>;
    if ((x.status !== 'firing' && x.status !== 'resolved') || !x.labels || typeof x.labels !== 'object') return { error: 'an alert has no status or labels' };
    alerts.push({ status: x.status, labels: x.labels, annotations: x.annotations ?? {}, startsAt: String(x.startsAt ?? ''), ...(x.fingerprint ? { fingerprint: String(x.fingerprint) } : {}) });
  }
  return { alerts };
}

/**
 * What a firing alert asks rollgate to do: only alerts exported with `rollgate_rollback="true"`
 * (rules with onFire.rollback) that name a rollout and an environment. Resolved alerts ask nothing.
 */
export function rollbackAsk(alert: WebhookAlert): RollbackAsk | undefined {
  const l = alert.labels;
  if (alert.status !== 'firing' || l.rollgate_rollback !== 'true' || !l.rollout || !l.env) return undefined;
  const alertname = l.alertname ?? 'alert';
  return {
    key: `${l.rollout}|${l.env}|${alert.fingerprint ?? alertname}|${alert.startsAt}`,
    rollout: l.rollout,
    env: l.env,
    ...(l.rollback_to ? { to: l.rollback_to } : {}),
    alertname,
    reason: `alert ${alertname} (${l.severity ?? 'unknown severity'}) fired at ${alert.startsAt}${alert.annotations.summary ? `: ${alert.annotations.summary}` : ''}\nAlert-Key: ${l.rollout}|${l.env}|${alert.fingerprint ?? alertname}|${alert.startsAt}`,
  };
}
