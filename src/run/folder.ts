import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { Config } from "../config/schema.js";
import { type BackendChoice, initBackend } from "../runtime/backend.js";
import { EnvironmentError, UserError } from "../runtime/errors.js";
import { namePath, removeOrphanedTemporaries, writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import {
  acquireLock,
  describeHolder,
  type Lock,
  LockHeldError,
  type LockHolder,
  liveHolder,
} from "../runtime/lock.js";
import { createLogger, type Logger } from "../runtime/logging.js";
import { packagePath } from "../runtime/paths.js";

/** What every stage of a run gets: where to write, the resolved config, a logger, the backend. */
export interface RunContext {
  out: string;
  config: Config;
  logger: Logger;
  backend: string;
  force: boolean;
  /**
   * Runs `write`, which writes files every process of the run shares (run.json, summaries, markers),
   * holding the run-folder lock: a shard holds it only for such moments. Absent: the caller holds it.
   */
  sharedWrite?: <T>(write: () => T) => T;
}

export interface RunOptions {
  out: string;
  config: Config;
  backend: BackendChoice;
  force: boolean;
  command: string;
  /** Reads the data (throwing on bad data) before anything is written into a new or replaced run folder. */
  check?: () => Promise<unknown>;
  /** One shard of an ensemble, beside others on the same folder: it locks the folder only while it writes shared files. */
  shard?: boolean;
}

/** Config keys as dotted paths to their JSON values. */
export function flatten(value: unknown, prefix = ""): Map<string, string> {
  const result = new Map<string, string>();
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      for (const [k, v] of flatten(child, prefix ? `${prefix}.${key}` : key)) result.set(k, v);
    }
  } else {
    result.set(prefix, JSON.stringify(value));
  }
  return result;
}

/** Keys whose values differ between two configs, for a message a user can act on. */
export function configDifferences(a: unknown, b: unknown): string[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const keys = new Set([...fa.keys(), ...fb.keys()]);
  return [...keys].filter((k) => fa.get(k) !== fb.get(k)).sort();
}

export function packageVersions(): Record<string, string> {
  const read = (path: string) => JSON.parse(readFileSync(path, "utf8")).version as string;
  const versions: Record<string, string> = {
    node: process.versions.node,
    align: read(packagePath("package.json")),
  };
  for (const name of ["@tensorflow/tfjs-core", "vega", "vega-lite"]) {
    try {
      versions[name] = read(packagePath("node_modules", name, "package.json"));
    } catch {
      versions[name] = "unknown";
    }
  }
  return versions;
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: packagePath(),
      stdio: ["ignore", "pipe", "ignore"],
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

export function readJson(path: string): Record<string, unknown> | undefined {
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined;
}

/** The run-folder lock, held by every writer for its whole run (a shard: while it writes shared files). */
export const RUN_LOCK = "align.lock";
/** Written into a run folder align created: only such a folder is ever removed (by --force). */
export const RUN_MARKER = ".align-run";
const MARKER_TEXT = `${JSON.stringify({ format: "align-run", version: 1 })}\n`;
/** Where the reward-model stage's members are locked by the process that trains them. */
const MEMBER_LOCKS = "reward-models";

/** Where openRun found the folder: no run yet, a run of this config, or a run of another one. */
type FolderState = { kind: "new" } | { kind: "same" } | { kind: "other"; differences: string[] };

function folderState(out: string, config: Config): FolderState {
  const configPath = join(out, "config.yaml");
  if (!existsSync(configPath)) return { kind: "new" };
  let text: string;
  try {
    text = readFileSync(configPath, "utf8");
  } catch (error) {
    throw namePath(error, configPath);
  }
  let previous: unknown;
  try {
    previous = parseYaml(text);
  } catch (error) {
    throw new UserError(
      `${configPath}: not a readable config (${(error as Error).message.split("\n")[0]}): ` +
        "choose another --out, or pass --force to replace the run",
    );
  }
  const differences = configDifferences(previous, config);
  return differences.length === 0 ? { kind: "same" } : { kind: "other", differences };
}

/** Stops early, before anything is written, when --out cannot be a run folder. */
function checkOutPath(given: string): string {
  if (given.trim() === "") throw new UserError("--out is empty: name the run folder to write into");
  const out = resolve(given);
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new EnvironmentError(out, "is a file, not a folder: --out must name a folder (EEXIST)");
  }
  return out;
}

/** Folders below `out` whose lock is held by a live process (a shard training members). */
function liveMemberLocks(out: string): LockHolder[] {
  const dir = join(out, MEMBER_LOCKS);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".lock"))
    .map((name) => liveHolder(join(dir, name)))
    .filter((holder): holder is LockHolder => holder !== undefined);
}

/** --force on a run of another config: only a folder align made is cleared, and not under a live shard. */
function replaceRun(out: string): void {
  if (!existsSync(join(out, RUN_MARKER))) {
    throw new UserError(
      `${out} holds a config.yaml but was not made by align (no ${RUN_MARKER} marker), so --force will not ` +
        "delete it: choose another --out, or remove the folder yourself",
    );
  }
  const shards = liveMemberLocks(out);
  if (shards.length > 0) {
    throw new LockHeldError(
      `${out} is in use by ${describeHolder(shards[0])}, training members of its ensemble: wait for it to finish`,
    );
  }
  for (const name of readdirSync(out)) {
    if (name !== RUN_LOCK) rmSync(join(out, name), { recursive: true, force: true });
  }
}

function differentConfig(out: string, differences: string[]): UserError {
  return new UserError(
    `${out} holds a run made from a different config (differs at ${differences.slice(0, 5).join(", ")}` +
      `${differences.length > 5 ? ", …" : ""}): choose another --out, or pass --force to replace it`,
  );
}

/** Removes the folders openRun created (from `created` down to `out`) if they hold nothing. */
function removeCreated(created: string | undefined, out: string): void {
  if (created === undefined) return;
  for (let dir = out; dir.startsWith(created); dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
  }
}

/** The run log of the run this process has open, where a failure's stack is recorded. */
let openLogger: Logger | undefined;

/** Records a failure with its stack in the open run's run.log (when one is open and writable). */
export function logFailure(error: unknown, message: string): void {
  try {
    openLogger?.error({ err: error }, message);
  } catch {
    // run.log itself cannot be written (a full disk): the terminal line is all there is.
  }
}

/**
 * Opens (or creates) a run folder, holding its lock (see lock.ts). Nothing is written into it until the
 * config and (with `check`) the data have been read without error. A folder made from a different config
 * is refused unless --force, which clears it only when align made it, so results of two configs never
 * mix and nothing that is not align's is deleted. Temporary files a killed run left are removed.
 */
export async function openRun(options: RunOptions): Promise<RunContext> {
  const out = checkOutPath(options.out);
  const state = folderState(out, options.config);
  if (state.kind === "other" && !options.force) throw differentConfig(out, state.differences);
  if (state.kind !== "same") await options.check?.();
  const created = mkdirSync(out, { recursive: true });
  const warn = (message: string) => process.stderr.write(`align: warning: ${message}\n`);
  const lockPath = join(out, RUN_LOCK);
  const what = `run folder ${out}`;
  let lock: Lock | undefined;
  try {
    lock = acquireLock(lockPath, { command: options.command, brief: options.shard, what, warn });
    if (!options.shard) {
      const shards = liveMemberLocks(out);
      if (shards.length > 0) {
        throw new LockHeldError(`${what} is in use by ${describeHolder(shards[0])}: wait for it to finish`);
      }
    }
    const locked = folderState(out, options.config);
    const ours = existsSync(join(out, RUN_MARKER)) || readdirSync(out).every((name) => name === RUN_LOCK);
    if (locked.kind === "other") {
      if (!options.force) throw differentConfig(out, locked.differences);
      replaceRun(out);
    }
    if (locked.kind !== "same" && ours) writeFileAtomic(join(out, RUN_MARKER), MARKER_TEXT);
    if (locked.kind !== "same") writeFileAtomic(join(out, "config.yaml"), stringifyYaml(options.config));
    removeOrphanedTemporaries(out, !options.shard);
    if (options.shard) removeOrphanedTemporaries(join(out, "reward-models"), false);
  } catch (error) {
    lock?.release();
    removeCreated(created, out);
    throw error;
  }
  const logger = createLogger(join(out, "run.log"));
  openLogger = logger;
  const { backend, provider } = await initBackend(options.backend);
  logger.info({ command: options.command, backend, provider }, `${options.command}: backend ${backend}`);
  const runPath = join(out, "run.json");
  const run = readJson(runPath) ?? {};
  writeJsonAtomic(runPath, {
    ...run,
    name: options.config.name,
    seed: options.config.seed,
    backend,
    backendProvider: provider,
    versions: packageVersions(),
    gitCommit: gitCommit(),
    stages: run.stages ?? {},
  });
  const ctx: RunContext = { out, config: options.config, logger, backend, force: options.force };
  if (options.shard) {
    lock.release();
    ctx.sharedWrite = (write) => {
      const brief = acquireLock(lockPath, { command: options.command, brief: true, what, warn });
      try {
        const now = folderState(out, options.config);
        if (now.kind !== "same") {
          throw new UserError(`${out}: the run folder was replaced by another run while this shard trained`);
        }
        removeOrphanedTemporaries(out, false);
        removeOrphanedTemporaries(join(out, "reward-models"), false);
        return write();
      } finally {
        brief.release();
      }
    };
  }
  return ctx;
}

/** Runs `write` of files the run's processes share, under the run-folder lock (see RunContext.sharedWrite). */
export function writeShared<T>(ctx: RunContext, write: () => T): T {
  return ctx.sharedWrite === undefined ? write() : ctx.sharedWrite(write);
}

/**
 * Locks the members this process trains (`<ensembleDir>/member-<m>.lock`), so that two processes never
 * train one member; a member another live process trains is refused naming it. Returns the release.
 */
export function lockMembers(
  ctx: RunContext,
  ensembleDir: string,
  members: number[],
  command: string,
): () => void {
  mkdirSync(ensembleDir, { recursive: true });
  const take = () => {
    const locks: Lock[] = [];
    try {
      for (const m of members) {
        const path = join(ensembleDir, `member-${m}.lock`);
        locks.push(acquireLock(path, { command, what: `member ${m} of ${ensembleDir}`, waitMs: 0 }));
      }
    } catch (error) {
      for (const lock of locks) lock.release();
      throw error;
    }
    return locks;
  };
  const locks = writeShared(ctx, take);
  return () => {
    for (const lock of locks) lock.release();
  };
}
