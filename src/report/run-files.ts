import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { DisagreementMetrics } from "../disagreement/stats.js";
import type { OptimizeSummary } from "../optimize/run.js";
import type { RlhfSummary } from "../rlhf/summary.js";
import { UserError } from "../runtime/errors.js";
import type { SimulationSummary } from "../simulate/run.js";

/** The stage folders of a run, in pipeline order. */
export const stageFolders = ["reward-models", "disagreement", "optimize", "simulate", "rlhf"] as const;
export type StageFolder = (typeof stageFolders)[number];

export interface RewardModelsSummary {
  backend: string;
  head: string;
  pairs: { train: number; validation: number; test: number };
  dropped: Record<string, number>;
  testAccuracy: { mean: number; std: number; min: number; max: number };
  members: { member: number; seeds: Record<string, number>; testAccuracy: number; finalTrainLoss: number }[];
}

/** What a finished run folder holds: the metrics of each completed stage and its plots. */
export interface RunFiles {
  out: string;
  configText: string;
  config: Record<string, unknown>;
  run: {
    name?: string;
    seed?: number;
    backend?: string;
    versions?: Record<string, string>;
    gitCommit?: string | null;
    stages?: Record<string, { seconds: number }>;
  };
  rewardModels?: RewardModelsSummary;
  disagreement?: DisagreementMetrics;
  optimize?: OptimizeSummary;
  simulate?: SimulationSummary;
  rlhf?: RlhfSummary;
  /** PNG files of each completed stage, relative to the run folder. */
  plots: Partial<Record<StageFolder, string[]>>;
}

const STAGE_METRICS: Record<StageFolder, string> = {
  "reward-models": "summary.json",
  disagreement: "metrics.json",
  optimize: "summary.json",
  simulate: "summary.json",
  rlhf: "summary.json",
};

/** Reads a run folder; only stages with a completion marker count. */
export function readRunFiles(out: string): RunFiles {
  const configPath = join(out, "config.yaml");
  if (!existsSync(configPath)) throw new UserError(`${out}: not a run folder (no config.yaml)`);
  const configText = readFileSync(configPath, "utf8");
  const runPath = join(out, "run.json");
  const files: RunFiles = {
    out,
    configText,
    config: parseYaml(configText),
    run: existsSync(runPath) ? JSON.parse(readFileSync(runPath, "utf8")) : {},
    plots: {},
  };
  for (const stage of stageFolders) {
    const dir = join(out, stage);
    if (!existsSync(join(dir, "complete.json"))) continue;
    const metrics = JSON.parse(readFileSync(join(dir, STAGE_METRICS[stage]), "utf8"));
    if (stage === "reward-models") files.rewardModels = metrics;
    if (stage === "disagreement") files.disagreement = metrics;
    if (stage === "optimize") files.optimize = metrics;
    if (stage === "simulate") files.simulate = metrics;
    if (stage === "rlhf") files.rlhf = metrics;
    files.plots[stage] = readdirSync(dir)
      .filter((f) => f.endsWith(".png"))
      .sort()
      .map((f) => `${stage}/${f}`);
  }
  return files;
}
