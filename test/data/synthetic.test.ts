import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readJsonlPairs } from "../../src/data/jsonl.js";
import { collectRecords } from "../../src/data/records.js";
import {
  generateSynthetic,
  goldReward,
  preferenceProbability,
  type SyntheticConfig,
  writeSyntheticJsonl,
} from "../../src/data/synthetic.js";
import type { PreferencePair } from "../../src/data/types.js";

const defaults: SyntheticConfig = {
  prompts: 600,
  candidatesPerPrompt: 8,
  pairsPerPrompt: 4,
  temperature: 1,
  labelFlipRate: 0,
  commonTraits: 12,
  rareTraits: 120,
  rareTraitRate: 0.04,
  responseLength: 24,
};
const small: SyntheticConfig = { ...defaults, prompts: 30 };

/** Gold reward of every candidate text, to check the labels of pairs. */
function goldOf(
  config: SyntheticConfig,
  seed: number,
): { pairs: PreferencePair[]; gold: Map<string, number> } {
  const data = generateSynthetic(config, seed);
  const gold = new Map<string, number>();
  for (const set of data.sets) for (const c of set.candidates) gold.set(c.text, c.trueReward as number);
  return { pairs: data.pairs, gold };
}

test("preferenceProbability is sigmoid((a - b) / temperature)", () => {
  assert.equal(preferenceProbability(1, 1, 0.5), 0.5);
  assert.ok(Math.abs(preferenceProbability(2, 1, 1) - 1 / (1 + Math.exp(-1))) < 1e-15);
  assert.ok(Math.abs(preferenceProbability(1, 2, 0.5) - 1 / (1 + Math.exp(2))) < 1e-15);
  assert.equal(preferenceProbability(0, 1, 1e-9), 0);
});

test("goldReward sums the weights of the traits present, once each", () => {
  const weights = new Map([
    ["good", 1.5],
    ["bad", -2],
  ]);
  assert.equal(goldReward(["good", "filler", "bad", "good"], weights), -0.5);
  assert.equal(goldReward(["filler"], weights), 0);
});

test("synthetic: same seed, same data; another seed, other data", () => {
  assert.deepEqual(generateSynthetic(small, 5), generateSynthetic(small, 5));
  assert.notDeepEqual(generateSynthetic(small, 6).pairs, generateSynthetic(small, 5).pairs);
});

test("synthetic: shapes follow the config and the gold reward is the sum of trait weights", () => {
  const data = generateSynthetic(small, 3);
  assert.equal(data.sets.length, 30);
  assert.equal(data.pairs.length, 30 * 4);
  assert.equal(data.traits.filter((t) => t.rare).length, 120);
  assert.equal(data.traits.filter((t) => !t.rare).length, 12);
  const weights = new Map(data.traits.map((t) => [t.word, t.weight]));
  for (const set of data.sets) {
    assert.equal(set.candidates.length, 8);
    const topics = set.prompt.split(" ").slice(3);
    assert.equal(topics.length, 3);
    for (const candidate of set.candidates) {
      const words = candidate.text.split(" ");
      assert.equal(words.length, 24);
      const bruteForce = data.traits
        .filter((t) => words.includes(t.word))
        .reduce((sum, t) => sum + t.weight, 0);
      assert.ok(Math.abs((candidate.trueReward as number) - bruteForce) < 1e-12);
      assert.equal(candidate.trueReward, goldReward(words, weights));
    }
  }
  for (const pair of data.pairs) {
    const set = data.sets.find((s) => pair.id.startsWith(`${s.id}:`));
    assert.ok(set !== undefined && set.prompt === pair.prompt, pair.id);
    const texts = set.candidates.map((c) => c.text);
    assert.ok(texts.includes(pair.chosen) && texts.includes(pair.rejected) && pair.chosen !== pair.rejected);
  }
});

test("synthetic: rare traits are rare and weigh more than common ones", () => {
  const data = generateSynthetic(defaults, 1);
  const responses = data.sets.flatMap((s) => s.candidates.map((c) => new Set(c.text.split(" "))));
  const rate = (rare: boolean) => {
    const traits = data.traits.filter((t) => t.rare === rare);
    const hits = traits.reduce((sum, t) => sum + responses.filter((words) => words.has(t.word)).length, 0);
    return hits / (traits.length * responses.length);
  };
  assert.ok(Math.abs(rate(true) - 0.04) < 0.005, `rare rate ${rate(true)}`);
  assert.ok(rate(false) > 0.25 && rate(false) < 0.55, `common rate ${rate(false)}`);
  const meanAbs = (rare: boolean) => {
    const w = data.traits.filter((t) => t.rare === rare).map((t) => Math.abs(t.weight));
    return w.reduce((a, b) => a + b, 0) / w.length;
  };
  assert.ok(meanAbs(true) > meanAbs(false), `${meanAbs(true)} vs ${meanAbs(false)}`);
});

test("synthetic: with a tiny temperature and no flips, chosen always has the higher gold reward", () => {
  const { pairs, gold } = goldOf({ ...small, prompts: 200, temperature: 1e-9 }, 2);
  let strict = 0;
  for (const pair of pairs) {
    const [c, r] = [gold.get(pair.chosen) as number, gold.get(pair.rejected) as number];
    assert.ok(c >= r, pair.id);
    if (c > r) strict += 1;
  }
  assert.ok(strict > 0.95 * pairs.length, "ties are rare");
});

test("synthetic: label flips happen at the configured rate", () => {
  const { pairs, gold } = goldOf({ ...defaults, temperature: 1e-9, labelFlipRate: 0.3 }, 4);
  const wrong = pairs.filter((p) => (gold.get(p.chosen) as number) < (gold.get(p.rejected) as number)).length;
  // 2400 pairs: the binomial std of the rate is about 0.01 (ties, about 1%, count as right).
  assert.ok(Math.abs(wrong / pairs.length - 0.3) < 0.04, `flip rate ${wrong / pairs.length}`);
});

test("synthetic: labels follow Bradley-Terry, P(higher gold chosen) = mean sigmoid(|g_a - g_b| / T)", () => {
  const temperature = 2;
  const { pairs, gold } = goldOf({ ...defaults, temperature }, 9);
  let expected = 0;
  let observed = 0;
  for (const pair of pairs) {
    const [c, r] = [gold.get(pair.chosen) as number, gold.get(pair.rejected) as number];
    expected += preferenceProbability(Math.abs(c - r), 0, temperature);
    observed += c > r ? 1 : c === r ? 0.5 : 0;
  }
  assert.ok(Math.abs(observed / pairs.length - expected / pairs.length) < 0.03, `${observed} vs ${expected}`);
});

/** Unigrams and bigrams of a text, weighted to unit L2 norm: the kind of features reward models see. */
function features(text: string): Map<string, number> {
  const words = text.split(" ");
  const grams = [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)];
  const counts = new Map<string, number>();
  for (const g of grams) counts.set(g, (counts.get(g) ?? 0) + 1);
  const norm = Math.sqrt([...counts.values()].reduce((s, c) => s + c * c, 0));
  return new Map([...counts].map(([g, c]) => [g, c / norm]));
}

test("synthetic: learnable only in part: a linear Bradley-Terry model gets ~70-85% held-out accuracy", () => {
  const { pairs } = generateSynthetic(defaults, 1);
  const held = (p: PreferencePair) => Number(p.id.split(":")[0].split("-")[1]) % 5 === 0;
  const encode = (p: PreferencePair) => ({ chosen: features(p.chosen), rejected: features(p.rejected) });
  const train = pairs.filter((p) => !held(p)).map(encode);
  const test = pairs.filter(held).map(encode);
  const w = new Map<string, number>();
  const score = (f: Map<string, number>) => [...f].reduce((s, [g, v]) => s + (w.get(g) ?? 0) * v, 0);
  // Plain SGD on softplus(-(r(chosen) - r(rejected))).
  for (let epoch = 0; epoch < 10; epoch++) {
    for (const pair of train) {
      const step = 0.5 / (1 + Math.exp(score(pair.chosen) - score(pair.rejected)));
      for (const [g, v] of pair.chosen) w.set(g, (w.get(g) ?? 0) + step * v);
      for (const [g, v] of pair.rejected) w.set(g, (w.get(g) ?? 0) - step * v);
    }
  }
  const accuracy = (set: typeof test) =>
    set.filter((p) => score(p.chosen) > score(p.rejected)).length / set.length;
  const heldOut = accuracy(test);
  assert.ok(heldOut > 0.68 && heldOut < 0.87, `held-out accuracy ${heldOut}`);
  assert.ok(accuracy(train) > heldOut + 0.05, "the model fits training pairs better than it generalises");
});

test("writeSyntheticJsonl writes every pair as JSONL that the jsonl reader reads back", async () => {
  const dir = mkdtempSync(join(tmpdir(), "align-synth-"));
  try {
    const file = join(dir, "out", "synthetic.jsonl");
    assert.equal(writeSyntheticJsonl(file, small, 8), 120);
    const { values } = await collectRecords(readJsonlPairs(file, "error"), file);
    assert.deepEqual(values, generateSynthetic(small, 8).pairs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
