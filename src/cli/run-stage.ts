import { loadDataset } from "../data/load.js";
import type { Dataset } from "../data/types.js";
import type { RunContext } from "../run/folder.js";
import { executeStage, type Stage, type StageRequest } from "../run/stage.js";

/** A request whose dataset is loaded once, on first use, however many stages ask for it. */
export function stageRequest(ctx: RunContext, extra: Omit<StageRequest, "dataset">): StageRequest {
  let dataset: Promise<Dataset> | undefined;
  return {
    ...extra,
    dataset: () => {
      dataset ??= loadDataset(ctx.config.data, ctx.config.seed);
      return dataset;
    },
  };
}

/** Runs a stage and prints its summary table; nothing when it was already complete or is unfinished. */
export async function runAndPrint<Summary>(
  ctx: RunContext,
  stage: Stage<Summary>,
  request: StageRequest,
): Promise<void> {
  const summary = await executeStage(ctx, stage, request);
  if (summary !== undefined) console.log(`${stage.table(summary)}\n`);
}
