/** Vega-lite specs of the disagreement study, as plain JSON built from metrics.json alone. */

import type { TopLevelSpec } from "vega-lite";
import { formatNumber } from "../runtime/table.js";
import type { DisagreementMetrics } from "./stats.js";

const schema = "https://vega.github.io/schema/vega-lite/v5.json";
const width = 480;
const height = 300;

/** Every plot of the study, keyed by file name (without extension). */
export function disagreementPlots(metrics: DisagreementMetrics): Record<string, TopLevelSpec> {
  return {
    "example-scores": exampleScoresPlot(metrics),
    "margin-std": marginStdPlot(metrics),
    "pearson-heatmap": correlationHeatmap(metrics),
    "accuracy-by-uncertainty": accuracyByUncertaintyPlot(metrics),
    "member-accuracy": memberAccuracyPlot(metrics),
  };
}

/** Figure-1 analogue: each member's centred score on the chosen and rejected response of each example pair. */
export function exampleScoresPlot(metrics: DisagreementMetrics): TopLevelSpec {
  const values = metrics.examples.flatMap((example) =>
    (["chosen", "rejected"] as const).flatMap((response) =>
      example.centred[response].map((score, member) => ({
        pair: `${example.pairId} (${example.kind})`,
        kind: example.kind,
        response,
        member,
        score,
        rawScore: example.raw[response][member],
      })),
    ),
  );
  return {
    $schema: schema,
    title: {
      text: `Scores of ${metrics.members} reward models on example pairs (Figure 1 analogue)`,
      subtitle: "disputed = highest margin std across members; random = seeded draw of the other pairs",
    },
    width,
    height,
    data: { values },
    mark: { type: "point", filled: true, size: 60, opacity: 0.8 },
    encoding: {
      x: { field: "pair", type: "nominal", sort: null, title: "Example pair", axis: { labelAngle: -30 } },
      xOffset: { field: "response", type: "nominal" },
      y: {
        field: "score",
        type: "quantitative",
        title: "Centred reward (score − member's prompt mean, logits)",
      },
      color: { field: "response", type: "nominal", title: "Response" },
      tooltip: [
        { field: "pair", type: "nominal", title: "Pair" },
        { field: "member", type: "ordinal", title: "Member" },
        { field: "response", type: "nominal", title: "Response" },
        { field: "score", type: "quantitative", title: "Centred reward (logits)", format: ".3f" },
        { field: "rawScore", type: "quantitative", title: "Raw reward (logits)", format: ".3f" },
      ],
    },
  };
}

/** Histogram of the per-pair std of margins across members. */
export function marginStdPlot(metrics: DisagreementMetrics): TopLevelSpec {
  return {
    $schema: schema,
    title: {
      text: "Disagreement per pair: std of the margin across members",
      subtitle: `${metrics.pairs} held-out pairs; sample std (n−1); mean ${formatNumber(metrics.marginStd.mean)}, median ${formatNumber(metrics.marginStd.median)}`,
    },
    width,
    height,
    data: { values: metrics.marginStd.histogram },
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: {
        field: "lo",
        type: "quantitative",
        bin: { binned: true },
        title: "Std of margin r(chosen) − r(rejected) across members (logits)",
      },
      x2: { field: "hi" },
      y: { field: "count", type: "quantitative", title: "Pairs (count)" },
    },
  };
}

/** Pearson correlations between members' per-prompt-centred rewards, value printed in each cell. */
export function correlationHeatmap(metrics: DisagreementMetrics): TopLevelSpec {
  const { matrix, meanOffDiagonal } = metrics.correlation.pearson;
  const values = matrix.flatMap((row, a) =>
    row.map((value, b) => ({ rowMember: a, columnMember: b, value })),
  );
  const cell = {
    x: { field: "columnMember", type: "ordinal", title: "Member", axis: { labelAngle: 0 } },
    y: { field: "rowMember", type: "ordinal", title: "Member" },
  } as const;
  return {
    $schema: schema,
    title: {
      text: "Pearson correlation between members' per-prompt-centred rewards",
      subtitle: `${metrics.correlation.responses} responses; mean off-diagonal ${formatNumber(meanOffDiagonal)} (unitless, −1 to 1)`,
    },
    width: Math.max(200, 40 * matrix.length),
    height: Math.max(200, 40 * matrix.length),
    data: { values },
    layer: [
      {
        mark: "rect",
        encoding: {
          ...cell,
          color: {
            field: "value",
            type: "quantitative",
            title: "Pearson r",
            scale: { domain: [-1, 1], scheme: "redblue" },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: {
          ...cell,
          text: { field: "value", type: "quantitative", format: ".2f" },
          // White on the dark ends of the colour scale, black elsewhere.
          color: { condition: { test: "abs(datum.value) > 0.6", value: "white" }, value: "black" },
        },
      },
    ],
  };
}

/** Accuracy of the ensemble-mean reward by decile of margin std: does uncertainty predict error? */
export function accuracyByUncertaintyPlot(metrics: DisagreementMetrics): TopLevelSpec {
  const { deciles, spearmanStdVsError } = metrics.uncertaintyVsError;
  return {
    $schema: schema,
    title: {
      text: "Accuracy of the ensemble-mean reward by uncertainty decile",
      subtitle: `deciles of margin std across members; Spearman(std, error) = ${formatNumber(spearmanStdVsError)}`,
    },
    width,
    height,
    data: { values: deciles },
    mark: "bar",
    encoding: {
      x: {
        field: "decile",
        type: "ordinal",
        title: "Decile of margin std (1 = members agree most)",
        axis: { labelAngle: 0 },
      },
      y: {
        field: "accuracy",
        type: "quantitative",
        title: "Accuracy (fraction of pairs)",
        scale: { domain: [0, 1] },
      },
      tooltip: [
        { field: "decile", type: "ordinal", title: "Decile" },
        { field: "lo", type: "quantitative", title: "Smallest std (logits)", format: ".3f" },
        { field: "hi", type: "quantitative", title: "Largest std (logits)", format: ".3f" },
        { field: "pairs", type: "quantitative", title: "Pairs" },
        { field: "accuracy", type: "quantitative", title: "Accuracy", format: ".3f" },
      ],
    },
  };
}

/** Each member's accuracy, with lines for the members' mean and for the ensemble-mean reward's accuracy. */
export function memberAccuracyPlot(metrics: DisagreementMetrics): TopLevelSpec {
  const { perMember, mean, std, ensemble } = metrics.accuracy;
  const accuracyAxis = {
    field: "accuracy",
    type: "quantitative" as const,
    title: "Accuracy on held-out pairs (fraction)",
    scale: { domain: [0, 1] },
  };
  return {
    $schema: schema,
    title: {
      text: "Accuracy of each reward model",
      subtitle: `${metrics.pairs} held-out pairs; mean ${formatNumber(mean)} ± ${formatNumber(std)} (sample std across members)`,
    },
    width,
    height,
    layer: [
      {
        data: { values: perMember.map((accuracy, member) => ({ member, accuracy })) },
        mark: { type: "bar", color: "#9ecae1" },
        encoding: {
          x: { field: "member", type: "ordinal", title: "Member", axis: { labelAngle: 0 } },
          y: accuracyAxis,
          tooltip: [
            { field: "member", type: "ordinal", title: "Member" },
            { field: "accuracy", type: "quantitative", title: "Accuracy", format: ".3f" },
          ],
        },
      },
      {
        data: {
          values: [
            { line: "mean of members", accuracy: mean },
            { line: "ensemble-mean reward", accuracy: ensemble },
          ],
        },
        mark: { type: "rule", strokeWidth: 2 },
        encoding: {
          y: accuracyAxis,
          color: { field: "line", type: "nominal", title: "Line", legend: { labelLimit: 200 } },
          strokeDash: { field: "line", type: "nominal", title: "Line", legend: { labelLimit: 200 } },
        },
      },
    ],
  };
}
