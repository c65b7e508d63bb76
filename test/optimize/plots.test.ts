import assert from "node:assert/strict";
import { test } from "node:test";
import type { TopLevelSpec } from "vega-lite";
import type { MethodName, OptimizeConfig } from "../../src/config/schema.js";
import { optimizePlots } from "../../src/optimize/plots.js";
import { type OptimizeInput, runOptimization } from "../../src/optimize/run.js";
import { createRng } from "../../src/runtime/random.js";
import { compileCollectingWarnings, svgOf } from "../plots/compile.js";

/** Compiles with vega-lite, failing on warnings (a dropped encoding), and renders to SVG with vega. */
async function renderSvg(
  spec: TopLevelSpec,
): Promise<{ svg: string; warnings: string[]; axisTitles: string[] }> {
  const { compiled, warnings } = compileCollectingWarnings(spec);
  const svg = await svgOf(compiled);
  // Grid lines are axes without titles; the labelled axes are the others.
  const axisTitles = (compiled.axes ?? []).filter((a) => a.grid !== true).map((a) => String(a.title));
  return { svg, warnings, axisTitles };
}

function smallStudy() {
  const rng = createRng(5);
  const prompts = Array.from({ length: 30 }, (_, x) => {
    const truth = Array.from({ length: 4 }, () => rng.normal());
    return {
      id: `p${x}`,
      trueRewards: truth,
      memberScores: Array.from({ length: 3 }, () => truth.map((t) => t + rng.normal())),
    };
  });
  const input: OptimizeInput = { prompts };
  const methods: MethodName[] = ["standard", "variance-aware", "mean"];
  const config: OptimizeConfig = {
    methods,
    budgets: [0.01, 0.1, 1],
    betas: [0.1, 1],
    estimate: "member",
    repeats: 1,
    uncertaintyPenalty: 1,
    varianceFloor: 1e-6,
    priorVariance: 0,
  };
  return runOptimization([input], config, methods);
}

test("optimizePlots builds valid, titled vega-lite specs that render", async () => {
  const { summary, trials } = smallStudy();
  const plots = optimizePlots(summary, trials);
  assert.deepEqual(Object.keys(plots).sort(), [
    "improvement-histogram",
    "improvement-vs-beta",
    "improvement-vs-kl",
    "proxy-vs-true",
    "risk-difference-vs-kl",
    "risk-vs-kl",
  ]);
  for (const [name, spec] of Object.entries(plots)) {
    const { svg, warnings, axisTitles } = await renderSvg(spec);
    assert.deepEqual(warnings, [], name);
    assert.ok("title" in spec && spec.title, `${name} has a title`);
    assert.equal(axisTitles.length, 2, `${name}: x and y axes`);
    for (const title of axisTitles)
      assert.match(title, /\(.+\)$/, `${name}: axis title "${title}" gives units`);
    assert.match(svg, /<svg/, name);
    for (const method of ["standard", "variance-aware", "mean"])
      assert.ok(svg.includes(method), `${name}: ${method}`);
  }
});

test("the histogram shows the middle budget and the KL plots use a log axis", () => {
  const { summary, trials } = smallStudy();
  const plots = optimizePlots(summary, trials);
  assert.match(JSON.stringify(plots["improvement-histogram"]), /ε = 0\.1 nats/);
  // biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON.
  const improvement = plots["improvement-vs-kl"] as any;
  assert.equal(improvement.layer.at(-1).encoding.x.scale.type, "log");
  assert.equal(improvement.data.values.length, 3 * 3, "three methods × three budgets");
  const band = improvement.data.values.find(
    (v: { series: string; x: number }) => v.series === "standard" && v.x === 0.1,
  );
  const row = summary.methods.standard?.budgets[1];
  assert.deepEqual(
    [band.lo, band.hi],
    [row?.intervals.meanImprovement.lo, row?.intervals.meanImprovement.hi],
  );
  // biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON.
  const difference = plots["risk-difference-vs-kl"] as any;
  const va = difference.data.values.find(
    (v: { series: string; x: number }) => v.series === "variance-aware − standard" && v.x === 0.1,
  );
  const paired = summary.differences["variance-aware"]?.budgets[1].promptRisk;
  assert.deepEqual([va.y, va.lo, va.hi], [paired?.estimate, paired?.lo, paired?.hi]);
  // biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON.
  const risk = plots["risk-vs-kl"] as any;
  assert.equal(risk.layer.at(-1).encoding.y.axis.format, "%");
  assert.equal(risk.layer.at(-1).encoding.y.scale.zero, true, "a risk axis starts at 0");
});
