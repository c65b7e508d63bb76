import assert from "node:assert/strict";
import { test } from "node:test";
import type { MethodName, OptimizeConfig } from "../../src/config/schema.js";
import { type OptimizeInput, runOptimization, type TrialRow } from "../../src/optimize/run.js";
import { UserError } from "../../src/runtime/errors.js";

const close = (actual: number, expected: number, tolerance = 1e-6, what = "") =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} vs ${expected}`);

/*
 * Two prompts with two candidates and two members. Centred: prompt A has r* = (−½, ½), member 0 (−½, ½)
 * (right), member 1 (½, −½) (wrong); prompt B has r* = (1, −1) and both members (½, −½) (right, after
 * removing member 1's shift of 2). With two candidates every policy at KL ε from uniform that favours the
 * candidate with the higher r̂ is the same point; ε = KL((¼, ¾)‖uniform) makes it π = (¼, ¾) or (¾, ¼), so
 * Δ_x = ±¼·(r*_hi − r*_lo): A gives +¼ (right) or −¼ (wrong), B gives +½. Ties (r̂ equal) keep π0: Δ = 0.
 */
const input: OptimizeInput = {
  prompts: [
    {
      id: "A",
      trueRewards: [0, 1],
      memberScores: [
        [0, 1],
        [1, 0],
      ],
    },
    {
      id: "B",
      trueRewards: [2, 0],
      memberScores: [
        [1, 0],
        [3, 2],
      ],
    },
  ],
};
const epsilon = 0.75 * Math.log(1.5) - 0.25 * Math.log(2);
// At β = 1/ln 3 the KL-tilted policy is (¼, ¾) for a reward gap of 1, so the penalty form is also hand-checkable.
const beta = 1 / Math.log(3);
const all: MethodName[] = ["standard", "variance-aware", "mean", "worst-case", "uncertainty-weighted"];
const config: OptimizeConfig = {
  methods: all,
  budgets: [epsilon],
  betas: [beta],
  estimate: "member",
  repeats: 1,
  uncertaintyPenalty: 1,
  varianceFloor: 1e-6,
  priorVariance: 0,
};

const rowsOf = (rows: TrialRow[], method: MethodName, form: TrialRow["form"]) =>
  rows.filter((r) => r.method === method && r.form === form);

test("per-trial rows at matched KL match the hand values", () => {
  const { trials } = runOptimization([input], config, all);
  assert.equal(trials.length, 2 * 7, "2 + 2 member trials, 3 ensemble trials, one budget and one β each");
  for (const method of ["standard", "variance-aware"] as const) {
    const [m0, m1] = rowsOf(trials, method, "budget");
    assert.deepEqual([m0.trial, m0.member, m1.trial, m1.member], [0, 0, 1, 1]);
    close(m0.improvement, (0.25 + 0.5) / 2, 1e-6, `${method} member 0`);
    close(m1.improvement, (-0.25 + 0.5) / 2, 1e-6, `${method} member 1`);
    close(m0.proxyImprovement, 0.25);
    close(m1.proxyImprovement, 0.25);
    assert.deepEqual([m0.promptRisk, m1.promptRisk], [0, 0.5]);
    assert.deepEqual([m0.worse, m1.worse], [false, false]);
    close(m0.achievedKl, epsilon, 1e-6 * epsilon);
    assert.equal(m0.unreachedPrompts, 0);
  }
  // Ensemble baselines: on A the mean (0, 0), the minimum (−½, −½) and mean − variance (−½, −½) are ties.
  for (const method of ["mean", "worst-case", "uncertainty-weighted"] as const) {
    const [row] = rowsOf(trials, method, "budget");
    assert.equal(row.member, null);
    close(row.improvement, 0.25, 1e-6, method);
    close(row.proxyImprovement, 0.125, 1e-6, method);
    assert.equal(row.promptRisk, 0);
    assert.equal(row.unreachedPrompts, 0.5);
    close(row.achievedKl, epsilon / 2, 1e-6 * epsilon);
  }
});

test("penalty form at a fixed β matches the hand values", () => {
  const { trials } = runOptimization([input], config, all);
  const [s0, s1] = rowsOf(trials, "standard", "penalty");
  close(s0.improvement, 0.375, 1e-12);
  close(s1.improvement, 0.125, 1e-12);
  close(s0.achievedKl, epsilon, 1e-12);
  // Variance-aware at β = 1/ln 3: on A (σ² = ½) the unclipped step (r_hi − r_lo)/(2βσ²) = ln 3 > ½, so
  // π = (0, 1) or (1, 0); on B (σ² floored) likewise. Δ_A = ±½, Δ_B = 1, KL = ln 2.
  const [v0, v1] = rowsOf(trials, "variance-aware", "penalty");
  close(v0.improvement, 0.75, 1e-12);
  close(v1.improvement, 0.25, 1e-12);
  close(v0.proxyImprovement, 0.5, 1e-12);
  assert.deepEqual([v0.promptRisk, v1.promptRisk], [0, 0.5]);
  close(v0.achievedKl, Math.log(2), 1e-12);
  const [mean] = rowsOf(trials, "mean", "penalty");
  close(mean.improvement, 0.25, 1e-12);
  close(mean.achievedKl, epsilon / 2, 1e-12);
});

test("the summary aggregates over trials, and repeats number trials on", () => {
  const { summary, trials } = runOptimization([input, input], config, all);
  const standard = rowsOf(trials, "standard", "budget");
  assert.deepEqual(
    standard.map((r) => [r.trial, r.repeat, r.member]),
    [
      [0, 0, 0],
      [1, 0, 1],
      [2, 1, 0],
      [3, 1, 1],
    ],
  );
  const [budget] = summary.methods.standard?.budgets ?? [];
  assert.equal(budget.kl, epsilon);
  assert.equal(budget.trials, 4);
  close(budget.meanImprovement, 0.25);
  // Sample std of (⅜, ⅛, ⅜, ⅛): √(4·(⅛)²/3).
  close(budget.stdImprovement, Math.sqrt((4 * 0.125 ** 2) / 3));
  assert.equal(budget.risk, 0);
  close(budget.promptRisk, 0.25, 1e-15);
  // Pooled per-prompt Δ: (¼, ½, −¼, ½) twice; the worst 10% of 8 values is the single smallest, −¼.
  close(budget.cvar10, -0.25);
  close(budget.proxyImprovement, 0.25);
  close(budget.meanAchievedKl, epsilon, 1e-6 * epsilon);
  const [mean] = summary.methods.mean?.budgets ?? [];
  assert.equal(mean.trials, 2);
  close(mean.cvar10, 0, 1e-9);
  close(mean.unreachedPrompts, 0.5, 0);
  const [penalty] = summary.methods["variance-aware"]?.betas ?? [];
  assert.equal(penalty.beta, beta);
  close(penalty.meanImprovement, 0.5, 1e-12);
});

test("a whole-dataset loss counts as risk", () => {
  // Member 1 is wrong on both prompts: Δ = −¼ on each, so one of two trials ends worse than π0.
  const wrong: OptimizeInput = {
    prompts: [
      input.prompts[0],
      {
        id: "C",
        trueRewards: [0, 1],
        memberScores: [
          [0, 1],
          [1, 0],
        ],
      },
    ],
  };
  const { summary } = runOptimization([wrong], { ...config, betas: [1] }, ["standard"]);
  const [budget] = summary.methods.standard?.budgets ?? [];
  assert.equal(budget.risk, 0.5);
  close(budget.meanImprovement, 0);
});

test("estimate = mean runs one ensemble trial; maxPrompts keeps the first prompts", () => {
  const { trials } = runOptimization([input], { ...config, estimate: "mean" }, ["standard"]);
  const rows = rowsOf(trials, "standard", "budget");
  assert.equal(rows.length, 1);
  assert.equal(rows[0].member, null);
  close(rows[0].improvement, 0.25);
  const firstOnly = runOptimization([input], { ...config, maxPrompts: 1 }, ["standard"]).trials;
  close(rowsOf(firstOnly, "standard", "budget")[0].improvement, 0.25);
});

test("bad input ends in a UserError that names the prompt", () => {
  const single: OptimizeInput = { prompts: [{ id: "p1", trueRewards: [0, 1], memberScores: [[0, 1]] }] };
  assert.throws(() => runOptimization([single], config, ["variance-aware"]), UserError);
  assert.equal(runOptimization([single], config, ["standard"]).trials.length, 2);
  const ragged: OptimizeInput = {
    prompts: [{ id: "p2", trueRewards: [0, 1], memberScores: [[0, 1], [1]] }],
  };
  assert.throws(() => runOptimization([ragged], config, ["standard"]), /p2/);
  const nan: OptimizeInput = {
    prompts: [{ id: "p3", trueRewards: [0, Number.NaN], memberScores: [[0, 1]] }],
  };
  assert.throws(() => runOptimization([nan], config, ["standard"]), /p3.*non-finite/);
  assert.throws(() => runOptimization([{ prompts: [] }], config, ["standard"]), UserError);
});
