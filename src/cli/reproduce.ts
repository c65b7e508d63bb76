import { resolve } from "node:path";
import { loadConfig, packagePath } from "../config/load.js";
import { methodNames } from "../config/schema.js";
import { writeReport } from "../report/stage.js";
import { trainRewardModels, trainRmPlan } from "../reward-model/stage.js";
import { runRlhf } from "../rlhf/stage.js";
import { rlhfTable } from "../rlhf/table.js";
import { openRun } from "../runtime/run.js";
import type { CommonOptions } from "./options.js";
import { datasetLoader, disagreementStage, optimizeStage, simulateStage } from "./stages.js";

export function defaultConfigPath(): string {
  return packagePath("configs", "quick.yaml");
}

/**
 * Runs the config's stages in pipeline order (each skipped when already complete), then writes the
 * report. Returns the ids of required claims that do not hold.
 */
export async function reproduce(options: CommonOptions): Promise<string[]> {
  const configFile = options.config ?? defaultConfigPath();
  const config = loadConfig(configFile, options.set);
  const out = options.out || resolve("results", config.name);
  const ctx = await openRun({
    out,
    config,
    backend: options.backend,
    force: options.force,
    command: "reproduce",
  });
  const dataset = datasetLoader(ctx);
  const print = (text: string) => text && console.log(`${text}\n`);
  for (const stage of config.stages) {
    // Every core, and no shard: reproduce runs the whole study in one process whatever the environment.
    if (stage === "train-rm") await trainRewardModels(ctx, trainRmPlan({ force: options.force }, config, {}));
    if (stage === "disagreement") print(await disagreementStage(ctx, dataset));
    if (stage === "optimize") print(await optimizeStage(ctx, dataset, [...methodNames]));
    if (stage === "simulate") print(await simulateStage(ctx));
    if (stage === "rlhf") print(rlhfTable(await runRlhf(ctx)));
  }
  const { claims, path } = writeReport(ctx.out, config.report.disagreementThreshold);
  for (const claim of claims) {
    const verdict = claim.holds === null ? "not measured" : claim.holds ? "holds" : "DOES NOT HOLD";
    const required = config.report.requiredClaims.includes(claim.id) ? " (required)" : "";
    console.log(`${claim.id}${required}: ${verdict}: ${claim.measured}`);
  }
  console.log(`\nreport: ${path}\n        ${path.replace(/\.md$/, ".html")}`);
  const failed = claims
    .filter((c) => config.report.requiredClaims.includes(c.id) && c.holds !== true)
    .map((c) => c.id);
  if (failed.length > 0) console.error(`align: required claim(s) not holding: ${failed.join(", ")}`);
  return failed;
}

/** `align report`: rebuilds the report from the run folder's own metrics and config. */
export function reportCommand(out: string): void {
  const config = loadConfig(resolve(out, "config.yaml"));
  const { path } = writeReport(resolve(out), config.report.disagreementThreshold);
  console.log(`report: ${path}`);
}
