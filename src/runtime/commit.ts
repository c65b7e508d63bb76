import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { crashPoint } from "./files.js";

/**
 * Replaces a set of files in `dir` all or nothing, for results that must agree with each other (a
 * summary, its trials and their plots): they are written into `dir/.staging`, which is renamed to
 * `dir/.commit` (the commit point: one atomic rename), whose files are then renamed into place. A kill
 * before the commit point leaves every old file; after it, recoverCommit finishes the move.
 */

const STAGING = ".staging";
const COMMIT = ".commit";

/** Finishes a commit a killed process left (`.commit`) and drops an uncommitted one (`.staging`). */
export function recoverCommit(dir: string): void {
  const commit = join(dir, COMMIT);
  if (existsSync(commit)) {
    for (const name of readdirSync(commit)) {
      renameSync(join(commit, name), join(dir, name));
      crashPoint("after", join(dir, name));
    }
    rmSync(commit, { recursive: true, force: true });
  }
  rmSync(join(dir, STAGING), { recursive: true, force: true });
}

/** Runs `write`, which writes plain files into the folder it is given, then commits them into `dir`. */
export async function writeAllOrNothing(
  dir: string,
  write: (staging: string) => Promise<void>,
): Promise<void> {
  recoverCommit(dir);
  const staging = join(dir, STAGING);
  mkdirSync(staging, { recursive: true });
  await write(staging);
  crashPoint("before", join(dir, COMMIT));
  renameSync(staging, join(dir, COMMIT));
  crashPoint("after", join(dir, COMMIT));
  recoverCommit(dir);
}
