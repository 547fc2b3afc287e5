import type { AlertRule, Channel } from '../config/schema/index.ts';
import { pages } from '../rules/alert/paging-required.ts';
import type { RoleMetric } from './metric-roles.ts';
import { ALERT_WINDOW } from './rollout.ts';

/** The channel through which Alertmanager reaches rollgate's webhook (see alerts/export.ts). */
const WEBHOOK_CHANNEL = 'rollgate-webhook';

/** What the alert file watches and where it can send alerts. */
export interface AlertRequest {
  rollout: string;
  /** The stage an alert that rolls back goes to. */
  firstStage: string;
  metrics: RoleMetric[];
  channels: Map<string, Channel>;
}

/** How a value's unit reads after the number. */
const UNIT_TEXT: Record<string, string> = { percent: ' %', ratio: '', ms: ' ms', seconds: ' s' };

/** Prometheus alert names are snake_case and start with a letter. */
const alertPrefix = (rollout: string) => `${/^[a-z]/.test(rollout) ? '' : 'rollout_'}${rollout.replace(/-/g, '_')}`;

/**
 * An AlertRules document as plain data: one rule per catalog metric the gates measure (so every
 * gate metric is watched), CRITICAL or HIGH to a paging channel with runbook steps when the
 * repository has one (MEDIUM to its first channel otherwise); the error rule rolls back to the
 * first stage when rollgate's webhook is a channel. Without such metrics, one placeholder rule.
 * Undefined when the repository declares no channel at all.
 */
export function alertsDraft(r: AlertRequest) {
  const names = [...r.channels.keys()];
  if (!names.length) return undefined;
  const paging = names.find((n) => pages(r.channels.get(n)!));
  const quiet = names.find((n) => !pages(r.channels.get(n)!) && r.channels.get(n)!.type !== 'webhook');
  const prefix = alertPrefix(r.rollout);
  const rules: AlertRule[] = r.metrics.map(({ role, name, metric }) => {
    const bad = role.alert(metric.unit);
    const severity = paging ? role.severity : 'MEDIUM';
    const rollsBack = role.rollsBack && r.channels.has(WEBHOOK_CHANNEL);
    return {
      name: `${prefix}_${role.role}_${severity.toLowerCase()}`,
      severity,
      when: { metric: name, ...bad, window: ALERT_WINDOW, for: role.rollsBack ? '2m' : '5m' },
      notify: paging ? [paging, ...(quiet ? [quiet] : [])] : [names[0]],
      summary: `${r.rollout}: ${role.summary} ${bad.op === '>' ? 'above' : 'below'} ${bad.value}${UNIT_TEXT[metric.unit] ?? ` ${metric.unit}`}`,
      runbook: {
        steps: [
          `Check where ${r.rollout} is: rollgate status ${r.rollout}`,
          rollsBack ? `Confirm the automatic rollback to ${r.firstStage} landed (rollgate history ${r.rollout})` : `If the new path causes it: rollgate rollback ${r.rollout} --env ENV`,
          'TODO: the team-specific steps (dashboards, logs, who to call)',
        ],
      },
      ...(rollsBack ? { onFire: { rollback: { to: r.firstStage, mode: 'emergency' } } } : {}),
    } as AlertRule;
  });
  if (!rules.length) {
    rules.push({
      name: `${prefix}_placeholder`,
      severity: 'LOW',
      when: { expr: 'vector(0) > 1' },
      notify: [quiet ?? names[0]],
      summary: `TODO: a condition that shows ${r.rollout} misbehaving (this placeholder never fires)`,
    } as AlertRule);
  }
  return {
    apiVersion: 'rollgate/v1',
    kind: 'AlertRules',
    metadata: { name: r.rollout, description: `Alerts that watch the rollout ${r.rollout}.` },
    spec: { rollout: r.rollout, rules },
  };
}
