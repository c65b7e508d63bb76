import assert from "node:assert/strict";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { join } from "node:path";
import { mock, test } from "node:test";
import { describeSystemError, EnvironmentError, UserError } from "../../src/runtime/errors.js";
import { writeFileAtomic } from "../../src/runtime/files.js";
import { tempDir } from "../cli/run-cli.js";

function errno(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall}`), { code, syscall, ...(path ? { path } : {}) });
}

test("describeSystemError: the path, the cause in words and the code", () => {
  assert.equal(
    describeSystemError(errno("EROFS", "open", "/ro/run/config.yaml")),
    "/ro/run/config.yaml: read-only file system (EROFS, open)",
  );
  assert.equal(describeSystemError(errno("EACCES", "mkdir", "/x")), "/x: permission denied (EACCES, mkdir)");
  assert.equal(describeSystemError(new EnvironmentError("/x", "is a file")), "/x: is a file");
});

test("describeSystemError: bugs and user errors are not environment errors", () => {
  assert.equal(describeSystemError(new TypeError("x is undefined")), undefined);
  assert.equal(describeSystemError(new UserError("bad")), undefined);
  assert.equal(describeSystemError(errno("ENOENT", "open", "/x")), undefined);
  assert.equal(
    describeSystemError(Object.assign(new Error("x"), { code: "ERR_INVALID_ARG_TYPE" })),
    undefined,
  );
});

test("a full disk while writing names the file being written (ENOSPC from write has no path)", (t) => {
  const target = join(tempDir("enospc"), "summary.json");
  const original = fs.writeFileSync;
  t.after(() => {
    fs.writeFileSync = original;
    syncBuiltinESMExports();
  });
  mock.method(fs, "writeFileSync", () => {
    throw errno("ENOSPC", "write");
  });
  syncBuiltinESMExports();
  assert.throws(
    () => writeFileAtomic(target, "x"),
    (error: unknown) =>
      describeSystemError(error) === `${target}: no space left on the device (ENOSPC, write)`,
  );
  assert.deepEqual(fs.readdirSync(join(target, "..")), [], "no temporary left");
});
