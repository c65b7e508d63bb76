import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type MethodName, methodNames } from "../config/schema.js";
import type { Dataset } from "../data/types.js";
import { writePlot } from "../plots/render.js";
import { loadEnsemble } from "../reward-model/ensemble.js";
import { scoreCandidateSets } from "../reward-model/score.js";
import { trainEnsemble } from "../reward-model/stage.js";
import type { RunContext } from "../run/folder.js";
import { type Stage, type StageRequest, stageDir } from "../run/stage.js";
import { recoverCommit, writeAllOrNothing } from "../runtime/commit.js";
import { UserError } from "../runtime/errors.js";
import { toCsv, writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { createProgress } from "../runtime/progress.js";
import { optimizePlots } from "./plots.js";
import { optimizeSection, optimizeTable } from "./report.js";
import {
  type OptimizeInput,
  type OptimizeResult,
  type OptimizeSummary,
  optimizationSteps,
  type TrialRow,
} from "./run.js";

/** The held-out candidate sets with a true reward for every candidate: the policy's action spaces. */
function evaluableSets(dataset: Dataset) {
  const sets = dataset.candidateSets.filter((s) => s.candidates.every((c) => c.trueReward !== undefined));
  if (sets.length === 0) {
    throw new UserError(`${dataset.source}: no held-out candidate set has a true reward for every candidate`);
  }
  return sets;
}

/** The ensemble of each repeat: repeat 0 is the run's own; further repeats are trained afresh here. */
function repeatEnsembleDir(ctx: RunContext, repeat: number): string {
  return repeat === 0
    ? stageDir(ctx, "reward-models")
    : join(stageDir(ctx, "optimize"), "ensembles", `repeat-${repeat}`);
}

function readPrevious(dir: string): OptimizeResult | undefined {
  const summaryPath = join(dir, "summary.json");
  const trialsPath = join(dir, "trials.json");
  if (!existsSync(summaryPath) || !existsSync(trialsPath)) return undefined;
  return {
    summary: JSON.parse(readFileSync(summaryPath, "utf8")),
    trials: JSON.parse(readFileSync(trialsPath, "utf8")),
  };
}

/**
 * Runs the requested methods and merges them with those already in the run folder, so successive
 * `align optimize` calls accumulate methods; a method already there is recomputed only with --force.
 * Returns the merged summary.
 */
async function runOptimize(
  ctx: RunContext,
  request: StageRequest,
  requested: readonly MethodName[],
): Promise<OptimizeSummary> {
  const { config, logger } = ctx;
  const dir = stageDir(ctx, "optimize");
  recoverCommit(dir);
  const previous = readPrevious(dir);
  const done = new Set(Object.keys(previous?.summary.methods ?? {}) as MethodName[]);
  const methods = requested.filter((m) => ctx.force || !done.has(m));
  if (previous !== undefined && methods.length === 0) {
    logger.info(`optimize: ${requested.join(", ")} already in ${dir} (pass --force to recompute)`);
    return previous.summary;
  }
  // Differences from standard are paired on its per-prompt Δ, which only a run of it in the same call has:
  // it is recomputed beside a new method (deterministic, so with the same numbers).
  if (!methods.includes("standard") && (done.has("standard") || requested.includes("standard")))
    methods.unshift("standard");
  const evaluation = await request.evaluation();
  const sets = evaluableSets(evaluation).slice(0, config.optimize.maxPrompts);
  const inputs: OptimizeInput[] = [];
  for (let repeat = 0; repeat < config.optimize.repeats; repeat++) {
    const ensembleDir = repeatEnsembleDir(ctx, repeat);
    if (repeat > 0) {
      logger.info(`optimize: training the ensemble of repeat ${repeat}`);
      trainEnsemble(ctx, await request.dataset(), ensembleDir, repeat);
    }
    const scores = scoreCandidateSets(loadEnsemble(ensembleDir, config), sets, config.features);
    inputs.push({
      prompts: sets.map((set, i) => ({
        id: set.id,
        trueRewards: set.candidates.map((c) => c.trueReward as number),
        memberScores: scores[i],
      })),
    });
  }
  logger.info(`optimize: ${methods.join(", ")} on ${sets.length} prompts, ${inputs.length} ensemble(s)`);
  const fresh = await optimizeWithProgress(ctx, inputs, methods);
  const keep = (row: TrialRow) => !methods.includes(row.method);
  const merged: OptimizeResult = {
    summary: {
      source: evaluation.source,
      prompts: sets.length,
      methods: { ...previous?.summary.methods, ...fresh.summary.methods },
      differences: { ...previous?.summary.differences, ...fresh.summary.differences },
      intervals: fresh.summary.intervals,
    },
    trials: [...(previous?.trials.filter(keep) ?? []), ...fresh.trials],
  };
  // All or nothing: the methods in summary.json are taken as done, so they must never be ahead of the plots.
  await writeAllOrNothing(dir, async (staging) => {
    writeResults(staging, merged);
    for (const [name, spec] of Object.entries(optimizePlots(merged.summary, merged.trials)))
      await writePlot(staging, name, spec);
  });
  return merged.summary;
}

/** runOptimization with a bar of trials done, letting the event loop run between trials. */
async function optimizeWithProgress(
  ctx: RunContext,
  inputs: OptimizeInput[],
  methods: MethodName[],
): Promise<OptimizeResult> {
  const steps = optimizationSteps(inputs, ctx.config.optimize, methods, {
    seed: ctx.config.seed,
    resamples: ctx.config.report.bootstrapResamples,
  });
  let step = steps.next();
  if (step.done) return step.value;
  const progress = createProgress("optimize", step.value.total, ctx.logger, { unit: "trials" });
  try {
    while (!step.done) {
      progress.tick(1, { method: step.value.method });
      await progress.breathe();
      step = steps.next();
    }
  } finally {
    progress.stop();
  }
  return step.value;
}

function writeResults(dir: string, result: OptimizeResult): void {
  writeJsonAtomic(join(dir, "summary.json"), result.summary);
  writeJsonAtomic(join(dir, "trials.json"), result.trials);
  const header = Object.keys(result.trials[0] ?? {}) as (keyof TrialRow)[];
  writeFileAtomic(
    join(dir, "trials.csv"),
    toCsv(
      header,
      result.trials.map((row) => header.map((key) => row[key])),
    ),
  );
}

export const optimizeStage: Stage<OptimizeSummary> = {
  name: "optimize",
  folder: "optimize",
  description: "optimise policies against the ensemble and evaluate them under the true reward",
  summaryFile: "summary.json",
  needs: ["train-rm"],
  check: (request) => request.evaluation(),
  regenerateFlags: `--methods ${methodNames.join(",")}`,
  incremental: true,
  run: async (ctx, request) => runOptimize(ctx, request, request.methods ?? ctx.config.optimize.methods),
  table: optimizeTable,
  section: optimizeSection,
};
