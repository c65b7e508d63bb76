/** The disagreement study as a short plain-text table for stdout. */

import { format } from "./plots.js";
import type { DisagreementMetrics } from "./stats.js";

/** Statistic, basis and value in aligned columns, under a one-line header. */
export function summaryTable(metrics: DisagreementMetrics): string {
  const { accuracy, marginStd, correlation, rewardStd, uncertaintyVsError } = metrics;
  const pair = (summary: { mean: number; median: number }) =>
    `${format(summary.mean)} / ${format(summary.median)}`;
  const rows: [string, string, string][] = [
    ["statistic", "basis", "value"],
    [
      "member accuracy: mean ± std [min, max]",
      accuracy.basis,
      `${format(accuracy.mean)} ± ${format(accuracy.std)} [${format(accuracy.min)}, ${format(accuracy.max)}]`,
    ],
    ["ensemble-mean accuracy", accuracy.basis, format(accuracy.ensemble)],
    ["margin std across members: mean / median", marginStd.basis, pair(marginStd)],
    ["sign disagreement rate", "raw", format(metrics.signDisagreementRate)],
    ["minority contradiction rate", "raw", format(metrics.minorityContradictionRate)],
    ["mean pairwise flip rate", "raw", format(metrics.meanPairwiseFlipRate)],
    ["Pearson r, mean off-diagonal", correlation.basis, format(correlation.pearson.meanOffDiagonal)],
    ["Spearman rho, mean off-diagonal", correlation.basis, format(correlation.spearman.meanOffDiagonal)],
    ["Kendall tau-b, mean off-diagonal", correlation.basis, format(correlation.kendall.meanOffDiagonal)],
    ["reward std across members: mean / median", "raw", pair(rewardStd.raw)],
    ["reward std across members: mean / median", "centred", pair(rewardStd.centred)],
    [
      "Spearman(margin std, ensemble error)",
      uncertaintyVsError.basis,
      format(uncertaintyVsError.spearmanStdVsError),
    ],
  ];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column].length)));
  const lines = rows.map(([name, basis, value]) =>
    `${name.padEnd(widths[0])}  ${basis.padEnd(widths[1])}  ${value}`.trimEnd(),
  );
  const header = `Reward-model disagreement: ${metrics.members} members, ${metrics.pairs} pairs, ${metrics.prompts} prompts (std: n-1)`;
  return [header, ...lines].join("\n");
}
