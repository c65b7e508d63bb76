import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { MethodName } from "../config/schema.js";
import type { Dataset } from "../data/types.js";
import { writePlot } from "../plots/render.js";
import { scoreCandidateSets } from "../reward-model/candidates.js";
import { loadEnsemble } from "../reward-model/ensemble.js";
import { trainEnsemble } from "../reward-model/stage.js";
import { UserError } from "../runtime/errors.js";
import { toCsv, writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { createProgress } from "../runtime/progress.js";
import { type RunContext, stageDir } from "../runtime/run.js";
import { optimizePlots } from "./plots.js";
import { type OptimizeInput, type OptimizeResult, optimizationSteps, type TrialRow } from "./run.js";

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
 */
export async function runOptimize(
  ctx: RunContext,
  dataset: Dataset,
  requested: MethodName[],
): Promise<MethodName[]> {
  const { config, logger } = ctx;
  const dir = stageDir(ctx, "optimize");
  const previous = readPrevious(dir);
  const done = new Set(Object.keys(previous?.summary.methods ?? {}) as MethodName[]);
  const methods = requested.filter((m) => ctx.force || !done.has(m));
  if (methods.length === 0) {
    logger.info(`optimize: ${requested.join(", ")} already in ${dir} (pass --force to recompute)`);
    return [];
  }
  const sets = evaluableSets(dataset).slice(0, config.optimize.maxPrompts);
  const inputs: OptimizeInput[] = [];
  for (let repeat = 0; repeat < config.optimize.repeats; repeat++) {
    const ensembleDir = repeatEnsembleDir(ctx, repeat);
    if (repeat > 0) {
      logger.info(`optimize: training the ensemble of repeat ${repeat}`);
      trainEnsemble(ctx, dataset, ensembleDir, repeat);
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
    summary: { methods: { ...previous?.summary.methods, ...fresh.summary.methods } },
    trials: [...(previous?.trials.filter(keep) ?? []), ...fresh.trials],
  };
  writeResults(dir, merged);
  for (const [name, spec] of Object.entries(optimizePlots(merged.summary, merged.trials)))
    await writePlot(dir, name, spec);
  return methods;
}

/** runOptimization with a bar of trials done, letting the event loop run between trials. */
async function optimizeWithProgress(
  ctx: RunContext,
  inputs: OptimizeInput[],
  methods: MethodName[],
): Promise<OptimizeResult> {
  const steps = optimizationSteps(inputs, ctx.config.optimize, methods);
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
