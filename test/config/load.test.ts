import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { applyOverrides, loadConfig, resolveConfig } from "../../src/config/load.js";
import { UserError } from "../../src/runtime/errors.js";

const dir = mkdtempSync(join(tmpdir(), "align-config-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

test("an empty config resolves to the documented defaults", () => {
  const config = resolveConfig({}, "defaults");
  assert.equal(config.rewardModel.members, 5);
  assert.equal(config.data.source, "synthetic");
  assert.equal(config.features.dimension, 4096);
  assert.deepEqual(config.data.splits, { train: 0.7, validation: 0.1, test: 0.2 });
});

test("unknown keys are rejected with their full key path", () => {
  assert.throws(
    () => resolveConfig({ rewardModel: { memebers: 3 } }, "x.yaml"),
    (e: Error) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /x\.yaml: invalid config/);
      assert.match(e.message, /unknown key 'rewardModel\.memebers'/);
      return true;
    },
  );
  assert.throws(() => resolveConfig({ colour: "red" }, "x.yaml"), /unknown key 'colour'/);
});

test("wrong types and out-of-range values name the key", () => {
  assert.throws(
    () => resolveConfig({ rewardModel: { members: "ten" } }, "c"),
    /rewardModel\.members: Expected number/,
  );
  assert.throws(
    () => resolveConfig({ rewardModel: { members: 0 } }, "c"),
    /rewardModel\.members: Number must be greater/,
  );
  assert.throws(() => resolveConfig({ rewardModel: { epochs: -1 } }, "c"), /rewardModel\.epochs/);
  assert.throws(
    () => resolveConfig({ features: { dimension: 1000 } }, "c"),
    /features\.dimension: must be a power of two/,
  );
  assert.throws(
    () => resolveConfig({ rewardModel: { learningRate: Number.NaN } }, "c"),
    /rewardModel\.learningRate/,
  );
  assert.throws(
    () => resolveConfig({ data: { splits: { train: 0.5, validation: 0.1, test: 0.1 } } }, "c"),
    /data\.splits: train \+ validation \+ test must sum to 1/,
  );
  assert.throws(
    () => resolveConfig({ data: { source: "jsonl" } }, "c"),
    /data\.path: data\.path is required/,
  );
});

test("--set overrides any key, parsing values as YAML", () => {
  const raw = applyOverrides({ rewardModel: { members: 3 } }, [
    "rewardModel.members=10",
    "optimize.budgets=[0.1, 1]",
    "rewardModel.bootstrap=true",
    "name=my study",
  ]);
  const config = resolveConfig(raw, "c");
  assert.equal(config.rewardModel.members, 10);
  assert.deepEqual(config.optimize.budgets, [0.1, 1]);
  assert.equal(config.rewardModel.bootstrap, true);
  assert.equal(config.name, "my study");
  assert.throws(() => applyOverrides({}, ["novalue"]), /expected key=value/);
  assert.throws(() => applyOverrides({ name: "x" }, ["name.inner=1"]), /'name' is not a section/);
  assert.throws(() => resolveConfig(applyOverrides({}, ["rewardModel.nope=1"]), "c"), /unknown key/);
});

test("YAML syntax errors name the file, line and column", () => {
  const path = file("bad.yaml", "name: ok\nrewardModel:\n  members: [1, 2\n");
  assert.throws(
    () => loadConfig(path),
    (e: Error) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /bad\.yaml:\d+:\d+: YAML syntax error/);
      return true;
    },
  );
});

test("a config that is not a mapping, or a missing file, is a clear error", () => {
  assert.throws(() => loadConfig(file("list.yaml", "- 1\n- 2\n")), /must be a YAML mapping/);
  assert.throws(() => loadConfig(join(dir, "missing.yaml")), /missing\.yaml: config file not found/);
});

test("${ALIGN_DATA_DIR} in data.path expands to the data folder", () => {
  const previous = process.env.ALIGN_DATA_DIR;
  try {
    process.env.ALIGN_DATA_DIR = dir;
    file("x.jsonl", "{}\n");
    const config = resolveConfig({ data: { source: "jsonl", path: "${ALIGN_DATA_DIR}/x.jsonl" } }, "c");
    assert.equal(config.data.path, join(dir, "x.jsonl"));
    process.env.ALIGN_DATA_DIR = "/some/where";
    assert.throws(
      () => resolveConfig({ data: { source: "jsonl", path: "${ALIGN_DATA_DIR}/x.jsonl" } }, "c.yaml"),
      /c\.yaml: data\.path \/some\/where\/x\.jsonl not found: set ALIGN_DATA_DIR .*scripts\/fetch-data\.sh/,
    );
  } finally {
    if (previous === undefined) delete process.env.ALIGN_DATA_DIR;
    else process.env.ALIGN_DATA_DIR = previous;
  }
});
