import assert from "node:assert/strict";
import { test } from "node:test";
import { isWorse, lowerCvar, promptImprovement, rewardScale } from "../../src/optimize/evaluate.js";
import { mean, sampleStd } from "../../src/runtime/stats.js";

test("promptImprovement is Σ (π − π0)·r", () => {
  assert.equal(promptImprovement([0.25, 0.75], [0.5, 0.5], [-0.5, 0.5]), 0.25);
  assert.equal(promptImprovement([0.5, 0.5], [0.5, 0.5], [3, -1]), 0);
});

test("mean, sample std and CVaR match hand values", () => {
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  assert.ok(Math.abs(sampleStd([1, 2, 3, 4]) - Math.sqrt(5 / 3)) < 1e-15);
  assert.equal(sampleStd([7]), 0);
  const twenty = Float64Array.from({ length: 20 }, (_, i) => 20 - i);
  assert.equal(lowerCvar(twenty, 0.1), 1.5, "mean of the 2 smallest of 1..20");
  const twentyFive = Float64Array.from({ length: 25 }, (_, i) => i - 3);
  assert.equal(lowerCvar(twentyFive, 0.1), -2, "⌈2.5⌉ = 3 smallest: -3, -2, -1");
  assert.equal(lowerCvar(Float64Array.of(4, -1, 2), 0.1), -1, "at least one value");
});

test("isWorse ignores rounding-level negatives only", () => {
  const scale = rewardScale([-2, 0.5, 1]);
  assert.equal(scale, 2);
  assert.equal(isWorse(-1e-18, scale), false);
  assert.equal(isWorse(-1e-9, scale), true);
  assert.equal(isWorse(0, scale), false);
});
