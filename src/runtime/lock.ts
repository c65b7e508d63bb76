import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { UserError } from "./errors.js";

/**
 * Lock files: `<path>` holds its owner's pid, host and command as JSON, created with O_EXCL ("wx") so
 * exactly one process makes it. Hand-written rather than proper-lockfile: that library proves a lock
 * alive by refreshing its mtime on a timer, which a thread busy in synchronous training for minutes
 * cannot do (its lock would be taken as stale under it), and it records no owner to name in a refusal.
 * A lock whose owner was a process on this host that no longer exists is stale: it is taken over with
 * a warning. Locks are released on exit. A process killed by a signal (Ctrl-C, SIGTERM, kill -9) leaves
 * its lock, stale, for the next run to take over: a handler that removed it would be run only when the
 * event loop is free, so Ctrl-C during synchronous training would wait for the training to end (measured:
 * 9.5 s, and the signal then lost).
 */

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
  /** Held only for a moment (a shard writing the run's shared files): others wait instead of refusing. */
  brief?: boolean;
}

/** Another live process holds the lock: exit 2, naming it. */
export class LockHeldError extends UserError {}

export interface Lock {
  path: string;
  release(): void;
}

const held = new Map<string, LockHolder>();
let handlersInstalled = false;

function releaseAll(): void {
  for (const path of [...held.keys()]) releaseLock(path);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", releaseAll);
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    return typeof holder.pid === "number" && typeof holder.host === "string" ? holder : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether the lock at `path` was left by a dead process of this host (or is an unreadable, old file). */
function isStale(path: string, holder: LockHolder | undefined): boolean {
  if (holder === undefined) {
    // Between a rival's O_EXCL create and its write the file is empty: only an old one is abandoned.
    try {
      return Date.now() - statSync(path).mtimeMs > 5000;
    } catch {
      return false;
    }
  }
  return holder.host === hostname() && holder.pid !== process.pid && !alive(holder.pid);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function describeHolder(holder: LockHolder): string {
  return `\`align ${holder.command}\` (pid ${holder.pid} on ${holder.host}, since ${holder.since})`;
}

export interface AcquireOptions {
  command: string;
  brief?: boolean;
  /** What the lock protects, for the refusal message. */
  what: string;
  /** How long to wait for a brief holder before refusing. */
  waitMs?: number;
  warn?: (message: string) => void;
}

function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the lock at `path` or throws LockHeldError naming its live holder. A brief holder is waited
 * for (up to waitMs); a stale one is taken over with a warning. Taking over goes through a second
 * O_EXCL file, so two processes finding the same stale lock cannot both take it.
 */
export function acquireLock(path: string, options: AcquireOptions): Lock {
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command: options.command,
    since: new Date().toISOString(),
    ...(options.brief ? { brief: true } : {}),
  };
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  installHandlers();
  for (;;) {
    if (tryCreate(path, holder)) break;
    const current = readHolder(path);
    if (isStale(path, current)) {
      takeOver(path, current, options);
      continue;
    }
    if (current !== undefined && current.pid === process.pid && current.host === holder.host) {
      throw new Error(`${path}: this process already holds the lock`);
    }
    if ((current === undefined || current.brief) && Date.now() < deadline) {
      sleep(50);
      continue;
    }
    const who = current === undefined ? "another process" : describeHolder(current);
    throw new LockHeldError(`${options.what} is in use by ${who}: wait for it to finish (lock file ${path})`);
  }
  held.set(path, holder);
  return { path, release: () => releaseLock(path) };
}

function takeOver(path: string, stale: LockHolder | undefined, options: AcquireOptions): void {
  const guard = `${path}.takeover`;
  if (!tryCreate(guard, { pid: process.pid, host: hostname(), command: options.command, since: "" })) {
    if (isStale(guard, readHolder(guard))) unlinkSync(guard);
    else sleep(20);
    return;
  }
  try {
    // Re-read under the guard: the lock may have changed hands since it was judged stale.
    const now = readHolder(path);
    if (JSON.stringify(now) === JSON.stringify(stale) && isStale(path, now)) {
      unlinkSync(path);
      const who = stale === undefined ? "an unreadable lock" : describeHolder(stale);
      options.warn?.(`${options.what}: taking over the lock of ${who}, which is no longer running`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  } finally {
    unlinkSync(guard);
  }
}

/** Removes the lock at `path` if this process holds it (a taken-over lock is left to its new owner). */
export function releaseLock(path: string): void {
  const mine = held.get(path);
  if (mine === undefined) return;
  held.delete(path);
  const current = readHolder(path);
  if (current?.pid === mine.pid && current.host === mine.host && current.since === mine.since) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone (the folder was removed): nothing to release.
    }
  }
}

/** The live holder of the lock at `path`, if any (stale and absent locks give undefined). */
export function liveHolder(path: string): LockHolder | undefined {
  const holder = readHolder(path);
  if (holder === undefined || isStale(path, holder)) return undefined;
  return holder;
}
