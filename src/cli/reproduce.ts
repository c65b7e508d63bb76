import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import { methodNames } from "../config/schema.js";
import { pipeline, stageNamed } from "../pipeline.js";
import { writeReport } from "../report/stage.js";
import { openRun } from "../run/folder.js";
import { UserError } from "../runtime/errors.js";
import { packagePath } from "../runtime/paths.js";
import { wholeJob } from "./job-flags.js";
import type { CommonOptions } from "./options.js";
import { runAndPrint, stageRequest } from "./run-stage.js";

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
  for (const name of config.stages) {
    for (const need of stageNamed(name).needs) {
      const needed = stageNamed(need);
      if (!config.stages.includes(need) && !existsSync(join(out, needed.folder, "complete.json"))) {
        throw new UserError(`stages: ${name} needs ${need}, which is neither listed nor complete in ${out}`);
      }
    }
  }
  const ctx = await openRun({
    out,
    config,
    backend: options.backend,
    force: options.force,
    command: "reproduce",
  });
  const request = stageRequest(ctx, { plan: wholeJob(), methods: methodNames });
  for (const stage of pipeline.filter((s) => config.stages.includes(s.name))) {
    await runAndPrint(ctx, stage, request);
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
