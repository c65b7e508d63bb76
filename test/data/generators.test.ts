import assert from "node:assert/strict";
import { test } from "node:test";
import { generatorsOf, selectGenerators } from "../../src/data/generators.js";
import type { CandidateSet } from "../../src/data/types.js";
import { userError } from "./fixture.js";

function set(id: string, generators: string[]): CandidateSet {
  return {
    id,
    prompt: `prompt ${id}`,
    candidates: generators.map((g, i) => ({ id: g, text: `${g} answers ${id}`, trueReward: i / 10 })),
  };
}

const sets = [set("a", ["zeta", "Alpha", "beta", "gamma"]), set("b", ["beta", "gamma"]), set("c", ["zeta"])];

test("generatorsOf: every generator once, in code-point order (upper case first)", () => {
  assert.deepEqual(generatorsOf(sets), ["Alpha", "beta", "gamma", "zeta"]);
});

test("selectGenerators: a list and include keep only those answers; exclude keeps the others", () => {
  for (const selection of [["beta", "zeta"], { include: ["beta", "zeta"] }]) {
    const kept = selectGenerators(sets, selection, "data", "f.jsonl");
    assert.deepEqual(kept.kept, ["beta", "zeta"]);
    assert.deepEqual(
      kept.sets.map((s) => [s.id, s.candidates.map((c) => c.id)]),
      [["a", ["zeta", "beta"]]],
    );
    // b keeps one answer and c one: too few for a policy.
    assert.equal(kept.tooFew, 2);
  }
  const others = selectGenerators(sets, { exclude: ["beta", "zeta"] }, "data", "f.jsonl");
  assert.deepEqual(others.kept, ["Alpha", "gamma"]);
  assert.deepEqual(
    others.sets.map((s) => s.candidates.map((c) => c.id)),
    [["Alpha", "gamma"]],
  );
  // Complementary selections share no generator and cover them all.
  const both = [...others.kept, ...selectGenerators(sets, { include: ["beta", "zeta"] }, "data", "f").kept];
  assert.deepEqual(both.sort(), generatorsOf(sets));
});

test("selectGenerators: a candidate keeps its text and true reward", () => {
  const [a] = selectGenerators(sets, ["gamma", "Alpha"], "data", "f").sets;
  assert.deepEqual(a.candidates, [sets[0].candidates[1], sets[0].candidates[3]]);
});

test("selectGenerators: an unknown generator is an error naming the key, the file and a near name", () => {
  assert.throws(
    () => selectGenerators(sets, { include: ["betta"] }, "data.eval", "f.jsonl"),
    userError(
      /^data\.eval\.generators: "betta" is not a generator of f\.jsonl \(did you mean "beta"\?\); its 4 generators: Alpha, beta/,
    ),
  );
  assert.throws(
    () => selectGenerators(sets, { exclude: ["nobody"] }, "data", "f"),
    userError(/data\.generators: "nobody"/),
  );
  assert.throws(
    () => selectGenerators(sets, { exclude: generatorsOf(sets) }, "data", "f"),
    userError(/data\.generators: excludes every generator of f/),
  );
});
