import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Names of the temporary files writeFileAtomic makes: `<file>.<pid>.<8 hex>.tmp`. */
const TEMPORARY = /\.\d+\.[0-9a-f]{8}\.tmp$/;

/**
 * Test hook for crash-safety tests: ALIGN_CRASH_AT="after:<suffix>[#n]" (or "before:…") makes the process
 * SIGKILL itself right after (before) the n-th (default first) rename onto a path ending in `/<suffix>`.
 * Unset (always, outside tests) it costs one comparison per write.
 */
const crashAt = /^(after|before):(.+?)(?:#(\d+))?$/.exec(process.env.ALIGN_CRASH_AT ?? "");
let crashCount = 0;

export function crashPoint(when: "after" | "before", path: string): void {
  if (crashAt === null || crashAt[1] !== when || !path.endsWith(`/${crashAt[2]}`)) return;
  crashCount++;
  if (crashCount === Number(crashAt[3] ?? 1)) process.kill(process.pid, "SIGKILL");
}

/** Gives a file-system error the path of the file being written when it has none (ENOSPC from write()). */
export function namePath(error: unknown, path: string): unknown {
  const errno = error as NodeJS.ErrnoException;
  if (typeof errno?.code === "string" && (errno.path === undefined || errno.path.endsWith(".tmp"))) {
    errno.path = path;
  }
  return error;
}

/** Writes a file through a temporary name and a rename, so a crash never leaves a half-written result. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, data);
    crashPoint("before", path);
    renameSync(temporary, path);
    crashPoint("after", path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw namePath(error, path);
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Removes the temporary files a killed writeFileAtomic left in `dir` (and below it, with `recursive`).
 * Only for folders no other live process writes into: the caller holds their lock.
 */
export function removeOrphanedTemporaries(dir: string, recursive: boolean): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) removeOrphanedTemporaries(path, true);
    } else if (TEMPORARY.test(entry.name)) rmSync(path, { force: true });
  }
}

/** Writes rows as CSV; values are numbers or strings, strings quoted when they need it. */
export function toCsv(header: string[], rows: (string | number | boolean | null)[][]): string {
  const cell = (value: string | number | boolean | null): string => {
    if (value === null) return "";
    if (typeof value !== "string") return String(value);
    return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  };
  return [header, ...rows]
    .map((row) => row.map(cell).join(","))
    .join("\n")
    .concat("\n");
}
