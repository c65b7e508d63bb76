import assert from "node:assert/strict";
import { test } from "node:test";
import { assignSplits, splitPairs } from "../../src/data/split.js";
import type { PreferencePair } from "../../src/data/types.js";

const fractions = { train: 0.7, validation: 0.1, test: 0.2 };
const prompts = Array.from({ length: 200 }, (_, i) => `prompt number ${i}`);

test("assignSplits: every distinct prompt gets one split, sized by the fractions", () => {
  const assignment = assignSplits([...prompts, ...prompts.slice(0, 50)], 1, fractions);
  assert.equal(assignment.size, 200);
  const count = (split: string) => [...assignment.values()].filter((s) => s === split).length;
  assert.deepEqual([count("train"), count("validation"), count("test")], [140, 20, 40]);
});

test("assignSplits: deterministic from the seed and the prompt text, not the order", () => {
  const a = assignSplits(prompts, 1, fractions);
  const b = assignSplits([...prompts].reverse(), 1, fractions);
  assert.deepEqual([...a].sort(), [...b].sort());
  const c = assignSplits(prompts, 2, fractions);
  assert.ok(
    prompts.some((p) => a.get(p) !== c.get(p)),
    "another seed moves some prompts",
  );
});

test("assignSplits: rounding at the cuts; a zero fraction gives an empty split", () => {
  const count = (assignment: Map<string, string>, split: string) =>
    [...assignment.values()].filter((s) => s === split).length;
  const three = assignSplits(["a", "b", "c"], 1, fractions);
  // round(3 * 0.7) = 2 train, round(3 * 0.8) - 2 = 0 validation, 1 test.
  assert.deepEqual([count(three, "train"), count(three, "validation"), count(three, "test")], [2, 0, 1]);
  const noValidation = assignSplits(prompts, 1, { train: 0.5, validation: 0, test: 0.5 });
  assert.equal(count(noValidation, "validation"), 0);
  assert.equal(count(noValidation, "test"), 100);
});

test("splitPairs: pairs follow their prompt, so no prompt is in two splits", () => {
  const pairs: PreferencePair[] = prompts.flatMap((prompt, i) =>
    [0, 1, 2].map((k) => ({ id: `${i}:${k}`, prompt, chosen: `c${k}`, rejected: `r${k}` })),
  );
  const split = splitPairs(pairs, assignSplits(prompts, 3, fractions));
  assert.equal(split.train.length + split.validation.length + split.test.length, pairs.length);
  const promptsOf = (list: PreferencePair[]) => new Set(list.map((p) => p.prompt));
  const [train, validation, testSet] = [
    promptsOf(split.train),
    promptsOf(split.validation),
    promptsOf(split.test),
  ];
  for (const p of train) assert.ok(!validation.has(p) && !testSet.has(p), p);
  for (const p of validation) assert.ok(!testSet.has(p), p);
  assert.deepEqual([train.size, validation.size, testSet.size], [140, 20, 40]);
});
