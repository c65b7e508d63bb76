import assert from "node:assert/strict";
import { test } from "node:test";
import { simulatePlots } from "../../src/simulate/plots.js";
import { runSimulation } from "../../src/simulate/run.js";
import { compileCollectingWarnings, svgOf } from "../plots/compile.js";

test("simulatePlots builds valid, titled specs that render, with the closed forms drawn", async () => {
  const summary = runSimulation(
    {
      responses: 4,
      instances: 5,
      draws: 10,
      budgets: [0.01, 0.1],
      memberCounts: [2, 5],
      rewardScale: 1,
      noiseMin: 0.2,
      noiseMax: 2,
    },
    1,
  );
  const plots = simulatePlots(summary);
  assert.deepEqual(Object.keys(plots).sort(), ["risk-vs-kl", "risk-vs-members"]);
  for (const [name, spec] of Object.entries(plots)) {
    const { compiled, warnings } = compileCollectingWarnings(spec);
    assert.deepEqual(warnings, [], name);
    const axisTitles = (compiled.axes ?? []).filter((a) => a.grid !== true).map((a) => String(a.title));
    assert.equal(axisTitles.length, 2, name);
    for (const title of axisTitles)
      assert.match(title, /\(.+\)$/, `${name}: axis title "${title}" gives units`);
    const svg = await svgOf(compiled);
    assert.match(svg, /<svg/);
  }
  // Plain JSON: rendering above tagged the inline data with vega's ids.
  const rules = (name: string) => JSON.parse(JSON.stringify(plots[name])).layer.at(-1);
  const closedForms = rules("risk-vs-kl");
  assert.equal(closedForms.mark.type, "rule");
  assert.deepEqual(
    closedForms.data.values.map((line: { value: number }) => line.value),
    [
      summary.closedForm.standard,
      summary.closedForm.varianceAware,
      summary.closedForm.varianceAwareUnconstrained,
    ],
  );
  // Σ known: one line per budget, in that budget's colour.
  assert.deepEqual(
    rules("risk-vs-members").data.values,
    summary.budgets.map((b) => ({ label: "Σ known", value: b.varianceAware.risk, series: `ε = ${b.kl}` })),
  );
  assert.equal(rules("risk-vs-members").encoding.color.field, "series");
});
