import type { Path } from '../config/source.ts';

export type Decision = 'GO' | 'NO-GO' | 'CONDITIONAL' | 'INCONCLUSIVE';
/** PENDING: a manual check nobody has ticked yet. */
export type Result = 'PASS' | 'FAIL' | 'INCONCLUSIVE' | 'PENDING';
export type Group = 'mustPass' | 'shouldPass' | 'blockers';

/** One criterion, measured and judged, with why. */
export interface CriterionReport {
  group: Group;
  name: string;
  metric?: string;
  check?: string;
  unit?: string;
  /** The condition as written: `< 1`, `between 60 and 85`, `≥ 0.95 × control`. */
  threshold: string;
  window?: string;
  /** The number compared: the metric, or treatment ÷ control for vsBaseline. */
  measured?: number;
  treatment?: number;
  control?: number;
  /** Sustained: the comparison had to hold throughout this duration. */
  for?: string;
  /** The samples the value rests on, when the metric can count them. */
  samples?: number;
  /** The confidence sequence's bounds (in the metric's unit; a ratio for vsBaseline). */
  interval?: [number, number];
  /** How the result was decided: `asymptotic-cs/wilson 95 %`, `point estimate`, `sustained over 48h`. */
  method?: string;
  result: Result;
  why: string;
  /** Where it is written in the rollout file (for annotations). */
  path: Path;
}

export interface ApprovalReport {
  group: string;
  required: number;
  approvedBy: string[];
  ok: boolean;
}

/** The whole verdict on entering a stage: plain data, rendered by reporters. */
export interface GateReport {
  rollout: string;
  flag: string;
  env: string;
  file: string;
  from: { stage: string; percentage: number };
  to: { stage: string; percentage: number };
  decision: Decision;
  /** Why the decision is what it is, most important first. */
  reasons: string[];
  mustPass: CriterionReport[];
  shouldPass: { atLeast: number; passed: number; criteria: CriterionReport[] };
  blockers: CriterionReport[];
  bake: { required?: string; elapsed?: string; left?: string; ok: boolean; since?: string };
  approvals: ApprovalReport[];
  /** Manual checks of every group, as a checklist. */
  checks: { text: string; ticked: boolean; group: Group }[];
  /** Where the gate definition came from (a ref or SHA): the base branch in a PR. */
  gateFrom: string;
  provider: string;
  evaluatedAt: string;
}

/** DESIGN.md's exit codes for `rollgate gate`. */
export const EXIT_CODE: Record<Decision, number> = { GO: 0, 'NO-GO': 1, CONDITIONAL: 3, INCONCLUSIVE: 4 };
