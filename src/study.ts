import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Config, methodNames } from "./config/schema.js";
import type { JobPlan } from "./jobs/shard.js";
import { pipeline, stageNamed } from "./pipeline.js";
import type { Claim } from "./report/claims.js";
import { writeReport } from "./report/stage.js";
import type { RunContext } from "./run/folder.js";
import { executeStage, stageRequest } from "./run/stage.js";
import { UserError } from "./runtime/errors.js";

/** Refuses a config whose stages need one that is neither listed nor complete in the run folder. */
export function checkStages(config: Config, out: string): void {
  for (const name of config.stages) {
    for (const need of stageNamed(name).needs) {
      const needed = stageNamed(need);
      if (!config.stages.includes(need) && !existsSync(join(out, needed.folder, "complete.json"))) {
        throw new UserError(`stages: ${name} needs ${need}, which is neither listed nor complete in ${out}`);
      }
    }
  }
}

/**
 * A whole study: the config's stages in pipeline order (each skipped when already complete, every
 * optimisation method), then the report. `print` gets each stage's summary table. Returns the claims.
 * `align reproduce` is one call of it, and so is each point of a sweep.
 */
export async function runStudy(
  ctx: RunContext,
  plan: JobPlan,
  print: (text: string) => void = () => {},
): Promise<Claim[]> {
  const request = stageRequest(ctx, { plan, methods: methodNames });
  for (const stage of pipeline.filter((s) => ctx.config.stages.includes(s.name))) {
    const summary = await executeStage(ctx, stage, request);
    if (summary !== undefined) print(stage.table(summary));
  }
  return writeReport(ctx.out, ctx.config.report).claims;
}
