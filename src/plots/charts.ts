import type { TopLevelSpec } from "vega-lite";
import { dejaVuSansWidth } from "./text-width.js";

/** Chart builders: data in, vega-lite spec out, data inline. Axis titles carry their units, e.g. "KL(π‖π0) (nats)". */

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
/** Every plot's whole width, legend and axes included (render.ts fits the view into it), so that all plots scale alike in a report. */
const WIDTH = 640;
const HEIGHT = 300;
const BAR_COLOR = "#4c78a8";

type Cell = string | number | null;
type Row = Record<string, Cell | Record<string, Cell>>;

/** Labelled values of a datum that are not plotted but shown on hover, e.g. a raw score beside the centred one. */
export type Details = Record<string, string | number>;

/**
 * Horizontal reference lines (e.g. a closed form, a mean) on the value axis, dashed and named in a legend titled
 * `title`. Lines that each name a series take that series' colour (e.g. the exact value each series estimates).
 */
export interface References {
  title: string;
  lines: { label: string; value: number; series?: string }[];
}

// Dashed patterns only: a solid reference line would read as one of the plotted series.
const REFERENCE_DASHES = [
  [6, 4],
  [2, 3],
  [10, 3, 2, 3],
  [1, 6],
  [14, 6],
];

type TooltipField = { field: string; type: "nominal" | "quantitative"; title: string };

function required(text: string, what: string): string {
  if (text.trim() === "") throw new Error(`chart ${what} must not be empty`);
  return text;
}

/** JSON has no NaN or Infinity: non-finite numbers become null, which vega-lite leaves out of the plot. */
function finite(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Title block: the caller's subtitle, then notes such as how many points are not shown, so no omission is silent. */
function titleBlock(
  title: string,
  subtitle: string | undefined,
  notes: string[],
): { text: string; subtitle?: string[] } {
  const text = required(title, "title");
  const lines = [...(subtitle === undefined ? [] : [subtitle]), ...notes];
  return lines.length === 0 ? { text } : { text, subtitle: lines };
}

/**
 * Horizontal labels when they fit their band, else tilted, else vertical: tilted neighbours clear each other
 * when band·sin(30°) exceeds a line of text. Labels are 11 px DejaVu Sans (render.ts).
 */
function labelAngle(labels: string[], band: number): number {
  const longest = Math.max(0, ...labels.map((label) => dejaVuSansWidth(label, 11)));
  if (longest <= band * 0.9) return 0;
  return band >= 28 ? -30 : -90;
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

function omittedNote(count: number, why: string): string[] {
  return count === 0 ? [] : [`${count} ${count === 1 ? "point" : "points"} not shown (${why})`];
}

/** A datum's details as row fields; left out of rows that have none, so plain data stays plain. */
function detailCells(details: Details | undefined): { details?: Record<string, Cell> } {
  if (details === undefined) return {};
  const cells = Object.entries(details).map(([label, v]) => [label, typeof v === "number" ? finite(v) : v]);
  return { details: Object.fromEntries(cells) };
}

/** Hover text: the plotted fields under their axis or legend titles, then every label the data's details carry. */
function tooltip(plotted: TooltipField[], data: { details?: Details }[]): TooltipField[] {
  const numeric = new Map<string, boolean>();
  for (const d of data) {
    for (const [label, value] of Object.entries(d.details ?? {}))
      if (!numeric.has(label)) numeric.set(label, typeof value === "number");
  }
  // vega-lite reads "." and "[" in a field name as a path into the datum unless escaped.
  const details = [...numeric].map(([label, isNumber]) => ({
    field: `details.${label.replace(/[.[\]\\]/g, "\\$&")}`,
    type: isNumber ? ("quantitative" as const) : ("nominal" as const),
    title: label,
  }));
  return [...plotted, ...details];
}

/** The rule layer of `references`, on the caller's value axis; `series` is the colour scale of a chart's series. */
function referenceLayer(
  references: References | undefined,
  y: { title: string; scale: Record<string, unknown>; axis?: { format: string } },
  series?: { title: string; scale: { domain: string[] } },
) {
  if (references === undefined || references.lines.length === 0) return [];
  const named = references.lines.filter((line) => line.series !== undefined).length;
  if (named !== 0 && named !== references.lines.length)
    throw new Error("reference lines must all name a series, or none");
  if (named !== 0 && series === undefined)
    throw new Error("reference lines name a series the chart does not have");
  const title = required(references.title, "reference title");
  const values: Row[] = references.lines.map((line) => ({
    label: line.label,
    value: finite(line.value),
    ...(named > 0 ? { series: line.series ?? null } : {}),
  }));
  return [
    {
      data: { values },
      mark: { type: "rule" as const, strokeWidth: 2, ...(named > 0 ? {} : { color: "#555" }) },
      encoding: {
        y: { field: "value", type: "quantitative" as const, ...y },
        strokeDash: {
          field: "label",
          type: "nominal" as const,
          sort: null,
          title,
          scale: { range: REFERENCE_DASHES },
          // Symbols long enough to show a whole period of the longest dash pattern.
          legend: { symbolSize: 600, symbolStrokeWidth: 2 },
        },
        ...(named > 0 ? { color: { field: "series", type: "nominal" as const, ...series } } : {}),
        tooltip: [
          { field: "label", type: "nominal" as const, title },
          { field: "value", type: "quantitative" as const, title: y.title },
        ],
      },
    },
  ];
}

/** Figure-1 style: each series' (e.g. each reward model's) value per group (e.g. example pair), dodged in the band. */
export function stripPlot(options: {
  title: string;
  subtitle?: string;
  /** `offset` places points side by side within their group (e.g. one column per reward model). */
  data: { group: string; value: number; series?: string; offset?: string; details?: Details }[];
  xTitle: string;
  yTitle: string;
  seriesTitle?: string;
  offsetTitle?: string;
}): TopLevelSpec {
  const hasSeries = options.data.some((d) => d.series !== undefined);
  const hasOffset = options.data.some((d) => d.offset !== undefined);
  const offsetTitle = options.offsetTitle ?? "offset";
  const groups = distinct(options.data.map((d) => d.group));
  const values: Row[] = options.data.map((d) => ({
    group: d.group,
    value: finite(d.value),
    series: d.series ?? "",
    offset: d.offset ?? "",
    ...detailCells(d.details),
  }));
  const dropped = values.filter((d) => d.value === null).length;
  const xTitle = required(options.xTitle, "x title");
  const yTitle = required(options.yTitle, "y title");
  const seriesTitle = options.seriesTitle ?? "series";
  return {
    $schema: SCHEMA,
    title: titleBlock(options.title, options.subtitle, omittedNote(dropped, "not finite")),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: "point", filled: true, size: 70, opacity: 0.85 },
    encoding: {
      x: {
        field: "group",
        type: "nominal",
        sort: null,
        title: xTitle,
        // With series the groups are bands the points dodge within; a gap keeps neighbouring groups apart.
        ...(hasSeries || hasOffset ? { scale: { paddingInner: 0.3 } } : {}),
        axis: { labelAngle: labelAngle(groups, WIDTH / Math.max(1, groups.length)) },
      },
      y: { field: "value", type: "quantitative", title: yTitle, scale: { zero: false } },
      ...(hasSeries || hasOffset
        ? { xOffset: { field: hasOffset ? "offset" : "series", type: "nominal", sort: null } }
        : {}),
      ...(hasSeries ? { color: { field: "series", type: "nominal", sort: null, title: seriesTitle } } : {}),
      tooltip: tooltip(
        [
          { field: "group", type: "nominal", title: xTitle },
          ...(hasOffset ? [{ field: "offset", type: "nominal" as const, title: offsetTitle }] : []),
          ...(hasSeries ? [{ field: "series", type: "nominal" as const, title: seriesTitle }] : []),
          { field: "value", type: "quantitative", title: yTitle },
        ],
        options.data,
      ),
    },
  };
}

type HistogramOptions = {
  title: string;
  subtitle?: string;
  xTitle: string;
  yTitle?: string;
  seriesTitle?: string;
} & (
  | { data: { value: number; series?: string }[]; bins?: number }
  | { counts: { lo: number; hi: number; count: number }[] }
);

/**
 * Counts of values in bins (at most `bins`, on boundaries vega-lite picks), or `counts` binned already (e.g. read
 * back from metrics.json). With series, each series' bars are drawn over the others, translucent, not stacked.
 */
export function histogram(options: HistogramOptions): TopLevelSpec {
  const xTitle = required(options.xTitle, "x title");
  const yTitle = required(options.yTitle ?? "count", "y title");
  const bar = { type: "bar", stroke: "white", strokeWidth: 0.5, tooltip: true } as const;
  if ("counts" in options) {
    return {
      $schema: SCHEMA,
      title: titleBlock(options.title, options.subtitle, []),
      width: WIDTH,
      height: HEIGHT,
      data: { values: options.counts.map(({ lo, hi, count }) => ({ lo, hi, count })) },
      mark: { ...bar, color: BAR_COLOR },
      encoding: {
        x: { field: "lo", type: "quantitative", bin: { binned: true }, title: xTitle },
        x2: { field: "hi" },
        y: { field: "count", type: "quantitative", title: yTitle },
      },
    };
  }
  const hasSeries = options.data.some((d) => d.series !== undefined);
  const values = options.data
    .filter((d) => Number.isFinite(d.value))
    .map((d) => (hasSeries ? { value: d.value, series: d.series ?? "" } : { value: d.value }));
  return {
    $schema: SCHEMA,
    title: titleBlock(options.title, options.subtitle, [
      ...omittedNote(options.data.length - values.length, "not finite"),
      ...(hasSeries ? ["bars overlaid, not stacked"] : []),
    ]),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: hasSeries ? { ...bar, opacity: 0.6 } : { ...bar, color: BAR_COLOR },
    encoding: {
      x: { field: "value", type: "quantitative", bin: { maxbins: options.bins ?? 30 }, title: xTitle },
      y: {
        aggregate: "count",
        type: "quantitative",
        title: yTitle,
        ...(hasSeries ? { stack: null } : {}),
      },
      ...(hasSeries
        ? { color: { field: "series", type: "nominal", sort: null, title: options.seriesTitle ?? "series" } }
        : {}),
    },
  };
}

/**
 * A labelled square matrix (e.g. correlations between members) with each value printed in its cell. `diverging`
 * colours away from the middle of the domain both ways (e.g. correlations from −1 to 1).
 */
export function heatmap(options: {
  title: string;
  subtitle?: string;
  matrix: (number | null)[][];
  labels: string[];
  colorTitle: string;
  domain?: [number, number];
  diverging?: boolean;
  axisTitle?: string;
}): TopLevelSpec {
  const { matrix, labels } = options;
  if (matrix.length !== labels.length || matrix.some((row) => row.length !== labels.length)) {
    throw new Error(`heatmap needs a ${labels.length}x${labels.length} matrix to match its labels`);
  }
  const values: Row[] = matrix.flatMap((row, i) =>
    row.map((value, j) => ({ row: labels[i], column: labels[j], value: finite(value) })),
  );
  const present = values.map((d) => d.value).filter((v): v is number => v !== null);
  const [lo, hi] = options.domain ?? [Math.min(...present), Math.max(...present)];
  // Text turns white where the colour is dark: the upper half of a sequential scale, the far ends of a diverging one.
  const middle = (lo + hi) / 2;
  const dark = options.diverging
    ? `abs(datum.value - ${middle}) > ${0.6 * ((hi - lo) / 2)}`
    : `datum.value > ${middle}`;
  const cell = Math.max(28, Math.min(60, Math.floor(WIDTH / Math.max(1, labels.length))));
  const axisTitle = options.axisTitle ?? null;
  return {
    $schema: SCHEMA,
    title: titleBlock(options.title, options.subtitle, []),
    width: WIDTH,
    height: Math.min(HEIGHT + 60, cell * labels.length),
    data: { values },
    encoding: {
      x: {
        field: "column",
        type: "nominal",
        sort: labels,
        title: axisTitle,
        axis: { labelAngle: labelAngle(labels, cell) },
      },
      y: { field: "row", type: "nominal", sort: labels, title: axisTitle },
    },
    layer: [
      {
        mark: { type: "rect" },
        encoding: {
          color: {
            field: "value",
            type: "quantitative",
            title: required(options.colorTitle, "colour title"),
            scale: {
              scheme: options.diverging ? "redblue" : "blues",
              ...(options.domain ? { domain: options.domain, clamp: true } : {}),
            },
          },
        },
      },
      {
        transform: [
          {
            // Enough digits to tell apart the values the colour scale spans.
            calculate: `isValid(datum.value) ? format(datum.value, '${hi - lo < 0.1 ? ".3f" : ".2f"}') : 'n/a'`,
            as: "label",
          },
        ],
        mark: { type: "text", fontSize: cell < 40 ? 9 : 11 },
        encoding: {
          text: { field: "label", type: "nominal" },
          color: { condition: { test: `isValid(datum.value) && ${dark}`, value: "white" }, value: "black" },
        },
      },
    ],
  };
}

/**
 * Bars per label, with value ± error bars where errors are given, or lo to hi bars where an interval is
 * (`intervalNote` then says what it is, e.g. "error bars: 95% bootstrap interval"). `domain` fixes the value axis.
 */
export function barChart(options: {
  title: string;
  subtitle?: string;
  data: { label: string; value: number; error?: number; lo?: number; hi?: number; details?: Details }[];
  xTitle: string;
  yTitle: string;
  domain?: [number, number];
  references?: References;
  intervalNote?: string;
}): TopLevelSpec {
  const values: Row[] = options.data.map((d) => {
    const value = finite(d.value);
    const error = finite(d.error);
    const [lo, hi] = [finite(d.lo), finite(d.hi)];
    const interval = lo !== null && hi !== null;
    return {
      label: d.label,
      value,
      lo: interval ? lo : value !== null && error !== null ? value - error : null,
      hi: interval ? hi : value !== null && error !== null ? value + error : null,
      ...detailCells(d.details),
    };
  });
  const dropped = values.filter((d) => d.value === null).length;
  const hasErrors = values.some((d) => d.lo !== null);
  const labels = distinct(options.data.map((d) => d.label));
  const xTitle = required(options.xTitle, "x title");
  const x = {
    field: "label",
    type: "nominal",
    sort: null,
    title: xTitle,
    axis: { labelAngle: labelAngle(labels, WIDTH / Math.max(1, labels.length)) },
  } as const;
  const yTitle = required(options.yTitle, "y title");
  const scale = options.domain ? { domain: options.domain } : {};
  // Reference lines cross the bars, so the bars are lighter where there are any.
  const color = options.references?.lines.length ? "#9ecae1" : BAR_COLOR;
  return {
    $schema: SCHEMA,
    title: titleBlock(options.title, options.subtitle, [
      ...omittedNote(dropped, "not finite"),
      ...(hasErrors ? [options.intervalNote ?? "error bars: value ± error"] : []),
    ]),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [
      {
        mark: { type: "bar", color },
        encoding: {
          x,
          y: { field: "value", type: "quantitative", title: yTitle, scale },
          tooltip: tooltip(
            [
              { field: "label", type: "nominal", title: xTitle },
              { field: "value", type: "quantitative", title: yTitle },
            ],
            options.data,
          ),
        },
      },
      ...(hasErrors
        ? [
            {
              transform: [{ filter: "isValid(datum.lo)" }],
              mark: { type: "errorbar" as const, ticks: true, color: "black" },
              encoding: {
                x,
                y: { field: "lo", type: "quantitative" as const, title: yTitle, scale },
                y2: { field: "hi" },
              },
            },
          ]
        : []),
      ...referenceLayer(options.references, { title: yTitle, scale }),
    ],
  };
}

/**
 * A line per series, with lo to hi where given (e.g. mean ± std over trials) drawn as a shaded band or, with
 * `interval: "bars"`, as error bars (clearer for a few far-apart x). `yZero` keeps 0 on the value axis (e.g. for
 * a risk); `yFormat` is a d3 format for its labels (e.g. "%").
 */
export function lineChart(options: {
  title: string;
  subtitle?: string;
  data: { x: number; y: number; lo?: number; hi?: number; series: string; details?: Details }[];
  xTitle: string;
  yTitle: string;
  logX?: boolean;
  seriesTitle?: string;
  interval?: "band" | "bars";
  yZero?: boolean;
  yFormat?: string;
  references?: References;
}): TopLevelSpec {
  const logX = options.logX ?? false;
  const overlaps = coincidingSeries(options.data);
  const values: Row[] = options.data.map((d) => ({
    x: finite(d.x),
    y: finite(d.y),
    lo: finite(d.lo),
    hi: finite(d.hi),
    series: d.series,
    dash: overlaps.rank.get(d.series) ?? 0,
    ...detailCells(d.details),
  }));
  const notShown = values.filter((d) => d.x === null || d.y === null || (logX && (d.x as number) <= 0));
  const hasInterval = values.some((d) => d.lo !== null && d.hi !== null);
  const xTitle = required(options.xTitle, "x title");
  const x = {
    field: "x",
    type: "quantitative",
    title: xTitle,
    scale: logX ? { type: "log" as const, nice: false } : { zero: false },
  } as const;
  const yTitle = required(options.yTitle, "y title");
  const y = {
    type: "quantitative",
    title: yTitle,
    scale: { zero: options.yZero ?? false },
    ...(options.yFormat === undefined ? {} : { axis: { format: options.yFormat } }),
  } as const;
  const seriesTitle = options.seriesTitle ?? "series";
  // One explicit domain keeps band fills, line colours and reference lines matched whatever each layer holds.
  const scale = {
    domain: distinct([
      ...options.data.map((d) => d.series),
      ...(options.references?.lines ?? []).flatMap((line) => line.series ?? []),
    ]),
  };
  const color = { field: "series", type: "nominal", title: seriesTitle, scale } as const;
  const keep = logX
    ? "isValid(datum.x) && isValid(datum.y) && datum.x > 0"
    : "isValid(datum.x) && isValid(datum.y)";
  const interval = [{ filter: "isValid(datum.lo) && isValid(datum.hi)" }];
  const intervalLayer =
    options.interval === "bars"
      ? {
          transform: interval,
          mark: { type: "errorbar" as const, ticks: true },
          encoding: { x, y: { field: "lo", ...y }, y2: { field: "hi" }, color },
        }
      : {
          transform: interval,
          mark: { type: "area" as const, opacity: 0.2 },
          encoding: {
            x,
            y: { field: "lo", ...y },
            y2: { field: "hi" },
            // Fill, not colour, so the legend shows the lines: a faint band swatch is hard to match by eye.
            fill: { field: "series", type: "nominal" as const, scale, legend: null },
          },
        };
  return {
    $schema: SCHEMA,
    title: titleBlock(options.title, options.subtitle, [
      ...overlaps.notes,
      ...omittedNote(notShown.length, logX ? "not finite, or x ≤ 0 on the log axis" : "not finite"),
    ]),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    // Applies to the layers of these values only: the reference lines carry data of their own.
    transform: [{ filter: keep }],
    // Kept apart, the fill scale cannot merge its hidden legend into the lines' one (it would hide both),
    // nor the overlap dashes of the lines the dashes of the reference lines.
    resolve: {
      scale: { fill: "independent", strokeDash: "independent" },
      legend: { strokeDash: "independent" },
    },
    layer: [
      ...(hasInterval ? [intervalLayer] : []),
      {
        mark: { type: "line", point: true, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: "y", ...y },
          color,
          // A line on top of another is dashed, so the one under it shows through the gaps.
          strokeDash: {
            field: "dash",
            type: "ordinal",
            scale: { domain: OVERLAP_DASHES.map((_, i) => i), range: OVERLAP_DASHES },
            legend: null,
          },
          tooltip: tooltip(
            [
              { field: "series", type: "nominal", title: seriesTitle },
              { field: "x", type: "quantitative", title: xTitle },
              { field: "y", type: "quantitative", title: yTitle },
            ],
            options.data,
          ),
        },
      },
      ...referenceLayer(options.references, y, { title: seriesTitle, scale }),
    ],
  };
}

/** Dash patterns of lines that lie on an earlier one: solid first, then patterns whose gaps show what lies under. */
const OVERLAP_DASHES = [
  [1, 0],
  [8, 5],
  [3, 4],
  [12, 4, 2, 4],
  [2, 8],
];

/**
 * Series whose line lies on an earlier series' line (within 1% of the value range at every shared x): each
 * gets a dash rank (1, 2, ... among the series it coincides with) and a note naming what it hides behind.
 */
export function coincidingSeries(data: { x: number; y: number; series: string }[]): {
  rank: Map<string, number>;
  notes: string[];
} {
  const bySeries = new Map<string, Map<number, number>>();
  for (const d of data) {
    if (!Number.isFinite(d.x) || !Number.isFinite(d.y)) continue;
    if (!bySeries.has(d.series)) bySeries.set(d.series, new Map());
    bySeries.get(d.series)?.set(d.x, d.y);
  }
  const ys = data.map((d) => d.y).filter(Number.isFinite);
  const tolerance = 0.01 * (Math.max(...ys) - Math.min(...ys)) + 1e-12;
  const names = [...bySeries.keys()];
  const rank = new Map<string, number>();
  const under = new Map<string, string[]>();
  names.forEach((name, i) => {
    const points = bySeries.get(name) as Map<number, number>;
    const base = names.slice(0, i).find((earlier) => {
      if (rank.has(earlier)) return false;
      const other = bySeries.get(earlier) as Map<number, number>;
      const shared = [...points.keys()].filter((x) => other.has(x));
      return (
        shared.length === points.size &&
        shared.length > 0 &&
        shared.every((x) => Math.abs((points.get(x) as number) - (other.get(x) as number)) <= tolerance)
      );
    });
    if (base === undefined) return;
    const list = [...(under.get(base) ?? []), name];
    under.set(base, list);
    rank.set(name, Math.min(list.length, OVERLAP_DASHES.length - 1));
  });
  const notes = [...under].map(
    ([base, hidden]) => `${hidden.join(", ")} ${hidden.length === 1 ? "lies" : "lie"} on ${base} (dashed)`,
  );
  return { rank, notes };
}

/**
 * Points coloured by series; with `diagonal`, a dashed y = x line across the shared range (e.g. proxy vs true).
 * A datum's `size` (e.g. its KL budget) sets its point's size by rank, larger values larger points.
 */
export function scatter(options: {
  title: string;
  subtitle?: string;
  data: { x: number; y: number; series: string; size?: number; details?: Details }[];
  xTitle: string;
  yTitle: string;
  diagonal?: boolean;
  seriesTitle?: string;
  sizeTitle?: string;
}): TopLevelSpec {
  const hasSize = options.data.some((d) => d.size !== undefined);
  const values: Row[] = options.data.map((d) => ({
    x: finite(d.x),
    y: finite(d.y),
    series: d.series,
    ...(hasSize ? { size: finite(d.size) } : {}),
    ...detailCells(d.details),
  }));
  const shown = values.filter((d) => d.x !== null && d.y !== null);
  const xTitle = required(options.xTitle, "x title");
  const yTitle = required(options.yTitle, "y title");
  const seriesTitle = options.seriesTitle ?? "series";
  const sizeTitle = options.sizeTitle ?? "size";
  const x = { field: "x", type: "quantitative", title: xTitle, scale: { zero: false } } as const;
  const y = { field: "y", type: "quantitative", title: yTitle, scale: { zero: false } } as const;
  const ends = shown.flatMap((d) => [d.x as number, d.y as number]);
  const diagonal = options.diagonal === true && ends.length > 0;
  const line = diagonal ? [Math.min(...ends), Math.max(...ends)].map((v) => ({ x: v, y: v })) : [];
  return {
    $schema: SCHEMA,
    title: titleBlock(options.title, options.subtitle, [
      ...omittedNote(values.length - shown.length, "not finite"),
      ...(diagonal ? ["dashed line: y = x"] : []),
    ]),
    width: WIDTH,
    height: HEIGHT,
    layer: [
      ...(diagonal
        ? [
            {
              data: { values: line },
              mark: { type: "line" as const, color: "#888", strokeDash: [6, 4], strokeWidth: 1.5 },
              encoding: { x, y },
            },
          ]
        : []),
      {
        data: { values: shown },
        mark: { type: "point", filled: true, size: 50, opacity: 0.75 },
        encoding: {
          x,
          y,
          color: { field: "series", type: "nominal", sort: null, title: seriesTitle },
          // Ordinal so every size is told apart; the range keeps the smallest point easy to see.
          ...(hasSize
            ? { size: { field: "size", type: "ordinal", title: sizeTitle, scale: { range: [30, 220] } } }
            : {}),
          tooltip: tooltip(
            [
              { field: "series", type: "nominal", title: seriesTitle },
              { field: "x", type: "quantitative", title: xTitle },
              { field: "y", type: "quantitative", title: yTitle },
              ...(hasSize ? [{ field: "size", type: "quantitative" as const, title: sizeTitle }] : []),
            ],
            options.data,
          ),
        },
      },
    ],
  };
}
