import type { TopLevelSpec } from "vega-lite";
import { dejaVuSansWidth } from "./text-width.js";

/** Chart builders: data in, vega-lite spec out, data inline. Axis titles carry their units, e.g. "KL(π‖π0) (nats)". */

const WIDTH = 480;
const HEIGHT = 300;

type Row = Record<string, string | number | null>;

function required(text: string, what: string): string {
  if (text.trim() === "") throw new Error(`chart ${what} must not be empty`);
  return text;
}

/** JSON has no NaN or Infinity: non-finite numbers become null, which vega-lite leaves out of the plot. */
function finite(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/** Title block; the subtitle says how many points are not shown, so an omission is never silent. */
function titleBlock(title: string, notes: string[]): { text: string; subtitle?: string[] } {
  const text = required(title, "title");
  return notes.length === 0 ? { text } : { text, subtitle: notes };
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

/** Figure-1 style: each series' (e.g. each reward model's) value per group (e.g. example pair), dodged in the band. */
export function stripPlot(options: {
  title: string;
  data: { group: string; value: number; series?: string }[];
  xTitle: string;
  yTitle: string;
  seriesTitle?: string;
}): TopLevelSpec {
  const hasSeries = options.data.some((d) => d.series !== undefined);
  const groups = distinct(options.data.map((d) => d.group));
  const values: Row[] = options.data.map((d) => ({
    group: d.group,
    value: finite(d.value),
    series: d.series ?? "",
  }));
  const dropped = values.filter((d) => d.value === null).length;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: titleBlock(options.title, omittedNote(dropped, "not finite")),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: "point", filled: true, size: 70, opacity: 0.85 },
    encoding: {
      x: {
        field: "group",
        type: "nominal",
        sort: null,
        title: required(options.xTitle, "x title"),
        // With series the groups are bands the points dodge within; a gap keeps neighbouring groups apart.
        ...(hasSeries ? { scale: { paddingInner: 0.3 } } : {}),
        axis: { labelAngle: labelAngle(groups, WIDTH / Math.max(1, groups.length)) },
      },
      y: {
        field: "value",
        type: "quantitative",
        title: required(options.yTitle, "y title"),
        scale: { zero: false },
      },
      ...(hasSeries
        ? {
            xOffset: { field: "series", type: "nominal", sort: null },
            color: { field: "series", type: "nominal", sort: null, title: options.seriesTitle ?? "series" },
          }
        : {}),
    },
  };
}

/** Counts of values in bins; `bins` is the largest number of bins (vega-lite picks nice boundaries). */
export function histogram(options: {
  title: string;
  values: number[];
  xTitle: string;
  yTitle?: string;
  bins?: number;
}): TopLevelSpec {
  const values = options.values.filter(Number.isFinite).map((value) => ({ value }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: titleBlock(options.title, omittedNote(options.values.length - values.length, "not finite")),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: "bar", color: "#4c78a8", stroke: "white", strokeWidth: 0.5 },
    encoding: {
      x: {
        field: "value",
        type: "quantitative",
        bin: { maxbins: options.bins ?? 30 },
        title: required(options.xTitle, "x title"),
      },
      y: { aggregate: "count", type: "quantitative", title: required(options.yTitle ?? "count", "y title") },
    },
  };
}

/** A labelled square matrix (e.g. correlations between members) with each value printed in its cell. */
export function heatmap(options: {
  title: string;
  matrix: number[][];
  labels: string[];
  colorTitle: string;
  domain?: [number, number];
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
  // Text turns white on the darker half of the colour scale so it stays legible.
  const middle = (lo + hi) / 2;
  const cell = Math.max(28, Math.min(60, Math.floor(WIDTH / Math.max(1, labels.length))));
  const axisTitle = options.axisTitle ?? null;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: titleBlock(options.title, []),
    width: cell * labels.length,
    height: cell * labels.length,
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
            scale: { scheme: "blues", ...(options.domain ? { domain: options.domain } : {}) },
          },
        },
      },
      {
        transform: [{ calculate: "isValid(datum.value) ? format(datum.value, '.2f') : 'n/a'", as: "label" }],
        mark: { type: "text", fontSize: cell < 40 ? 9 : 11 },
        encoding: {
          text: { field: "label", type: "nominal" },
          color: {
            condition: { test: `isValid(datum.value) && datum.value > ${middle}`, value: "white" },
            value: "black",
          },
        },
      },
    ],
  };
}

/** Bars per label, with value ± error bars where errors are given. `domain` fixes the value axis. */
export function barChart(options: {
  title: string;
  data: { label: string; value: number; error?: number }[];
  xTitle: string;
  yTitle: string;
  domain?: [number, number];
}): TopLevelSpec {
  const values: Row[] = options.data.map((d) => {
    const value = finite(d.value);
    const error = finite(d.error);
    return {
      label: d.label,
      value,
      lo: value !== null && error !== null ? value - error : null,
      hi: value !== null && error !== null ? value + error : null,
    };
  });
  const dropped = values.filter((d) => d.value === null).length;
  const hasErrors = values.some((d) => d.lo !== null);
  const labels = distinct(options.data.map((d) => d.label));
  const x = {
    field: "label",
    type: "nominal",
    sort: null,
    title: required(options.xTitle, "x title"),
    axis: { labelAngle: labelAngle(labels, WIDTH / Math.max(1, labels.length)) },
  } as const;
  const yTitle = required(options.yTitle, "y title");
  const scale = options.domain ? { domain: options.domain } : {};
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: titleBlock(options.title, [
      ...omittedNote(dropped, "not finite"),
      ...(hasErrors ? ["error bars: value ± error"] : []),
    ]),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [
      {
        mark: { type: "bar", color: "#4c78a8" },
        encoding: { x, y: { field: "value", type: "quantitative", title: yTitle, scale } },
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
    ],
  };
}

/** A line per series, with a shaded band from lo to hi where given (e.g. mean ± std over trials). */
export function lineWithBand(options: {
  title: string;
  data: { x: number; y: number; lo?: number; hi?: number; series: string }[];
  xTitle: string;
  yTitle: string;
  logX?: boolean;
  seriesTitle?: string;
}): TopLevelSpec {
  const logX = options.logX ?? false;
  const values: Row[] = options.data.map((d) => ({
    x: finite(d.x),
    y: finite(d.y),
    lo: finite(d.lo),
    hi: finite(d.hi),
    series: d.series,
  }));
  const notShown = values.filter((d) => d.x === null || d.y === null || (logX && (d.x as number) <= 0));
  const hasBand = values.some((d) => d.lo !== null && d.hi !== null);
  const x = {
    field: "x",
    type: "quantitative",
    title: required(options.xTitle, "x title"),
    scale: logX ? { type: "log" as const, nice: false } : { zero: false },
  } as const;
  const yTitle = required(options.yTitle, "y title");
  // One explicit domain keeps band fills and line colours matched even when some series have no band.
  const scale = { domain: distinct(options.data.map((d) => d.series)) };
  const color = { field: "series", type: "nominal", title: options.seriesTitle ?? "series", scale } as const;
  const keep = logX
    ? "isValid(datum.x) && isValid(datum.y) && datum.x > 0"
    : "isValid(datum.x) && isValid(datum.y)";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: titleBlock(
      options.title,
      omittedNote(notShown.length, logX ? "not finite, or x ≤ 0 on the log axis" : "not finite"),
    ),
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    transform: [{ filter: keep }],
    // Kept apart, the fill scale cannot merge its hidden legend into the lines' one (it would hide both).
    resolve: { scale: { fill: "independent" } },
    layer: [
      ...(hasBand
        ? [
            {
              transform: [{ filter: "isValid(datum.lo) && isValid(datum.hi)" }],
              mark: { type: "area" as const, opacity: 0.2 },
              encoding: {
                x,
                y: { field: "lo", type: "quantitative" as const, title: yTitle, scale: { zero: false } },
                y2: { field: "hi" },
                // Fill, not colour, so the legend shows the lines: a faint band swatch is hard to match by eye.
                fill: { field: "series", type: "nominal" as const, scale, legend: null },
              },
            },
          ]
        : []),
      {
        mark: { type: "line", point: true, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: "y", type: "quantitative", title: yTitle, scale: { zero: false } },
          color,
        },
      },
    ],
  };
}

/** Points coloured by series; with `diagonal`, a dashed y = x line across the shared range (e.g. proxy vs true). */
export function scatter(options: {
  title: string;
  data: { x: number; y: number; series: string }[];
  xTitle: string;
  yTitle: string;
  diagonal?: boolean;
  seriesTitle?: string;
}): TopLevelSpec {
  const values: Row[] = options.data.map((d) => ({ x: finite(d.x), y: finite(d.y), series: d.series }));
  const shown = values.filter((d) => d.x !== null && d.y !== null);
  const x = {
    field: "x",
    type: "quantitative",
    title: required(options.xTitle, "x title"),
    scale: { zero: false },
  } as const;
  const y = {
    field: "y",
    type: "quantitative",
    title: required(options.yTitle, "y title"),
    scale: { zero: false },
  } as const;
  const ends = shown.flatMap((d) => [d.x as number, d.y as number]);
  const diagonal = options.diagonal === true && ends.length > 0;
  const line = diagonal ? [Math.min(...ends), Math.max(...ends)].map((v) => ({ x: v, y: v })) : [];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: titleBlock(options.title, [
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
          color: { field: "series", type: "nominal", sort: null, title: options.seriesTitle ?? "series" },
        },
      },
    ],
  };
}
