import assert from "node:assert/strict";
import { test } from "node:test";
import { featurize, hashFeatures, ngrams, tokenize } from "../../src/features/hashing.js";

const config = { dimension: 1024, ngramMax: 2, includePrompt: false };

test("tokenize lower-cases and splits on anything but letters and digits", () => {
  assert.deepEqual(tokenize("Hello, WORLD! it's 2 café"), ["hello", "world", "it", "s", "2", "café"]);
  assert.deepEqual(tokenize("  ...  "), []);
});

test("ngrams lists every n-gram up to maxN with its prefix", () => {
  assert.deepEqual(ngrams(["a", "b", "c"], 2, "r:"), ["r:a", "r:b", "r:c", "r:a b", "r:b c"]);
  assert.deepEqual(ngrams(["a"], 3, ""), ["a"]);
});

test("hashFeatures gives sorted unique indices, unit L2 norm, log(1+count) magnitudes", () => {
  const row = hashFeatures(["x", "x", "x", "y"], 1 << 20);
  assert.equal(row.indices.length, 2);
  assert.ok(row.indices[0] < row.indices[1]);
  const norm = Math.hypot(...row.values);
  assert.ok(Math.abs(norm - 1) < 1e-6);
  // |x| / |y| = log(1 + 3) / log(1 + 1), whatever the signs.
  const magnitudes = [...row.values].map(Math.abs).sort((a, b) => b - a);
  assert.ok(Math.abs(magnitudes[0] / magnitudes[1] - Math.log(4) / Math.log(2)) < 1e-5);
  assert.ok(row.indices.every((i) => i >= 0 && i < 1 << 20));
});

test("hashFeatures of nothing is an empty row", () => {
  const row = hashFeatures([], 64);
  assert.equal(row.indices.length, 0);
  assert.equal(row.values.length, 0);
});

test("featurize is deterministic and separates prompt features when asked", () => {
  const a = featurize("what is up", "the sky is blue", config);
  const b = featurize("what is up", "the sky is blue", config);
  assert.deepEqual(a, b);
  const withPrompt = featurize("what is up", "the sky is blue", { ...config, includePrompt: true });
  assert.ok(withPrompt.indices.length > a.indices.length);
  const other = featurize("", "a different answer entirely", config);
  assert.notDeepEqual(a.indices, other.indices);
});
