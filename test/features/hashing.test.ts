import assert from "node:assert/strict";
import { test } from "node:test";
import { referenceRow } from "../../scripts/reference-hashing.js";
import { featurize, tokenize } from "../../src/features/hashing.js";
import { createRng } from "../../src/runtime/random.js";

const config = { dimension: 1024, ngramMax: 2, includePrompt: false };

test("tokenize lower-cases and splits on anything but letters and digits", () => {
  assert.deepEqual(tokenize("Hello, WORLD! it's 2 café"), ["hello", "world", "it", "s", "2", "café"]);
  assert.deepEqual(tokenize("  ...  "), []);
});

test("featurize gives the rows of n-grams built as text and hashed whole, bit for bit", () => {
  const rng = createRng(11);
  const words = ["the", "sky", "is", "blue", "café", "中文", "𝒳y", "a", "b", "42", "naïve", "x"];
  const text = (length: number) =>
    Array.from({ length }, () => words[rng.int(words.length)]).join(rng.int(2) === 0 ? " " : ", ");
  let compared = 0;
  for (const dimension of [16, 1024, 1 << 20]) {
    for (const ngramMax of [1, 2, 3]) {
      for (const includePrompt of [false, true]) {
        const options = { dimension, ngramMax, includePrompt };
        for (let trial = 0; trial < 30; trial++) {
          const prompt = text(rng.int(12));
          const response = text(rng.int(40));
          assert.deepEqual(featurize(prompt, response, options), referenceRow(prompt, response, options));
          compared += 1;
        }
      }
    }
  }
  assert.equal(compared, 540);
});

test("a row has sorted unique indices, unit L2 norm, log(1+count) magnitudes", () => {
  const row = featurize("", "x x x y", { dimension: 1 << 20, ngramMax: 1, includePrompt: false });
  assert.equal(row.indices.length, 2);
  assert.ok(row.indices[0] < row.indices[1]);
  const norm = Math.hypot(...row.values);
  assert.ok(Math.abs(norm - 1) < 1e-6);
  // |x| / |y| = log(1 + 3) / log(1 + 1), whatever the signs.
  const magnitudes = [...row.values].map(Math.abs).sort((a, b) => b - a);
  assert.ok(Math.abs(magnitudes[0] / magnitudes[1] - Math.log(4) / Math.log(2)) < 1e-5);
  assert.ok(row.indices.every((i) => i >= 0 && i < 1 << 20));
});

test("a text without words is an empty row, and leaves nothing behind for the next row", () => {
  const empty = featurize("", "  ...  ", config);
  assert.equal(empty.indices.length, 0);
  assert.equal(empty.values.length, 0);
  const once = featurize("", "the sky is blue", config);
  assert.deepEqual(featurize("", "the sky is blue", config), once);
  assert.deepEqual(
    featurize("", "the sky is blue", { ...config, dimension: 64 }),
    referenceRow("", "the sky is blue", { ...config, dimension: 64 }),
  );
});

test("featurize separates prompt features when asked", () => {
  const a = featurize("what is up", "the sky is blue", config);
  const withPrompt = featurize("what is up", "the sky is blue", { ...config, includePrompt: true });
  assert.ok(withPrompt.indices.length > a.indices.length);
  const other = featurize("", "a different answer entirely", config);
  assert.notDeepEqual(a.indices, other.indices);
});
