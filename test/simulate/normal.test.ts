import assert from "node:assert/strict";
import { test } from "node:test";
import { normalCdf, normalDensity } from "../../src/simulate/normal.js";

const relativelyClose = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.abs(expected), `${actual} vs ${expected}`);

test("normalCdf matches tabulated values, centre and tails", () => {
  assert.equal(normalCdf(0), 0.5);
  relativelyClose(normalCdf(1), 0.8413447460685429, 1e-14);
  relativelyClose(normalCdf(-1.959963984540054), 0.025, 1e-13);
  relativelyClose(normalCdf(-2), 0.022750131948179195, 1e-13);
  relativelyClose(normalCdf(-3), 0.0013498980316301035, 1e-13);
  relativelyClose(normalCdf(-5), 2.866515718791939e-7, 1e-13);
  relativelyClose(normalCdf(-10), 7.619853024160527e-24, 1e-13);
  assert.equal(normalCdf(Number.NEGATIVE_INFINITY), 0);
  assert.equal(normalCdf(Number.POSITIVE_INFINITY), 1);
});

test("normalCdf agrees with Simpson integration of the density and is symmetric", () => {
  // Φ(x) = ½ + ∫_0^x φ, integrated with Simpson's rule on 2000 intervals.
  const integral = (x: number) => {
    const n = 2000;
    const h = x / n;
    let s = normalDensity(0) + normalDensity(x);
    for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * normalDensity(i * h);
    return 0.5 + (s * h) / 3;
  };
  for (const x of [-4, -2.5, -2.0001, -1.999, -0.7, 0.3, 1.5, 2.2, 3.5]) {
    assert.ok(Math.abs(normalCdf(x) - integral(x)) < 1e-13, `x = ${x}`);
    assert.ok(Math.abs(normalCdf(x) + normalCdf(-x) - 1) < 1e-15, `symmetry at ${x}`);
  }
});
