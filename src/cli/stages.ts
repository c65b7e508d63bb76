import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config, MethodName } from "../config/schema.js";
import { loadDataset } from "../data/load.js";
import type { Dataset } from "../data/types.js";
import { runDisagreement } from "../disagreement/stage.js";
import type { OptimizeSummary } from "../optimize/run.js";
import { runOptimize } from "../optimize/stage.js";
import { optimizeTable, simulateTable } from "../report/tables.js";
import { type RunContext, runStage, stageDir } from "../runtime/run.js";
import { runSimulate } from "../simulate/stage.js";

/** Loads the run's dataset once, however many stages need it (and openRun's check before them). */
export function datasetLoader(config: Config): () => Promise<Dataset> {
  let dataset: Promise<Dataset> | undefined;
  return () => {
    dataset ??= loadDataset(config.data, config.seed);
    return dataset;
  };
}

/** Returns the summary table to print, or "" when the stage was already complete. */
export async function disagreementStage(ctx: RunContext, dataset: () => Promise<Dataset>): Promise<string> {
  let table = "";
  await runStage(ctx, "disagreement", async () => {
    table = await runDisagreement(ctx, await dataset());
  });
  return table;
}

export async function optimizeStage(
  ctx: RunContext,
  dataset: () => Promise<Dataset>,
  methods: MethodName[],
): Promise<string> {
  const incremental = true;
  await runStage(
    ctx,
    "optimize",
    async () => {
      await runOptimize(ctx, await dataset(), methods);
    },
    incremental,
  );
  const summary: OptimizeSummary = JSON.parse(
    readFileSync(join(stageDir(ctx, "optimize"), "summary.json"), "utf8"),
  );
  return optimizeTable(summary);
}

export async function simulateStage(ctx: RunContext): Promise<string> {
  let table = "";
  await runStage(ctx, "simulate", async () => {
    table = simulateTable(await runSimulate(ctx));
  });
  return table;
}
