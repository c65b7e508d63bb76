import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import { pipeline } from "../pipeline.js";
import { type Claim, intervalPhrase, verdictTally } from "../report/claims.js";
import { writeReport } from "../report/stage.js";
import { openRun, RUN_LOCK } from "../run/folder.js";
import { removeOrphanedTemporaries } from "../runtime/files.js";
import { acquireLock, LockHeldError } from "../runtime/lock.js";
import { checkStages, runStudy, studyRequest } from "../study.js";
import { wholeJob } from "./job-flags.js";
import { type CommonOptions, resolveOptionsConfig, runFolder } from "./options.js";

/**
 * Runs the config's stages in pipeline order (each skipped when already complete), then writes the
 * report. Returns the ids of required claims that do not hold.
 */
export async function reproduce(options: CommonOptions): Promise<string[]> {
  const config = resolveOptionsConfig(options);
  const out = runFolder(options, config);
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
      `${claim.id}${claim.study ? ` [${claim.study}]` : ""}${required(claim) ? " (required)" : ""}: ${verdict}` +
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
    console.log(`report: ${path}\n        ${path.replace(/\.md$/, ".html")}`);
  } finally {
    lock.release();
  }
}

/** What a finished stage changes in a run folder: its completion marker and the live metrics. */
function runFolderState(out: string): string {
  const stamp = (path: string) => (existsSync(path) ? String(statSync(path).mtimeMs) : "-");
  return [
    stamp(join(out, "config.yaml")),
    ...pipeline.flatMap((stage) => [
      stamp(join(out, stage.folder, "complete.json")),
      stamp(join(out, stage.folder, "metrics.jsonl")),
    ]),
  ].join(" ");
}

/**
 * `align report --watch`: rebuilds the report whenever a stage finishes (or the live metrics grow),
 * looking every `seconds`, until Ctrl-C. A folder that is not a run yet is waited for.
 */
export async function watchReport(out: string, seconds = 2): Promise<never> {
  let last = "";
  for (;;) {
    const now = runFolderState(out);
    if (now !== last && existsSync(join(out, "config.yaml"))) {
      try {
        reportCommand(out);
        last = now;
      } catch (error) {
        // A stage is writing the folder: look again at the next tick.
        if (!(error instanceof LockHeldError)) throw error;
      }
    }
    await new Promise((done) => setTimeout(done, seconds * 1000));
  }
}
