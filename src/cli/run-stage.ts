import type { RunContext } from "../run/folder.js";
import { executeStage, type Stage, type StageRequest, stageRequest } from "../run/stage.js";

/** Runs one stage and prints its summary table; nothing when it was already complete or is unfinished. */
export async function runAndPrint<Summary>(
  ctx: RunContext,
  stage: Stage<Summary>,
  extra: Omit<StageRequest, "dataset">,
): Promise<void> {
  const summary = await executeStage(ctx, stage, stageRequest(ctx, extra));
  if (summary !== undefined) console.log(`${stage.table(summary)}\n`);
}
