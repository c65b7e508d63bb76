import { join, resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import { type Claim, intervalPhrase, verdictTally } from "../report/claims.js";
import { writeReport } from "../report/stage.js";
import { openRun, RUN_LOCK } from "../run/folder.js";
import { removeOrphanedTemporaries } from "../runtime/files.js";
import { acquireLock } from "../runtime/lock.js";
import { packagePath } from "../runtime/paths.js";
import { checkStages, runStudy, studyRequest } from "../study.js";
import { wholeJob } from "./job-flags.js";
import type { CommonOptions } from "./options.js";

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
  checkStages(config, out);
  const { request, check } = studyRequest(config, wholeJob());
  const ctx = await openRun({
    out,
    config,
    backend: options.backend,
    force: options.force,
    command: "reproduce",
    check,
  });
  const claims = await runStudy(ctx, request, (text) => console.log(`${text}\n`));
  const path = join(ctx.out, "report.md");
  const required = (c: Claim) => config.report.requiredClaims.includes(c.id);
  for (const claim of claims) {
    const verdict = claim.verdict === "does not hold" ? "DOES NOT HOLD" : claim.verdict;
    const interval = intervalPhrase(claim);
    console.log(
      `${claim.id}${required(claim) ? " (required)" : ""}: ${verdict}` +
        (interval ? ` — ${interval}` : "") +
        (claim.reason ? `\n    why: ${claim.reason}` : "") +
        `\n    ${claim.measured}`,
    );
  }
  console.log(`\n${verdictTally(claims)}`);
  console.log(`\nreport: ${path}\n        ${path.replace(/\.md$/, ".html")}`);
  const ids = (verdict: Claim["verdict"]) =>
    claims.filter((c) => required(c) && c.verdict === verdict).map((c) => c.id);
  for (const verdict of ["inconclusive", "not measured"] as const) {
    if (ids(verdict).length > 0)
      console.error(`align: required claim(s) ${verdict} (not a failure): ${ids(verdict).join(", ")}`);
  }
  const failed = ids("does not hold");
  if (failed.length > 0) console.error(`align: required claim(s) that do not hold: ${failed.join(", ")}`);
  return failed;
}

/** `align report`: rebuilds the report from the run folder's own metrics and config. */
export function reportCommand(out: string): void {
  const dir = resolve(out);
  const config = loadConfig(join(dir, "config.yaml"));
  const lock = acquireLock(join(dir, RUN_LOCK), { command: "report", what: `run folder ${dir}` });
  try {
    removeOrphanedTemporaries(dir, false);
    const { path } = writeReport(dir, config.report);
    console.log(`report: ${path}`);
  } finally {
    lock.release();
  }
}
