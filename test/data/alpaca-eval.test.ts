import assert from "node:assert/strict";
import { test } from "node:test";
import { readAlpacaEvalSets } from "../../src/data/alpaca-eval.js";
import { drawCandidatePairs, eligiblePairs } from "../../src/data/candidate-sets.js";
import { collectRecords } from "../../src/data/records.js";
import type { CandidateSet } from "../../src/data/types.js";
import { fixture, userError } from "./fixture.js";

const read = (name: string, limit?: number) =>
  collectRecords(readAlpacaEvalSets(fixture(name), "drop"), fixture(name), limit);

test("alpaca-eval: candidate sets with generator ids and preferences as true rewards; empty outputs dropped", async () => {
  const { values, dropped } = await read("alpaca-eval/good.jsonl");
  assert.deepEqual(values, [
    {
      id: "a0",
      prompt: "Write a greeting.",
      candidates: [
        { id: "m1", text: "Hello!", trueReward: 0.9 },
        { id: "m2", text: "Hi.", trueReward: 0.5 },
        { id: "m3", text: "Go away.", trueReward: 0.05 },
        { id: "m4", text: "Hello!", trueReward: 0.85 },
      ],
    },
    {
      id: "a1",
      prompt: "Add 2 and 2.",
      candidates: [
        { id: "m1", text: "4", trueReward: 0.7 },
        { id: "m2", text: "5", trueReward: 0.1 },
      ],
    },
  ]);
  // a1 loses one empty output; a2 loses one and is left with a single candidate.
  assert.deepEqual(dropped, { "empty-response": 2, "too-few-candidates": 1 });
});

test("alpaca-eval: a limit reads at most that many sets", async () => {
  const { values } = await read("alpaca-eval/good.jsonl", 1);
  assert.deepEqual(
    values.map((set) => set.id),
    ["a0"],
  );
});

test("alpaca-eval: bad preferences and fields name the file, line and field", async () => {
  const cases: [string, RegExp][] = [
    ["nan-preference", /nan-preference\.jsonl:2: malformed JSON \(NaN and Infinity are not JSON numbers\)/],
    ["string-preference", /:1: field "candidates\[0\]\.preference" must be a finite number, got "0\.5"/],
    ["huge-preference", /:1: field "candidates\[0\]\.preference" must be a finite number, got Infinity/],
    ["missing-output", /:1: missing field "candidates\[0\]\.output"/],
    ["duplicate-generator", /:1: generator "m1" appears twice/],
    ["candidates-not-array", /:1: field "candidates" must be an array, got an object/],
  ];
  for (const [name, pattern] of cases)
    await assert.rejects(read(`alpaca-eval/${name}.jsonl`), userError(pattern), name);
});

test("eligiblePairs keeps pairs whose rewards differ by at least the gap and whose texts differ", () => {
  // Brute force by hand: rewards 0.9, 0.5, 0.05, 0.85 with texts A, B, C, A and gap 0.1.
  // (0,1) 0.4 ok; (0,2) 0.85 ok; (0,3) same text; (1,2) 0.45 ok; (1,3) 0.35 ok; (2,3) 0.8 ok.
  assert.deepEqual(eligiblePairs([0.9, 0.5, 0.05, 0.85], ["A", "B", "C", "A"], 0.1), [
    [0, 1],
    [0, 2],
    [1, 2],
    [1, 3],
    [2, 3],
  ]);
  assert.deepEqual(eligiblePairs([0.9, 0.5, 0.05, 0.85], ["A", "B", "C", "A"], 0.4), [
    [0, 1],
    [0, 2],
    [1, 2],
    [2, 3],
  ]);
  assert.deepEqual(eligiblePairs([0.3, 0.3], ["A", "B"], 0), [], "equal rewards never make a pair");
});

const sets: CandidateSet[] = Array.from({ length: 20 }, (_, s) => ({
  id: `s${s}`,
  prompt: `prompt ${s}`,
  candidates: Array.from({ length: 6 }, (_, c) => ({
    id: `g${c}`,
    text: `answer ${s}.${c}`,
    trueReward: c / 10,
  })),
}));

test("drawCandidatePairs: distinct eligible pairs per set, the higher reward chosen, seeded", () => {
  const pairs = drawCandidatePairs(sets, 4, 0.25, 7);
  assert.equal(pairs.length, 20 * 4);
  // Candidate c of every set has text "answer <set>.<c>" and reward c / 10.
  const reward = (text: string) => Number(text.split(".")[1]) / 10;
  for (const pair of pairs) {
    assert.equal(
      pair.chosen.split(".")[0],
      `answer ${pair.prompt.split(" ")[1]}`,
      "both from the pair's own set",
    );
    assert.ok(reward(pair.chosen) - reward(pair.rejected) >= 0.25 - 1e-12, pair.id);
  }
  assert.equal(new Set(pairs.map((pair) => pair.id)).size, pairs.length, "no pair drawn twice");
  assert.deepEqual(drawCandidatePairs(sets, 4, 0.25, 7), pairs, "same seed, same pairs");
  assert.notDeepEqual(drawCandidatePairs(sets, 4, 0.25, 8), pairs, "other seed, other pairs");
  assert.deepEqual(
    drawCandidatePairs(sets.slice(5, 6), 4, 0.25, 7),
    pairs.slice(20, 24),
    "a set's draw is its own",
  );
});

test("drawCandidatePairs: takes every eligible pair when asked for more", () => {
  // Rewards 0..0.5 with gap 0.35: (0,4) (0,5) (1,5) only.
  const pairs = drawCandidatePairs(sets.slice(0, 1), 100, 0.35, 1);
  assert.deepEqual(pairs.map((pair) => pair.id).sort(), ["s0:g4>g0", "s0:g5>g0", "s0:g5>g1"]);
});

test("alpaca-eval: a judged preference outside [0, 1] is an error naming the line and the field", async () => {
  await assert.rejects(
    read("alpaca-eval/preference-out-of-range.jsonl"),
    userError(
      /preference-out-of-range\.jsonl:2: field "candidates\[1\]\.preference" must be in \[0, 1\], got 1\.5/,
    ),
  );
  await assert.rejects(
    read("alpaca-eval/negative-preference.jsonl"),
    userError(
      /negative-preference\.jsonl:1: field "candidates\[0\]\.preference" must be in \[0, 1\], got -0\.2/,
    ),
  );
});
