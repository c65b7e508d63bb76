import assert from "node:assert/strict";
import { test } from "node:test";
import { stageNames } from "../src/config/schema.js";
import { pipeline, stageNamed } from "../src/pipeline.js";

test("the pipeline has one stage per configurable stage name, in the schema's order", () => {
  assert.deepEqual(
    pipeline.map((stage) => stage.name),
    [...stageNames],
  );
  for (const name of stageNames) assert.equal(stageNamed(name).name, name);
});

test("a stage needs only stages before it, and every stage has its own folder", () => {
  pipeline.forEach((stage, i) => {
    for (const need of stage.needs) {
      const at = pipeline.findIndex((s) => s.name === need);
      assert.ok(at >= 0 && at < i, `${stage.name} needs ${need}, which must come before it`);
    }
  });
  assert.equal(new Set(pipeline.map((s) => s.folder)).size, pipeline.length);
});
