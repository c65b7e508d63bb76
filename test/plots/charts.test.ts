import assert from "node:assert/strict";
import { test } from "node:test";
import type { TopLevelSpec } from "vega-lite";
import {
  barChart,
  coincidingSeries,
  heatmap,
  histogram,
  lineChart,
  scatter,
  stripPlot,
} from "../../src/plots/charts.js";
import { renderVegaLite, withPlotConfig } from "../../src/plots/render.js";
import { compileCollectingWarnings } from "./compile.js";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function compileWarnings(spec: TopLevelSpec): string[] {
  return compileCollectingWarnings(withPlotConfig(spec)).warnings;
}

// biome-ignore lint/suspicious/noExplicitAny: specs are inspected as plain JSON.
const json = (spec: TopLevelSpec): any => JSON.parse(JSON.stringify(spec));

const cases: { name: string; spec: TopLevelSpec; texts: string[]; width?: number }[] = [
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
      data: Array.from({ length: 200 }, (_, i) => ({ value: Math.sin(i) ** 2 })),
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
    name: "lineChart",
    spec: lineChart({
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
  {
    name: "stripPlot with a subtitle and details",
    spec: stripPlot({
      title: "Scores per pair",
      subtitle: "centred per prompt",
      data: [{ group: "p1", value: 0.2, series: "chosen", details: { "Raw reward (logits)": 3 } }],
      xTitle: "pair",
      yTitle: "reward (logits)",
    }),
    texts: ["Scores per pair", "centred per prompt", "pair", "reward (logits)"],
  },
  {
    name: "histogram of counts binned already",
    spec: histogram({
      title: "Spread per pair",
      subtitle: "48 pairs",
      counts: [
        { lo: 0, hi: 0.1, count: 3 },
        { lo: 0.1, hi: 0.2, count: 5 },
      ],
      xTitle: "std (logits)",
      yTitle: "pairs (count)",
    }),
    texts: ["Spread per pair", "48 pairs", "std (logits)", "pairs (count)"],
  },
  {
    name: "histogram with series",
    spec: histogram({
      title: "Improvement per trial",
      data: ["standard", "variance-aware"].flatMap((series, s) =>
        Array.from({ length: 20 }, (_, i) => ({ series, value: Math.sin(i + s) })),
      ),
      xTitle: "Δ (reward units)",
      seriesTitle: "method",
    }),
    texts: ["Improvement per trial", "bars overlaid, not stacked", "method", "variance-aware"],
  },
  {
    name: "diverging heatmap",
    spec: heatmap({
      title: "Correlation",
      subtitle: "mean 0.1",
      matrix: [
        [1, -0.8, 0.1],
        [-0.8, 1, 0.3],
        [0.1, 0.3, 1],
      ],
      labels: ["0", "1", "2"],
      colorTitle: "Pearson r",
      domain: [-1, 1],
      diverging: true,
      axisTitle: "member",
    }),
    texts: ["Correlation", "mean 0.1", "−0.80", "member"],
  },
  {
    name: "barChart with reference lines",
    spec: barChart({
      title: "Accuracy per member",
      data: [
        { label: "0", value: 0.6, details: { pairs: 40 } },
        { label: "1", value: 0.7, details: { pairs: 40 } },
      ],
      xTitle: "member",
      yTitle: "accuracy (fraction)",
      domain: [0, 1],
      references: {
        title: "line",
        lines: [
          { label: "mean of members", value: 0.65 },
          { label: "ensemble", value: 0.72 },
        ],
      },
    }),
    texts: ["Accuracy per member", "accuracy (fraction)", "line", "mean of members", "ensemble"],
  },
  {
    name: "lineChart with error bars, a percent axis and series-coloured references",
    spec: lineChart({
      title: "Risk against N",
      data: ["ε = 0.01", "ε = 0.1"].flatMap((series, s) =>
        [2, 5, 10].map((x) => ({ x, y: 0.02 + s / 100, lo: 0.01, hi: 0.04, series })),
      ),
      xTitle: "members (count)",
      yTitle: "risk (% of draws)",
      logX: true,
      interval: "bars",
      yZero: true,
      yFormat: "%",
      seriesTitle: "budget (nats)",
      references: {
        title: "reference",
        lines: [
          { label: "Σ known", value: 0.015, series: "ε = 0.01" },
          { label: "Σ known", value: 0.025, series: "ε = 0.1" },
        ],
      },
    }),
    texts: ["Risk against N", "risk (% of draws)", "0.0%", "budget (nats)", "Σ known"],
  },
  {
    name: "scatter with sizes",
    spec: scatter({
      title: "Proxy against true per budget",
      data: [
        { x: 0, y: 0.1, series: "a", size: 0.1, details: { trial: 1 } },
        { x: 1, y: 1.4, series: "b", size: 0.5, details: { trial: 2 } },
      ],
      xTitle: "true reward",
      yTitle: "proxy reward",
      sizeTitle: "KL budget (nats)",
    }),
    texts: ["Proxy against true per budget", "KL budget (nats)", "0.5"],
  },
];

for (const { name, spec, texts } of cases) {
  test(`${name}: a spec with inline data that compiles cleanly and renders its titles`, async () => {
    assert.deepEqual(compileWarnings(spec), []);
    const plain = json(spec);
    assert.equal(plain.width, 640, "one width for every plot, legend and axes included (autosize fit-x)");
    assert.doesNotMatch(JSON.stringify(plain), /"url"/);
    const { svg, png } = await renderVegaLite(spec);
    for (const text of texts) assert.ok(svg.includes(text), `${name}: SVG lacks "${text}"`);
    assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
    assert.ok(png.length > 10_000, `${name}: PNG is only ${png.length} bytes`);
  });
}

test("builders refuse an empty title or axis title", () => {
  assert.throws(
    () => histogram({ title: " ", data: [{ value: 1 }], xTitle: "x" }),
    /title must not be empty/,
  );
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
  const data = [1, Number.NaN, 2, Infinity].map((value) => ({ value }));
  const spec = json(histogram({ title: "t", data, xTitle: "x", bins: 5 }));
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

test("lineChart: log x axis, points at x <= 0 counted as not shown, band only where given", () => {
  const spec = json(
    lineChart({
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

test("a subtitle comes first, then the builder's notes", () => {
  const spec = json(
    histogram({ title: "t", subtitle: "48 pairs", data: [{ value: 1 }, { value: Number.NaN }], xTitle: "x" }),
  );
  assert.deepEqual(spec.title.subtitle, ["48 pairs", "1 point not shown (not finite)"]);
});

test("details reach the tooltip under their labels, even labels vega-lite would read as a path", () => {
  const spec = stripPlot({
    title: "t",
    data: [
      { group: "g", value: 1, series: "chosen", details: { member: 0, "p.value": 0.5 } },
      { group: "g", value: 2, series: "rejected" },
    ],
    xTitle: "x",
    yTitle: "y",
  });
  const plain = json(spec);
  assert.deepEqual(plain.data.values[0].details, { member: 0, "p.value": 0.5 });
  assert.equal(plain.data.values[1].details, undefined, "a datum without details has none");
  const fields = plain.encoding.tooltip.map((t: { field: string; title: string }) => [t.field, t.title]);
  assert.deepEqual(fields.slice(-2), [
    ["details.member", "member"],
    ["details.p\\.value", "p.value"],
  ]);
  assert.deepEqual(compileWarnings(spec), []);
  assert.match(
    JSON.stringify(compileCollectingWarnings(spec).compiled),
    /datum\[\\"details\\"\]\[\\"p\.value\\"\]/,
  );
});

test("reference lines are dashed, grey unless each names a series, whose colour it then takes", () => {
  const lines = [
    { label: "a", value: 0.2 },
    { label: "b", value: 0.4 },
  ];
  const bars = json(
    barChart({
      title: "t",
      data: [{ label: "m", value: 0.3 }],
      xTitle: "x",
      yTitle: "y",
      references: { title: "line", lines },
    }),
  );
  const rule = bars.layer.at(-1);
  assert.equal(rule.mark.type, "rule");
  assert.equal(rule.mark.color, "#555");
  assert.equal(rule.encoding.color, undefined);
  assert.ok(
    rule.encoding.strokeDash.scale.range.every((dash: number[]) => dash.length > 1 && dash[1] > 0),
    "no solid pattern",
  );
  assert.deepEqual(rule.data.values, [
    { label: "a", value: 0.2 },
    { label: "b", value: 0.4 },
  ]);
  const line = (series?: string) =>
    lineChart({
      title: "t",
      data: [{ x: 1, y: 1, series: "s" }],
      xTitle: "x",
      yTitle: "y",
      references: { title: "ref", lines: [{ label: "known", value: 1, series }] },
    });
  const coloured = json(line("r")).layer.at(-1);
  assert.equal(coloured.mark.color, undefined);
  assert.equal(coloured.encoding.color.field, "series");
  assert.deepEqual(
    coloured.encoding.color.scale.domain,
    ["s", "r"],
    "one colour domain for lines and references",
  );
  assert.throws(
    () =>
      lineChart({
        title: "t",
        data: [{ x: 1, y: 1, series: "s" }],
        xTitle: "x",
        yTitle: "y",
        references: { title: "ref", lines: [{ label: "a", value: 1, series: "s" }, ...lines] },
      }),
    /all name a series, or none/,
  );
  assert.throws(
    () =>
      barChart({
        title: "t",
        data: [{ label: "m", value: 0.3 }],
        xTitle: "x",
        yTitle: "y",
        references: { title: "line", lines: [{ label: "a", value: 1, series: "s" }] },
      }),
    /series the chart does not have/,
  );
});

test("histogram: counts binned already are drawn as they are; series overlay, not stack", () => {
  const counts = [
    { lo: 0, hi: 1, count: 2 },
    { lo: 1, hi: 2, count: 0 },
  ];
  const binned = json(histogram({ title: "t", counts, xTitle: "x" }));
  assert.deepEqual(binned.data.values, counts);
  assert.deepEqual(binned.encoding.x.bin, { binned: true });
  assert.equal(binned.encoding.x2.field, "hi");
  const overlaid = json(
    histogram({
      title: "t",
      data: [
        { value: 1, series: "a" },
        { value: 2, series: "b" },
      ],
      xTitle: "x",
    }),
  );
  assert.equal(overlaid.encoding.y.stack, null);
  assert.equal(overlaid.encoding.color.field, "series");
  assert.deepEqual(overlaid.title.subtitle, ["bars overlaid, not stacked"]);
});

test("a diverging heatmap turns its text white at both dark ends", () => {
  const spec = json(
    heatmap({
      title: "t",
      matrix: [
        [1, -0.9],
        [-0.9, 1],
      ],
      labels: ["a", "b"],
      colorTitle: "r",
      domain: [-1, 1],
      diverging: true,
    }),
  );
  assert.equal(spec.layer[0].encoding.color.scale.scheme, "redblue");
  assert.match(spec.layer[1].encoding.color.condition.test, /abs\(datum\.value - 0\) > 0\.6/);
});

test("lineChart: error bars instead of a band, and every value axis shares zero and format", () => {
  const spec = json(
    lineChart({
      title: "t",
      data: [{ x: 1, y: 0.5, lo: 0.4, hi: 0.6, series: "a" }],
      xTitle: "x",
      yTitle: "y",
      interval: "bars",
      yZero: true,
      yFormat: "%",
      references: { title: "ref", lines: [{ label: "r", value: 0.3 }] },
    }),
  );
  assert.deepEqual(
    spec.layer.map((layer: { mark: { type: string } }) => layer.mark.type),
    ["errorbar", "line", "rule"],
  );
  for (const layer of spec.layer) {
    assert.equal(layer.encoding.y.scale.zero, true);
    assert.equal(layer.encoding.y.axis.format, "%");
  }
});

test("scatter sizes points by rank only when sizes are given", () => {
  const sized = json(
    scatter({ title: "t", data: [{ x: 1, y: 1, series: "a", size: 0.5 }], xTitle: "x", yTitle: "y" }),
  );
  const points = sized.layer.at(-1);
  assert.equal(points.encoding.size.type, "ordinal");
  assert.equal(points.data.values[0].size, 0.5);
  const plain = json(scatter({ title: "t", data: [{ x: 1, y: 1, series: "a" }], xTitle: "x", yTitle: "y" }));
  assert.equal(plain.layer.at(-1).encoding.size, undefined);
});

test("a line lying on an earlier one is dashed and named in the subtitle", () => {
  const data = [0.1, 1].flatMap((x) => [
    { series: "a", x, y: x },
    { series: "b", x, y: x + 1e-6 },
    { series: "c", x, y: 2 * x + 1 },
  ]);
  const spec = json(lineChart({ title: "t", data, xTitle: "x", yTitle: "y" }));
  assert.deepEqual(spec.title.subtitle, ["b lies on a (dashed)"]);
  const dash = Object.fromEntries(
    spec.data.values.map((v: { series: string; dash: number }) => [v.series, v.dash]),
  );
  assert.deepEqual(dash, { a: 0, b: 1, c: 0 });
  assert.deepEqual(compileWarnings(lineChart({ title: "t", data, xTitle: "x", yTitle: "y" })), []);
  assert.deepEqual(
    coincidingSeries(data.filter((d) => d.series !== "b")).notes,
    [],
    "apart lines are not flagged",
  );
});
