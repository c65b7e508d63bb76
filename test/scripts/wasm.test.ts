import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { compileWat, embeddedModule, MODULE, WAT } from "../../scripts/wasm.js";
import { packagePath } from "../../src/runtime/paths.js";

test("the committed WebAssembly module is kernels.wat compiled (run `npm run wasm` after editing it)", async () => {
  const bytes = await compileWat(readFileSync(packagePath(WAT), "utf8"), WAT);
  assert.equal(readFileSync(packagePath(MODULE), "utf8"), embeddedModule(bytes));
});
