import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "../cli/run-cli.js";

/** Runs `align` with extra environment variables; `signal` says whether it was killed. */
export function alignWith(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, [join(repoRoot, "bin/align.js"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, ALIGN_LOG_LEVEL: "warn", CI: "true", ...env },
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Every file below `dir`, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(dir, path));
    }
  };
  walk(dir);
  return files.sort();
}

/** A file's bytes, with timings taken out of run.json, complete.json and the report (they differ from run to run). */
function comparable(dir: string, file: string): string {
  const text = readFileSync(join(dir, file), "latin1");
  if (file === "run.json") {
    const run = JSON.parse(text);
    for (const stage of Object.values(run.stages ?? {})) delete (stage as { seconds?: number }).seconds;
    return JSON.stringify(run);
  }
  if (file.endsWith("complete.json")) {
    const { finishedAt: _f, seconds: _s, ...rest } = JSON.parse(text);
    return JSON.stringify(rest);
  }
  if (file === "report.md" || file === "report.html") {
    // The report's table of time per stage.
    return text.replace(/\| [\d.]+ s \|/g, "| t |").replace(/<td>[\d.]+ s<\/td>/g, "<td>t</td>");
  }
  return text;
}

/** Asserts that two run folders hold the same files with the same bytes (run.log and timings aside). */
export function assertSameRun(actual: string, expected: string, what: string): void {
  const files = (dir: string) => listFiles(dir).filter((f) => f !== "run.log");
  assert.deepEqual(files(actual), files(expected), `${what}: the same files`);
  for (const file of files(expected)) {
    assert.ok(comparable(actual, file) === comparable(expected, file), `${what}: ${file} differs`);
  }
}
