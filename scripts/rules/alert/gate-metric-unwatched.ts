import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { BUILTIN_METRICS, isComplete, isWhole } from '../../config/model.ts';
import type { Metric } from '../../config/schema/index.ts';
import { templatesOf } from '../../metrics/catalog.ts';
import { renderTemplate, SAMPLE_VALUES } from '../../metrics/template.ts';
import type { Rule } from '../rule.ts';

export const gateMetricUnwatched: Rule = {
  code: 'alert/gate-metric-unwatched',
  severity: 'warning',
  scope: 'repository',
  description: "Every metric a rollout's gates measure has at least one alert in that rollout's alert files: a rule on the metric, or raw PromQL that selects one of its series",
  check({ model, report }) {
    // Indexed once: a lookup per rollout would be quadratic in a repository of thousands.
    if (!isComplete(model, 'AlertRules')) return; // an alert file failed to load: it may watch them
    const watchedBy = new Map<string, { metrics: Set<string>; exprs: string[] }>();
    const partlyLoaded = new Set<string>();
    for (const a of model.alertRules) {
      if (!a.doc.spec.rollout) continue;
      if (!isWhole(a, 'spec', 'rules')) partlyLoaded.add(a.doc.spec.rollout); // a rule that failed its schema may watch them
      const entry = watchedBy.get(a.doc.spec.rollout) ?? { metrics: new Set<string>(), exprs: [] };
      for (const r of a.doc.spec.rules) {
        if (r.when.metric !== undefined) entry.metrics.add(r.when.metric);
        if (r.when.expr !== undefined) entry.exprs.push(r.when.expr);
      }
      watchedBy.set(a.doc.spec.rollout, entry);
    }
    const seriesOfMetric = new Map<string, Set<string>>();
    const metricSeries = (name: string, metric: Metric) => {
      let found = seriesOfMetric.get(name);
      if (!found) {
        found = new Set(templatesOf(metric).flatMap((t) => [...selectedSeries(renderTemplate(t.text, SAMPLE_VALUES).text)]));
        seriesOfMetric.set(name, found);
      }
      return found;
    };
    for (const { file, doc } of model.rollouts) {
      if (partlyLoaded.has(doc.metadata.name)) continue;
      const watched = watchedBy.get(doc.metadata.name);
      // Parsed only for rollouts that need it: most gate metrics have a rule of their own.
      let rawSeries: Set<string> | undefined;
      const inRaw = (m: string) => {
        const entry = model.metricCatalog.get(m);
        if (!watched?.exprs.length || !entry) return false;
        rawSeries ??= new Set(watched.exprs.flatMap((e) => [...selectedSeries(e)]));
        for (const s of metricSeries(m, entry.metric)) if (rawSeries.has(s)) return true;
        return false;
      };
      const reported = new Set<string>();
      for (const [stage, gate] of Object.entries(doc.spec.gates ?? {})) {
        const groups = [['mustPass', gate.mustPass ?? []], ['shouldPass', gate.shouldPass?.criteria ?? []], ['blockers', gate.blockers ?? []]] as const;
        for (const [group, list] of groups) {
          list.forEach((c, i) => {
            const m = c.metric;
            if (!m || (BUILTIN_METRICS as readonly string[]).includes(m) || watched?.metrics.has(m) || reported.has(m)) return;
            reported.add(m);
            if (inRaw(m)) return;
            const path = group === 'shouldPass' ? ['spec', 'gates', stage, 'shouldPass', 'criteria', i, 'metric'] : ['spec', 'gates', stage, group, i, 'metric'];
            report({ file, path, message: `gate metric "${m}" has no alert: nothing watches it between gates`, hint: `add a rule with when.metric: ${m} to alerts/${doc.metadata.name}.yaml, or raw PromQL (when.expr) that selects one of its series` });
          });
        }
      }
    }
  },
};

/**
 * The series names an expression selects, read on the PromQL syntax tree: `name{…}`,
 * `{__name__="name"}` and `{"name"}`. A string, a label value or a comment that spells a name
 * selects nothing, and neither does a regex on `__name__`. Empty for an expression that does
 * not parse (promql/syntax reports it).
 */
export function selectedSeries(expr: string): Set<string> {
  const names = new Set<string>();
  const tree = parser.parse(expr);
  let broken = false;
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) broken = true;
      if (broken) return false;
      if (ref.name !== 'VectorSelector') return undefined;
      const name = selectorName(ref.node, expr);
      if (name !== undefined) names.add(name);
      return false;
    },
  });
  return broken ? new Set() : names;
}

function selectorName(selector: SyntaxNode, expr: string): string | undefined {
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const identifier = selector.getChild('Identifier');
  if (identifier) return text(identifier);
  const matchers = selector.getChild('LabelMatchers');
  for (let m = matchers?.firstChild; m; m = m.nextSibling) {
    if (m.name === 'QuotedLabelName') {
      const s = m.getChild('StringLiteral');
      return s ? unquote(text(s)) : undefined;
    }
    if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') continue;
    const label = m.getChild('LabelName') ?? m.getChild('QuotedLabelName')?.getChild('StringLiteral');
    const op = m.getChild('MatchOp')?.firstChild?.name;
    const value = m.getChild('StringLiteral');
    if (!label || op !== 'EqlSingle' || !value) continue;
    const key = label.name === 'StringLiteral' ? unquote(text(label)) : text(label);
    if (key === '__name__') return unquote(text(value));
  }
  return undefined;
}

/** A PromQL string literal's value: "…" and '…' with Go escapes, `…` raw. */
function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(["'\\abfnrtv]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})/g, (_, e: string) => {
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    if (e.length === 1) return simple[e] ?? e;
    return String.fromCharCode(parseInt(e.slice(1), 16));
  });
}
