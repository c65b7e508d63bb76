import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { withReference } from "../../scripts/config-docs.js";
import { configReference } from "../../src/config/reference.js";
import { packagePath } from "../../src/runtime/paths.js";

test("the reference lists every key with its default and help text", () => {
  const docs = new Map(configReference().map((d) => [d.key, d]));
  assert.equal(docs.get("rewardModel.members")?.default, "`5`");
  assert.match(docs.get("rewardModel.members")?.type ?? "", /integer \(≥ 1, ≤ 1000\)/);
  assert.equal(docs.get("data.path")?.default, "unset");
  assert.equal(docs.get("rewardModel")?.type, "section");
  assert.match(docs.get("data.source")?.type ?? "", /`synthetic` \\\| `jsonl`/);
  for (const doc of docs.values()) assert.ok(doc.help.length > 0, `${doc.key} has no help text`);
});

test("README.md carries the current config reference (run `npm run docs` after changing the schema)", () => {
  const readme = readFileSync(packagePath("README.md"), "utf8");
  assert.equal(withReference(readme), readme);
});
