import type { ConfigModel } from '../config/model.ts';
import type { Metric } from '../config/schema/index.ts';

/** A threshold on a metric: `op value` describes the case named (good for a gate, bad for an alert). */
export interface Threshold {
  op: '<' | '>';
  value: number;
}

/** What the scaffold gates and alerts on, for a catalog metric that plays a role it knows. */
export interface MetricRole {
  role: 'errors' | 'latency';
  /** Which catalog metrics play it: preferred names first, then a pattern on name and unit. */
  names: string[];
  matches(name: string, metric: Metric): boolean;
  /** The gate criterion into every stage after the first (the good case), by unit. */
  gate(unit: string): Threshold;
  /** The alert condition (the bad case), by unit. */
  alert(unit: string): Threshold;
  severity: 'CRITICAL' | 'HIGH';
  /** Rolls the rollout back to its first stage when it fires (and as a rollback-matrix row). */
  rollsBack: boolean;
  summary: string;
}

const byUnit = (unit: string, table: Record<string, number>, fallback: number) => table[unit] ?? fallback;

/** The roles, in the order gates and alerts list them. */
const METRIC_ROLES: MetricRole[] = [
  {
    role: 'errors',
    names: ['error_rate'],
    matches: (name, m) => /error/.test(name) && (m.unit === 'percent' || m.unit === 'ratio'),
    gate: (unit) => ({ op: '<', value: byUnit(unit, { ratio: 0.01 }, 1) }),
    alert: (unit) => ({ op: '>', value: byUnit(unit, { ratio: 0.05 }, 5) }),
    severity: 'CRITICAL',
    rollsBack: true,
    summary: 'error rate',
  },
  {
    role: 'latency',
    names: ['latency_p95_ms', 'latency_p99_ms'],
    matches: (name, m) => /latency|duration/.test(name) && (m.unit === 'ms' || m.unit === 'seconds'),
    gate: (unit) => ({ op: '<', value: byUnit(unit, { seconds: 0.5 }, 500) }),
    alert: (unit) => ({ op: '>', value: byUnit(unit, { seconds: 1 }, 1000) }),
    severity: 'HIGH',
    rollsBack: false,
    summary: 'latency',
  },
];

/** A role and the catalog metric that plays it. */
export interface RoleMetric {
  role: MetricRole;
  name: string;
  metric: Metric;
}

/** For each role, the catalog metric that plays it (a preferred name, else the first that matches); roles nobody plays are left out. */
export function roleMetrics(model: ConfigModel): RoleMetric[] {
  return METRIC_ROLES.flatMap((role) => {
    const name = role.names.find((n) => model.metricCatalog.has(n)) ?? [...model.metricCatalog.keys()].find((n) => role.matches(n, model.metricCatalog.get(n)!.metric));
    return name ? [{ role, name, metric: model.metricCatalog.get(name)!.metric }] : [];
  });
}
