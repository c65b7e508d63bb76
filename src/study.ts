import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Config, methodNames } from "./config/schema.js";
import type { JobPlan } from "./jobs/shard.js";
import { pipeline, stageNamed } from "./pipeline.js";
import type { Claim } from "./report/claims.js";
import { writeReport } from "./report/stage.js";
import type { RunContext } from "./run/folder.js";
import { checkData, executeStage, type StageRequest, stageRequest } from "./run/stage.js";
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

/** The stages a config runs, in pipeline order. */
function studyStages(config: Config) {
  return pipeline.filter((s) => config.stages.includes(s.name));
}

/** A whole study's request (every optimisation method) and the check of its data before anything is written. */
export function studyRequest(config: Config, plan: JobPlan) {
  const request = stageRequest(config, { plan, methods: methodNames });
  return { request, check: checkData(studyStages(config), request) };
}

/**
 * A whole study: the config's stages in pipeline order (each skipped when already complete), then the
 * report. `print` gets each stage's summary table. Returns the claims.
 * `align reproduce` is one call of it, and so is each point of a sweep.
 */
export async function runStudy(
  ctx: RunContext,
  request: StageRequest,
  print: (text: string) => void = () => {},
): Promise<Claim[]> {
  for (const stage of studyStages(ctx.config)) {
    const summary = await executeStage(ctx, stage, request);
    if (summary !== undefined) print(stage.table(summary));
  }
  return writeReport(ctx.out, ctx.config.report).claims;
}
