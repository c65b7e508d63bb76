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

function holdInChild(path: string, then = "setInterval(() => {}, 1000);") {
  const script = `import { acquireLock } from ${JSON.stringify(lockModule)};
acquireLock(${JSON.stringify(path)}, { command: "test", what: "x" });
console.log("ready");
${then}`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const ready = new Promise<void>((resolve) => child.stdout?.once("data", () => resolve()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return { child, ready, closed };
}

for (const [how, then, code] of [
  ["it ends", "", 0],
  ["it calls process.exit", "process.exit(3);", 3],
  ["it throws", 'throw new Error("boom");', 1],
] as const) {
  test(`a lock is released when its owner exits: ${how}`, async () => {
    const path = join(tempDir("lock-exit"), "align.lock");
    const { closed } = holdInChild(path, then);
    assert.equal((await closed).code, code);
    assert.ok(!existsSync(path), "released");
  });
}

for (const signal of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
  test(`after ${signal} its owner dies at once; the lock stays and is taken over with a warning`, async () => {
    const path = join(tempDir("lock-signal"), "align.lock");
    // A busy owner (synchronous work, as training is): a signal must still stop it at once.
    const { child, ready, closed } = holdInChild(path, "for (;;) {}");
    await ready;
    child.kill(signal);
    assert.equal((await closed).signal, signal);
    assert.ok(existsSync(path));
    assert.equal(liveHolder(path), undefined, "its holder is dead");
    const warnings: string[] = [];
    const lock = acquireLock(path, { command: "simulate", what: "folder", warn: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], new RegExp(`taking over the lock of \`align test\` \\(pid ${child.pid} `));
    assert.equal(JSON.parse(readFileSync(path, "utf8")).pid, process.pid);
    lock.release();
  });
}
