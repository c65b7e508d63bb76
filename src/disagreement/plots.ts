/** Vega-lite specs of the disagreement study, as plain JSON built from metrics.json alone. */

import type { TopLevelSpec } from "vega-lite";
import { barChart, heatmap, histogram, stripPlot } from "../plots/charts.js";
import { formatNumber } from "../runtime/table.js";
import type { DisagreementMetrics } from "./stats.js";

const MEMBER = "Member";

/** Every plot of the study, keyed by file name (without extension). */
export function disagreementPlots(metrics: DisagreementMetrics, chance = 0.5): Record<string, TopLevelSpec> {
  return {
    "example-scores": exampleScoresPlot(metrics),
    "margin-std": marginStdPlot(metrics),
    "pearson-heatmap": correlationHeatmap(metrics),
    "accuracy-by-uncertainty": accuracyByUncertaintyPlot(metrics),
    "member-accuracy": memberAccuracyPlot(metrics, chance),
  };
}

/** Figure-1 analogue: each member's centred score on the chosen and rejected response of each example pair. */
export function exampleScoresPlot(metrics: DisagreementMetrics): TopLevelSpec {
  // Short labels on the axis; the pair's id (a file:line or a generated id) is in the hover text.
  const data = metrics.examples.flatMap((example, i) =>
    (["chosen", "rejected"] as const).flatMap((response) =>
      example.centred[response].map((score, member) => ({
        group: `pair ${i + 1} (${example.kind})`,
        series: response,
        offset: String(member),
        value: score,
        details: { "Pair id": example.pairId, "Raw reward (logits)": example.raw[response][member] },
      })),
    ),
  );
  return stripPlot({
    title: `Scores of ${metrics.members} reward models on example pairs (Figure 1 analogue)`,
    subtitle: `a column per member (0–${metrics.members - 1}, left to right); disputed: largest margin std; random: seeded`,
    data,
    xTitle: "Example pair",
    yTitle: "Centred reward (score − member's prompt mean, logits)",
    seriesTitle: "Response",
    offsetTitle: MEMBER,
  });
}

/** Histogram of the per-pair std of margins across members, binned in metrics.json. */
export function marginStdPlot(metrics: DisagreementMetrics): TopLevelSpec {
  return histogram({
    title: "Disagreement per pair: std of the margin across members",
    subtitle: `${metrics.pairs} held-out pairs; sample std (n−1); mean ${formatNumber(metrics.marginStd.mean)}, median ${formatNumber(metrics.marginStd.median)}`,
    counts: metrics.marginStd.histogram,
    xTitle: "Std of margin r(chosen) − r(rejected) across members (logits)",
    yTitle: "Pairs (count)",
  });
}

/** Pearson correlations between members' per-prompt-centred rewards, value printed in each cell. */
export function correlationHeatmap(metrics: DisagreementMetrics): TopLevelSpec {
  const { matrix, meanOffDiagonal } = metrics.correlation.pearson;
  const offDiagonal = matrix.flatMap((row, i) => row.filter((_, j) => j !== i));
  return heatmap({
    title: "Pearson correlation between members' per-prompt-centred rewards",
    subtitle: `${metrics.correlation.responses} responses; mean off-diagonal ${formatNumber(meanOffDiagonal)} (unitless); colour scale fitted to the values`,
    matrix,
    labels: matrix.map((_, member) => String(member)),
    colorTitle: "Pearson r",
    // The colours span the values present (0.98-0.99 would be one colour on -1..1), diverging only
    // where correlations of both signs occur.
    diverging: offDiagonal.some((r) => r < 0),
    // Fitted to the members' pairs: the diagonal's 1s would stretch the scale and are clamped instead.
    ...(offDiagonal.length > 0 && Math.min(...offDiagonal) < Math.max(...offDiagonal)
      ? { domain: [Math.min(...offDiagonal), Math.max(...offDiagonal)] as [number, number] }
      : {}),
    axisTitle: MEMBER,
  });
}

/** Accuracy of the ensemble-mean reward by decile of margin std: does uncertainty predict error? */
export function accuracyByUncertaintyPlot(metrics: DisagreementMetrics): TopLevelSpec {
  const { deciles, spearmanStdVsError } = metrics.uncertaintyVsError;
  return barChart({
    title: "Accuracy of the ensemble-mean reward by uncertainty decile",
    subtitle: `deciles of margin std across members; Spearman(std, error) = ${formatNumber(spearmanStdVsError)}`,
    data: deciles.map((d) => ({
      label: String(d.decile),
      value: d.accuracy,
      details: { "Smallest std (logits)": d.lo, "Largest std (logits)": d.hi, Pairs: d.pairs },
    })),
    xTitle: "Decile of margin std (1 = members agree most)",
    yTitle: "Accuracy (fraction of pairs)",
    domain: [0, 1],
  });
}

/** Each member's accuracy with its 95% interval, with lines for the members' mean, the ensemble-mean reward and chance. */
export function memberAccuracyPlot(metrics: DisagreementMetrics, chance = 0.5): TopLevelSpec {
  const { perMember, mean, std, ensemble } = metrics.accuracy;
  const intervals = metrics.intervals?.accuracyPerMember;
  return barChart({
    title: "Accuracy of each reward model",
    subtitle: `${metrics.pairs} held-out pairs; mean ${formatNumber(mean)} ± ${formatNumber(std)} (sample std across members)`,
    data: perMember.map((accuracy, member) => ({
      label: String(member),
      value: accuracy,
      ...(intervals === undefined ? {} : { lo: intervals[member].lo, hi: intervals[member].hi }),
    })),
    xTitle: MEMBER,
    yTitle: "Accuracy on held-out pairs (fraction)",
    domain: [0, 1],
    intervalNote: "error bars: 95% bootstrap interval over prompts",
    references: {
      title: "Line",
      lines: [
        { label: "mean of members", value: mean },
        { label: "ensemble-mean reward", value: ensemble },
        { label: "chance", value: chance },
      ],
    },
  });
}
