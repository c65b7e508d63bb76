import type { RunContext } from "../run/folder.js";
import { executeStage, type Stage, type StageRequest } from "../run/stage.js";

/** Runs one stage and prints its summary table; nothing when it was already complete or is unfinished. */
export async function runAndPrint<Summary>(
  ctx: RunContext,
  stage: Stage<Summary>,
  request: StageRequest,
): Promise<void> {
  const summary = await executeStage(ctx, stage, request);
  if (summary !== undefined) console.log(`${stage.table(summary)}\n`);
}
