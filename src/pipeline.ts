import type { StageName } from "./config/schema.js";
import { disagreementStage } from "./disagreement/stage.js";
import { optimizeStage } from "./optimize/stage.js";
import { trainRmStage } from "./reward-model/stage.js";
import { rlhfStage } from "./rlhf/stage.js";
import type { Stage } from "./run/stage.js";
import { simulateStage } from "./simulate/stage.js";

/**
 * The stages of align in pipeline order: the CLI makes a command of each, `reproduce` runs the config's
 * in this order, and the run-folder reader and the report read their summaries and sections from it.
 * A new stage is a folder exporting its descriptor, its name in the schema's stageNames, and one line here.
 */
// biome-ignore lint/suspicious/noExplicitAny: the list holds stages of different summary types
export const pipeline: readonly Stage<any>[] = [
  trainRmStage,
  disagreementStage,
  optimizeStage,
  simulateStage,
  rlhfStage,
];

/** The stage of a name; every StageName has one (tested). */
export function stageNamed(name: StageName): Stage<unknown> {
  const stage = pipeline.find((s) => s.name === name);
  if (stage === undefined) throw new Error(`no stage named ${name} in the pipeline`);
  return stage;
}
