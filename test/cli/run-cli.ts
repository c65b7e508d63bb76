import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const tinyConfig = join(repoRoot, "test/fixtures/cli/tiny.yaml");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `align` as a user would, from the repository root, with a quiet log. */
export function align(...args: string[]): CliResult {
  return alignIn(repoRoot, ...args);
}

/** Runs `align` from the folder `cwd`, with a quiet log. */
export function alignIn(cwd: string, ...args: string[]): CliResult {
  const result = spawnSync(process.execPath, [join(repoRoot, "bin/align.js"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ALIGN_LOG_LEVEL: "warn", CI: "true" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `align-${prefix}-`));
}
