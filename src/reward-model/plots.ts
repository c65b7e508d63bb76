import type { TopLevelSpec } from "vega-lite";
import { lineChart } from "../plots/charts.js";
import type { EpochRecord } from "./train.js";

/** Vega-lite specs of the reward-model training, from each member's history.csv, keyed by file name. */
export function trainingPlots(histories: EpochRecord[][]): Record<string, TopLevelSpec> {
  const points = (value: (r: EpochRecord) => number) =>
    histories.flatMap((history, member) =>
      history.map((r) => ({ series: `member ${member}`, x: r.epoch, y: value(r) })),
    );
  return {
    "training-loss": lineChart({
      title: "Training curves: loss per epoch",
      subtitle: "Bradley-Terry loss + L2 on the training pairs; validation loss in the hover text",
      data: histories.flatMap((history, member) =>
        history.map((r) => ({
          series: `member ${member}`,
          x: r.epoch,
          y: r.trainLoss,
          details: { "validation loss": r.validationLoss },
        })),
      ),
      xTitle: "epoch",
      yTitle: "training loss (nats per pair)",
      seriesTitle: "reward model",
    }),
    "validation-accuracy": lineChart({
      title: "Training curves: validation accuracy per epoch",
      subtitle: "fraction of validation pairs whose chosen response scores higher",
      data: points((r) => r.validationAccuracy),
      xTitle: "epoch",
      yTitle: "validation accuracy (fraction of pairs)",
      seriesTitle: "reward model",
    }),
  };
}
