import type { SectionView } from "../run/stage.js";
import { formatNumber as f, markdownTable, textTable } from "../runtime/table.js";
import type { Interval } from "../stats/bootstrap.js";
import { withInterval } from "../stats/format.js";
import type { OptimizeSummary } from "./run.js";

/** The spread over trials, n/a where one trial leaves it undefined. */
function spread(b: { trials: number; stdImprovement: number }): string {
  return b.trials < 2 ? "n/a" : f(b.stdImprovement, 4);
}

/** Per method and KL budget: true improvement, risks and proxy improvement; the first row is the header. */
export function optimizeRows(summary: OptimizeSummary): string[][] {
  const rows = [
    [
      "method",
      "KL",
      "trials",
      "mean Δ [95%]",
      "std Δ [95%]",
      "risk [95%]",
      "prompt risk [95%]",
      "CVaR10",
      "proxy Δ",
    ],
  ];
  for (const [method, result] of Object.entries(summary.methods)) {
    for (const b of result?.budgets ?? []) {
      rows.push([
        method,
        String(b.kl),
        String(b.trials),
        withInterval(b.meanImprovement, b.intervals?.meanImprovement, 4),
        b.trials < 2 ? "n/a" : withInterval(b.stdImprovement, b.intervals?.stdImprovement, 4),
        withInterval(b.risk, b.intervals?.risk),
        withInterval(b.promptRisk, b.intervals?.promptRisk),
        f(b.cvar10, 4),
        f(b.proxyImprovement, 4),
      ]);
    }
  }
  return rows;
}

/**
 * Standard versus variance-aware at each shared budget: the trade-off behind claim 3, with the paired
 * interval of each difference (variance-aware − standard); header first.
 */
export function comparisonRows(summary: OptimizeSummary): string[][] {
  const standard = summary.methods.standard?.budgets ?? [];
  const aware = summary.methods["variance-aware"]?.budgets ?? [];
  const differences = summary.differences?.["variance-aware"]?.budgets ?? [];
  const rows = [
    [
      "KL",
      "prompt risk (std / VA)",
      "VA − std [95%]",
      "std Δ (std / VA)",
      "VA − std [95%]",
      "mean Δ (std / VA)",
      "VA − std [95%]",
    ],
  ];
  for (const s of standard) {
    const v = aware.find((b) => b.kl === s.kl);
    if (v === undefined) continue;
    const d = differences.find((b) => b.kl === s.kl);
    const diff = (interval: Interval | undefined, digits = 3) =>
      interval === undefined ? "n/a" : withInterval(interval.estimate, interval, digits);
    rows.push([
      String(s.kl),
      `${f(s.promptRisk)} / ${f(v.promptRisk)}`,
      diff(d?.promptRisk),
      `${spread(s)} / ${spread(v)}`,
      diff(d?.stdImprovement, 4),
      `${f(s.meanImprovement, 4)} / ${f(v.meanImprovement, 4)}`,
      diff(d?.meanImprovement, 4),
    ]);
  }
  return rows;
}

export function optimizeTable(summary: OptimizeSummary): string {
  return `Policy optimisation at matched KL (Δ = true-reward improvement over the reference policy; [95% bootstrap interval])\n${textTable(optimizeRows(summary))}`;
}

/** The optimisation section of the report. */
export function optimizeSection(o: OptimizeSummary, view: SectionView): string {
  const [header, ...rows] = optimizeRows(o);
  const [comparisonHeader, ...comparison] = comparisonRows(o);
  return [
    "## Policy optimisation: standard versus variance-aware (claims 2 and 3)",
    o.source === undefined ? "" : `Policies over ${o.prompts} held-out candidate sets of ${o.source}.`,
    "Δ is the improvement of the policy over the reference policy under the true reward (true-reward units); " +
      "risk is the fraction of trials with Δ < 0, prompt risk the mean fraction of prompts whose own Δ is negative; " +
      "CVaR10 the mean of the worst 10% of per-prompt Δ; proxy Δ the same improvement measured by the reward estimate " +
      "the method optimised (reward-model units, so compare its shape, not its scale, with Δ).",
    markdownTable(header, rows),
    comparison.length > 0
      ? `Standard (std) versus variance-aware (VA) at matched KL:\n\n${markdownTable(comparisonHeader, comparison)}`
      : "",
    `Regenerate (from the run folder): \`${view.regenerate}\``,
    view.plots.map((p) => `![${p}](${p})`).join("\n\n"),
  ].join("\n\n");
}
