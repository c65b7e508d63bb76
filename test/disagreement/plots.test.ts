import assert from "node:assert/strict";
import { test } from "node:test";
import type { TopLevelSpec } from "vega-lite";
import { disagreementPlots } from "../../src/disagreement/plots.js";
import { analyseDisagreement, type DisagreementMetrics } from "../../src/disagreement/stats.js";
import { compileCollectingWarnings, svgOf } from "../plots/compile.js";
import { tinyEnsemble } from "./fixture.js";

const { metrics } = analyseDisagreement(tinyEnsemble(), { examples: 2, seed: 3, resamples: 200 });

/** Compiles with vega-lite, failing on any warning, and renders headless to SVG. */
async function render(spec: TopLevelSpec): Promise<string> {
  const { compiled, warnings } = compileCollectingWarnings(spec);
  assert.deepEqual(warnings, []);
  return svgOf(compiled);
}

type Unit = { encoding?: Record<string, { title?: unknown } | undefined>; layer?: Unit[] };

/** Every x and y channel of every layer, which must carry an axis title. */
function positionChannels(spec: Unit): { title?: unknown }[] {
  const own = [spec.encoding?.x, spec.encoding?.y].filter((channel) => channel !== undefined);
  return [...own, ...(spec.layer ?? []).flatMap(positionChannels)];
}

test("every plot compiles without warnings, renders, and has a title and axis titles", async () => {
  const plots = disagreementPlots(metrics);
  assert.deepEqual(Object.keys(plots).sort(), [
    "accuracy-by-uncertainty",
    "example-scores",
    "margin-std",
    "member-accuracy",
    "pearson-heatmap",
  ]);
  for (const [name, spec] of Object.entries(plots)) {
    const svg = await render(spec);
    assert.match(svg, /^<svg/, name);
    const title = (spec as { title?: { text?: string } }).title?.text;
    assert.ok(title && svg.includes(title.slice(0, 20)), `${name}: title missing`);
    const channels = positionChannels(spec as Unit);
    assert.ok(channels.length > 0, name);
    for (const channel of channels)
      assert.equal(typeof channel.title, "string", `${name}: an axis has no title`);
  }
});

test("the plots carry the study's numbers", () => {
  // biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON.
  const plots = JSON.parse(JSON.stringify(disagreementPlots(metrics))) as Record<string, any>;
  // Figure 1: 3 members × 2 responses × (2 disputed + 2 random) pairs.
  const scores = plots["example-scores"].data.values;
  assert.equal(scores.length, 24);
  assert.deepEqual(scores[0], {
    group: "pair 1 (disputed)",
    value: 1,
    series: "chosen",
    offset: "0",
    details: { "Pair id": "p3", "Raw reward (logits)": 5 },
  });
  const cells = plots["pearson-heatmap"].data.values;
  assert.equal(cells.length, 9);
  assert.deepEqual(cells[1], { row: "0", column: "1", value: metrics.correlation.pearson.matrix[0][1] });
  assert.deepEqual(
    plots["accuracy-by-uncertainty"].data.values.map(
      (bar: { label: string; value: number; details: Record<string, number> }) => [
        bar.label,
        bar.value,
        bar.details["Smallest std (logits)"],
        bar.details["Largest std (logits)"],
        bar.details.Pairs,
      ],
    ),
    metrics.uncertaintyVsError.deciles.map((d) => [String(d.decile), d.accuracy, d.lo, d.hi, d.pairs]),
  );
  assert.deepEqual(plots["margin-std"].data.values, metrics.marginStd.histogram);
  const accuracy = plots["member-accuracy"];
  assert.deepEqual(
    accuracy.data.values.map((bar: { value: number }) => bar.value),
    metrics.accuracy.perMember,
  );
  assert.deepEqual(accuracy.layer.at(-1).data.values, [
    { label: "mean of members", value: metrics.accuracy.mean },
    { label: "ensemble-mean reward", value: metrics.accuracy.ensemble },
    { label: "chance", value: 0.5 },
  ]);
  // Error bars: each member's 95% interval.
  assert.deepEqual(
    accuracy.data.values.map((bar: { lo: number; hi: number }) => [bar.lo, bar.hi]),
    metrics.intervals.accuracyPerMember.map((i) => [i.lo, i.hi]),
  );
});

test("plots survive a JSON round trip that turns undefined statistics into null", async () => {
  const constant = tinyEnsemble();
  // A member that scores everything alike has undefined correlations (NaN, null in JSON).
  constant.chosen[2].fill(1);
  constant.rejected[2].fill(1);
  const reloaded = JSON.parse(
    JSON.stringify(analyseDisagreement(constant, { examples: 1, seed: 1, resamples: 200 }).metrics),
  ) as DisagreementMetrics;
  assert.equal(reloaded.correlation.pearson.matrix[0][2], null);
  const heatmap = disagreementPlots(reloaded)["pearson-heatmap"];
  assert.match(JSON.stringify(heatmap), /mean off-diagonal n\/a/);
  assert.match(await render(heatmap), /^<svg/);
});
