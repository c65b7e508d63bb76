/** The disagreement study as a plain-text table for the terminal and as its report section. */

import type { SectionView } from "../run/stage.js";
import { formatNumber, markdownTable, textTable } from "../runtime/table.js";
import { withInterval } from "../stats/format.js";
import type { DisagreementMetrics } from "./stats.js";

/** Rows of statistic, basis and value; the first row is the header. */
export function summaryRows(metrics: DisagreementMetrics): string[][] {
  const { accuracy, marginStd, correlation, rewardStd, uncertaintyVsError } = metrics;
  const pair = (summary: { mean: number; median: number }) =>
    `${formatNumber(summary.mean)} / ${formatNumber(summary.median)}`;
  const intervals = metrics.intervals;
  const rows: string[][] = [
    ["statistic", "basis", "value [95%]"],
    [
      "member accuracy: mean ± std [min, max]",
      accuracy.basis,
      `${formatNumber(accuracy.mean)} ± ${formatNumber(accuracy.std)} [${formatNumber(accuracy.min)}, ${formatNumber(accuracy.max)}]`,
    ],
    ["mean member accuracy", accuracy.basis, withInterval(accuracy.mean, intervals?.accuracyMean)],
    ...accuracy.perMember.map((value, m) => [
      `member ${m} accuracy`,
      accuracy.basis,
      withInterval(value, intervals?.accuracyPerMember[m]),
    ]),
    ["ensemble-mean accuracy", accuracy.basis, withInterval(accuracy.ensemble, intervals?.accuracyEnsemble)],
    ["margin std across members: mean / median", marginStd.basis, pair(marginStd)],
    [
      "sign disagreement rate",
      "raw",
      withInterval(metrics.signDisagreementRate, intervals?.signDisagreementRate),
    ],
    [
      "minority contradiction rate",
      "raw",
      withInterval(metrics.minorityContradictionRate, intervals?.minorityContradictionRate),
    ],
    [
      "mean pairwise flip rate",
      "raw",
      withInterval(metrics.meanPairwiseFlipRate, intervals?.meanPairwiseFlipRate),
    ],
    ["Pearson r, mean off-diagonal", correlation.basis, formatNumber(correlation.pearson.meanOffDiagonal)],
    [
      "Spearman rho, mean off-diagonal",
      correlation.basis,
      formatNumber(correlation.spearman.meanOffDiagonal),
    ],
    [
      "Kendall tau-b, mean off-diagonal",
      correlation.basis,
      formatNumber(correlation.kendall.meanOffDiagonal),
    ],
    ["reward std across members: mean / median", "raw", pair(rewardStd.raw)],
    ["reward std across members: mean / median", "centred", pair(rewardStd.centred)],
    [
      "Spearman(margin std, ensemble error)",
      uncertaintyVsError.basis,
      formatNumber(uncertaintyVsError.spearmanStdVsError),
    ],
  ];
  return rows;
}

/** Statistic, basis and value in aligned columns, under a one-line header. */
export function summaryTable(metrics: DisagreementMetrics): string {
  const header =
    `Reward-model disagreement: ${metrics.members} members, ${metrics.pairs} pairs, ${metrics.prompts} prompts ` +
    "(std: n-1; [95% bootstrap over prompts])";
  return `${header}\n${textTable(summaryRows(metrics))}`;
}

/** The disagreement section of the report. */
export function disagreementSection(d: DisagreementMetrics, view: SectionView): string {
  const [header, ...rows] = summaryRows(d);
  return [
    "## Disagreement between reward models (claim 1)",
    `${d.members} members on ${d.pairs} held-out pairs (${d.prompts} prompts)${d.source ? ` of ${d.source}` : ""}. Margins are the same on raw and ` +
      "per-prompt-centred rewards; correlations use centred rewards, since Bradley-Terry rewards are defined only up to a shift.",
    markdownTable(header, rows),
    `Regenerate (from the run folder): \`${view.regenerate}\``,
    view.plots.map((p) => `![${p}](${p})`).join("\n\n"),
  ].join("\n\n");
}
