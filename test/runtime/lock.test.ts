import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { acquireLock, LockHeldError, liveHolder } from "../../src/runtime/lock.js";
import { tempDir } from "../cli/run-cli.js";

const lockModule = pathToFileURL(join(import.meta.dirname, "../../src/runtime/lock.js")).href;

test("a lock holds its owner's pid, host and command, and is released", () => {
  const path = join(tempDir("lock-unit"), "align.lock");
  const lock = acquireLock(path, { command: "simulate", what: "folder" });
  const holder = JSON.parse(readFileSync(path, "utf8"));
  assert.equal(holder.pid, process.pid);
  assert.equal(holder.host, hostname());
  assert.equal(holder.command, "simulate");
  assert.deepEqual(liveHolder(path)?.pid, process.pid);
  lock.release();
  assert.ok(!existsSync(path));
});

test("a lock held by another live process is refused at once, or after waiting for a brief holder", () => {
  const dir = tempDir("lock-held");
  const path = join(dir, "align.lock");
  // The parent of this process is alive and is not this process.
  const other = { pid: process.ppid, host: hostname(), command: "optimize", since: "then" };
  writeFileSync(path, JSON.stringify(other));
  assert.throws(
    () => acquireLock(path, { command: "report", what: "folder F" }),
    (error: Error) =>
      error instanceof LockHeldError &&
      error.message ===
        `folder F is in use by \`align optimize\` (pid ${process.ppid} on ${hostname()}, since then): wait for it to finish (lock file ${path})`,
  );
  writeFileSync(path, JSON.stringify({ ...other, brief: true }));
  const started = Date.now();
  assert.throws(() => acquireLock(path, { command: "report", what: "folder F", waitMs: 300 }), LockHeldError);
  assert.ok(Date.now() - started >= 300, "waited for the brief holder");
});

function holdInChild(path: string): Promise<{ child: ReturnType<typeof spawn>; ready: Promise<void> }> {
  const script = `import { acquireLock } from ${JSON.stringify(lockModule)};
acquireLock(${JSON.stringify(path)}, { command: "test", what: "x" });
console.log("ready");
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = new Promise<void>((resolve) => child.stdout?.once("data", () => resolve()));
  return Promise.resolve({ child, ready });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`a lock is released when its owner gets ${signal}, and the owner still dies of it`, async () => {
    const path = join(tempDir("lock-signal"), "align.lock");
    const { child, ready } = await holdInChild(path);
    await ready;
    assert.ok(existsSync(path));
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_, s) => resolve(s)));
    child.kill(signal);
    assert.equal(await closed, signal);
    assert.ok(!existsSync(path), "released");
  });
}

test("after kill -9 the lock stays, and is taken over with a warning as stale", async () => {
  const path = join(tempDir("lock-kill"), "align.lock");
  const { child, ready } = await holdInChild(path);
  await ready;
  const closed = new Promise((resolve) => child.on("close", resolve));
  child.kill("SIGKILL");
  await closed;
  assert.ok(existsSync(path));
  assert.equal(liveHolder(path), undefined, "its holder is dead");
  const warnings: string[] = [];
  const lock = acquireLock(path, { command: "simulate", what: "folder", warn: (m) => warnings.push(m) });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], new RegExp(`taking over the lock of \`align test\` \\(pid ${child.pid} `));
  assert.equal(JSON.parse(readFileSync(path, "utf8")).pid, process.pid);
  lock.release();
});
