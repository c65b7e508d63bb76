import assert from "node:assert/strict";
import { test } from "node:test";
import { logger, Warn } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { barChart, heatmap, histogram, lineWithBand, scatter, stripPlot } from "../../src/plots/charts.js";
import { renderVegaLite, withPlotConfig } from "../../src/plots/render.js";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** vega-lite warnings (e.g. a dropped encoding) mean a builder produced a spec that does not say what it means. */
function compileWarnings(spec: TopLevelSpec): string[] {
  const warnings: string[] = [];
  const log = logger(Warn);
  log.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
    return log;
  };
  compile(withPlotConfig(spec), { logger: log });
  return warnings;
}

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON.
const json = (spec: TopLevelSpec): any => JSON.parse(JSON.stringify(spec));

const cases: { name: string; spec: TopLevelSpec; texts: string[] }[] = [
  {
    name: "stripPlot",
    spec: stripPlot({
      title: "Member scores per pair",
      data: ["pair 1", "pair 2"].flatMap((group, g) =>
        ["rm 0", "rm 1", "rm 2"].map((series, m) => ({ group, series, value: g - m * 0.5 })),
      ),
      xTitle: "example pair",
      yTitle: "reward (centred)",
      seriesTitle: "reward model",
    }),
    texts: ["Member scores per pair", "example pair", "reward (centred)", "reward model", "rm 2"],
  },
  {
    name: "histogram",
    spec: histogram({
      title: "Margin spread",
      values: Array.from({ length: 200 }, (_, i) => Math.sin(i) ** 2),
      xTitle: "std of margins (reward units)",
    }),
    texts: ["Margin spread", "std of margins (reward units)", "count"],
  },
  {
    name: "heatmap",
    spec: heatmap({
      title: "Pearson between members",
      matrix: [
        [1, 0.25],
        [0.25, 1],
      ],
      labels: ["rm 0", "rm 1"],
      colorTitle: "Pearson r",
      domain: [0, 1],
      axisTitle: "member",
    }),
    texts: ["Pearson between members", "Pearson r", "member", "0.25", "1.00"],
  },
  {
    name: "barChart",
    spec: barChart({
      title: "Accuracy per member",
      data: [
        { label: "rm 0", value: 0.7, error: 0.05 },
        { label: "rm 1", value: 0.65, error: 0.04 },
      ],
      xTitle: "member",
      yTitle: "accuracy (fraction)",
      domain: [0, 1],
    }),
    texts: ["Accuracy per member", "member", "accuracy (fraction)", "error bars: value ± error"],
  },
  {
    name: "lineWithBand",
    spec: lineWithBand({
      title: "Improvement against KL",
      data: ["standard", "variance-aware"].flatMap((series, s) =>
        [0.01, 0.1, 1].map((x) => ({ x, y: x * (s + 1), lo: x * s, hi: x * (s + 2), series })),
      ),
      xTitle: "KL(π‖π0) (nats)",
      yTitle: "Δ true reward",
      logX: true,
      seriesTitle: "method",
    }),
    texts: ["Improvement against KL", "KL(π‖π0) (nats)", "Δ true reward", "method", "variance-aware"],
  },
  {
    name: "scatter",
    spec: scatter({
      title: "Proxy against true",
      data: [
        { x: 0, y: 0.1, series: "a" },
        { x: 1, y: 1.4, series: "b" },
      ],
      xTitle: "true reward",
      yTitle: "proxy reward",
      diagonal: true,
    }),
    texts: ["Proxy against true", "true reward", "proxy reward", "dashed line: y = x"],
  },
];

for (const { name, spec, texts } of cases) {
  test(`${name}: a spec with inline data that compiles cleanly and renders its titles`, async () => {
    assert.deepEqual(compileWarnings(spec), []);
    const plain = json(spec);
    assert.equal(plain.width, name === "heatmap" ? 120 : 480, "heatmap cells are at most 60 px");
    assert.doesNotMatch(JSON.stringify(plain), /"url"/);
    const { svg, png } = await renderVegaLite(spec);
    for (const text of texts) assert.ok(svg.includes(text), `${name}: SVG lacks "${text}"`);
    assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
    assert.ok(png.length > 10_000, `${name}: PNG is only ${png.length} bytes`);
  });
}

test("builders refuse an empty title or axis title", () => {
  assert.throws(() => histogram({ title: " ", values: [1], xTitle: "x" }), /title must not be empty/);
  assert.throws(
    () => scatter({ title: "t", data: [], xTitle: "", yTitle: "y" }),
    /x title must not be empty/,
  );
  assert.throws(
    () => heatmap({ title: "t", matrix: [[1]], labels: ["a"], colorTitle: "" }),
    /colour title must not be empty/,
  );
});

test("stripPlot colours and dodges by series only when there are series", () => {
  const spec = stripPlot({ title: "t", data: [{ group: "g", value: 1 }], xTitle: "x", yTitle: "y" });
  assert.deepEqual(compileWarnings(spec), []);
  const withSeries = json(
    stripPlot({ title: "t", data: [{ group: "g", value: 1, series: "m" }], xTitle: "x", yTitle: "y" }),
  );
  assert.equal(withSeries.encoding.color.field, "series");
  assert.equal(withSeries.encoding.xOffset.field, "series");
  const plain = json(spec);
  assert.equal(plain.encoding.color, undefined);
  assert.equal(plain.encoding.xOffset, undefined);
});

test("histogram leaves out non-finite values and says how many", () => {
  const spec = json(histogram({ title: "t", values: [1, Number.NaN, 2, Infinity], xTitle: "x", bins: 5 }));
  assert.deepEqual(spec.data.values, [{ value: 1 }, { value: 2 }]);
  assert.deepEqual(spec.title.subtitle, ["2 points not shown (not finite)"]);
  assert.equal(spec.encoding.x.bin.maxbins, 5);
});

test("heatmap checks the matrix shape and prints n/a for a missing value", async () => {
  assert.throws(
    () => heatmap({ title: "t", matrix: [[1, 2]], labels: ["a", "b"], colorTitle: "c" }),
    /2x2 matrix/,
  );
  const spec = heatmap({
    title: "t",
    matrix: [
      [1, Number.NaN],
      [0.5, 1],
    ],
    labels: ["a", "b"],
    colorTitle: "c",
  });
  assert.equal(json(spec).data.values[1].value, null);
  const { svg } = await renderVegaLite(spec);
  assert.ok(svg.includes("n/a"));
  assert.ok(svg.includes("0.50"));
});

test("barChart draws error bars from value ± error, and none without errors", () => {
  const spec = json(
    barChart({ title: "t", data: [{ label: "a", value: 0.5, error: 0.1 }], xTitle: "x", yTitle: "y" }),
  );
  assert.equal(spec.layer.length, 2);
  assert.equal(spec.layer[1].mark.type, "errorbar");
  assert.ok(Math.abs(spec.data.values[0].lo - 0.4) < 1e-12);
  assert.ok(Math.abs(spec.data.values[0].hi - 0.6) < 1e-12);
  const bare = json(barChart({ title: "t", data: [{ label: "a", value: 0.5 }], xTitle: "x", yTitle: "y" }));
  assert.equal(bare.layer.length, 1);
  assert.equal(bare.title.subtitle, undefined);
});

test("lineWithBand: log x axis, points at x <= 0 counted as not shown, band only where given", () => {
  const spec = json(
    lineWithBand({
      title: "t",
      data: [
        { x: 0, y: 0, series: "a" },
        { x: 1, y: 1, series: "a" },
        { x: 2, y: 2, series: "a" },
      ],
      xTitle: "x",
      yTitle: "y",
      logX: true,
    }),
  );
  assert.equal(spec.layer.length, 1, "no band layer without lo and hi");
  assert.equal(spec.layer[0].encoding.x.scale.type, "log");
  assert.deepEqual(spec.title.subtitle, ["1 point not shown (not finite, or x ≤ 0 on the log axis)"]);
  assert.match(spec.transform[0].filter, /datum\.x > 0/);
});

test("scatter's y = x line spans the range of both axes", () => {
  const spec = json(
    scatter({
      title: "t",
      data: [
        { x: -1, y: 3, series: "a" },
        { x: 2, y: 0.5, series: "a" },
      ],
      xTitle: "x",
      yTitle: "y",
      diagonal: true,
    }),
  );
  assert.deepEqual(spec.layer[0].data.values, [
    { x: -1, y: -1 },
    { x: 3, y: 3 },
  ]);
  const plain = json(scatter({ title: "t", data: [{ x: 1, y: 1, series: "a" }], xTitle: "x", yTitle: "y" }));
  assert.equal(plain.layer.length, 1);
});
