import { basename } from 'node:path';
import type { PrometheusRule } from '../alerts/export.ts';

/** One input series of a promtool unit test. */
export interface Series {
  series: string;
  values: string;
}

/** Series that make a rule fire, and series of a healthy service that keep it quiet. */
export interface RuleSeries {
  fires: Series[];
  quiet: Series[];
}

/** A test case: an exported rule, with series when the scaffold knows the metric's query. */
export interface AlertCase {
  rule: PrometheusRule;
  series?: RuleSeries;
}

/** Late enough that every scaffolded `for` has passed, within the 20 minutes of series. */
const EVAL_TIME = '15m';

/**
 * A promtool test file as plain data: for a rule whose series are known, it fires on bad
 * series with exactly the labels and annotations the export gives it, and stays quiet on
 * healthy ones; for any other rule, it stays quiet without traffic (a skeleton to extend).
 */
export function alertTestDraft(ruleFile: string, cases: AlertCase[]) {
  const seen = new Set<string>();
  const tests = cases.flatMap(({ rule, series }) => {
    const env = rule.labels.env ?? 'all environments';
    if (series) {
      return [
        { name: `${rule.alert} fires in ${env}`, interval: '1m', input_series: series.fires, alert_rule_test: [{ eval_time: EVAL_TIME, alertname: rule.alert, exp_alerts: [{ exp_labels: rule.labels, exp_annotations: rule.annotations }] }] },
        { name: `${rule.alert} stays quiet while ${env} is healthy`, interval: '1m', input_series: series.quiet, alert_rule_test: [{ eval_time: EVAL_TIME, alertname: rule.alert, exp_alerts: [] }] },
      ];
    }
    if (seen.has(rule.alert)) return [];
    seen.add(rule.alert);
    return [{ name: `${rule.alert} stays quiet without traffic`, interval: '1m', input_series: [], alert_rule_test: [{ eval_time: EVAL_TIME, alertname: rule.alert, exp_alerts: [] }] }];
  });
  return { rule_files: [basename(ruleFile)], evaluation_interval: '1m', tests };
}
