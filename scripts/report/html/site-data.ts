import type { GateReport } from '../../gates/report.ts';
import type { RollbackEntry, Timeline } from '../timeline.ts';

/** One environment of a rollout as main has it now. */
export interface SiteEnvironment {
  env: string;
  stage: string;
  percentage: number;
  /** When and by which commit the stage was set; absent when not committed yet. */
  since?: { date: string; sha: string; subject: string };
}

/** The gate into an environment's next stage: a fresh evaluation, or why there is none. */
export interface SiteVerdict {
  env: string;
  report?: GateReport;
  /** Why no report: the provider could not be opened, or the gate failed to run. */
  error?: string;
}

export interface SiteRollout {
  name: string;
  flag: string;
  description?: string;
  file: string;
  stages: { name: string; percentage: number }[];
  environments: SiteEnvironment[];
  timeline: Timeline;
  /** One per environment with a next stage; empty when gates were not evaluated. */
  verdicts: SiteVerdict[];
  rollbacks: RollbackEntry[];
}

/** Everything the HTML report shows: plain data, rendered by render.ts and drawn by the page script. */
export interface SiteData {
  generatedAt: string;
  /** The commit the report was made from. */
  head: string;
  /** How the verdicts were made: "evaluated with each environment's provider", "--metrics FILE", or skipped. */
  gates: { evaluated: boolean; note: string };
  promotionOrder: string[];
  rollouts: SiteRollout[];
}
