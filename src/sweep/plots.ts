import type { TopLevelSpec } from "vega-lite";
import { lineChart } from "../plots/charts.js";
import type { Grid, PointResult } from "./points.js";

/** Vega-lite specs of a sweep: each claim's effect with its 95% interval across the grid, keyed by file name. */

/** x: the first grid key's value (its position in the grid when not a number); series: the other keys and the seed. */
function axes(grids: readonly Grid[], r: PointResult) {
  const first = grids[0];
  const value = first === undefined ? r.settings.seed : r.settings[first.key];
  const x = typeof value === "number" ? value : first.values.indexOf(String(value));
  const others = [...grids.slice(1).map((g) => g.key), "seed"]
    .filter((k) => first !== undefined || k !== "seed")
    .map((k) => `${k.split(".").at(-1)}=${JSON.stringify(r.settings[k])}`);
  return { x, series: others.join(", ") || "all" };
}

function xAxis(grids: readonly Grid[], results: readonly PointResult[]) {
  const first = grids[0];
  const xs = results.map((r) => axes(grids, r).x);
  const numeric = first === undefined || first.values.every((v) => Number.isFinite(Number(v)));
  const logX = numeric && Math.min(...xs) > 0 && Math.max(...xs) / Math.min(...xs) >= 10;
  const title = first === undefined ? "seed" : numeric ? first.key : `${first.key} (position in the grid)`;
  return { xTitle: title, logX };
}

export function sweepPlots(
  grids: readonly Grid[],
  results: readonly PointResult[],
): Record<string, TopLevelSpec> {
  const plots: Record<string, TopLevelSpec> = {};
  const ids = [...new Set(results.flatMap((r) => r.claims.map((c) => c.id)))];
  for (const id of ids) {
    const data = results.flatMap((r) => {
      const c = r.claims.find((x) => x.id === id);
      if (c === undefined || c.estimate === null || c.lo === null || c.hi === null) return [];
      return [
        {
          ...axes(grids, r),
          y: c.estimate,
          lo: c.lo,
          hi: c.hi,
          details: { verdict: c.verdict, effect: c.of ?? "", point: r.name },
        },
      ];
    });
    if (data.length === 0) continue;
    plots[`claim-${id}`] = lineChart({
      title: `${id}: effect across the sweep`,
      subtitle:
        "the interval that decides each point's verdict (hover for the effect and verdict); bars: 95% interval",
      data,
      ...xAxis(grids, results),
      yTitle: "effect (fraction, or difference of fractions)",
      seriesTitle: "point",
      interval: "bars",
      references: { title: "reference", lines: [{ label: "zero", value: 0 }] },
    });
  }
  const differences = results.flatMap((r) =>
    r.promptRiskDifference.map((b) => {
      const { x, series } = axes(grids, r);
      return {
        x,
        series: `KL ${b.kl}; ${series}`,
        y: b.estimate,
        lo: b.lo,
        hi: b.hi,
        details: { point: r.name },
      };
    }),
  );
  if (differences.length > 0) {
    plots["prompt-risk-difference"] = lineChart({
      title: "Variance-aware minus standard prompt-level risk across the sweep",
      subtitle:
        "paired over prompts and trials at each KL budget; bars: 95% bootstrap interval; below 0: variance-aware safer",
      data: differences,
      ...xAxis(grids, results),
      yTitle: "VA − standard prompt-level risk (fraction of prompts)",
      seriesTitle: "KL budget; point",
      interval: "bars",
      yFormat: "%",
      references: { title: "reference", lines: [{ label: "no difference", value: 0 }] },
    });
  }
  return plots;
}
