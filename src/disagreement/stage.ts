import { join } from "node:path";
import type { Dataset } from "../data/types.js";
import { writePlot } from "../plots/render.js";
import { loadEnsemble } from "../reward-model/ensemble.js";
import { scorePairs } from "../reward-model/score.js";
import type { RunContext } from "../run/folder.js";
import { type Stage, stageDir } from "../run/stage.js";
import { toCsv, writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { disagreementPlots } from "./plots.js";
import { disagreementSection, summaryTable } from "./report.js";
import { analyseDisagreement, type DisagreementMetrics } from "./stats.js";

/** Scores the held-out pairs with every member and writes metrics, per-pair rows and plots. */
async function runDisagreement(ctx: RunContext, dataset: Dataset): Promise<DisagreementMetrics> {
  const { config } = ctx;
  const members = loadEnsemble(stageDir(ctx, "reward-models"), config);
  const pairs = dataset.pairs.test;
  const scores = scorePairs(members, pairs, config.features);
  const { metrics: measured, rows } = analyseDisagreement(
    {
      pairIds: pairs.map((p) => p.id),
      promptKeys: pairs.map((p) => p.prompt),
      prompts: pairs.map((p) => p.prompt),
      ...scores,
    },
    {
      examples: config.disagreement.examples,
      seed: config.seed,
      resamples: config.report.bootstrapResamples,
    },
  );
  const metrics = { source: dataset.source, ...measured };
  const dir = stageDir(ctx, "disagreement");
  writeJsonAtomic(join(dir, "metrics.json"), metrics);
  const header = Object.keys(rows[0] ?? {});
  writeFileAtomic(
    join(dir, "per-pair.csv"),
    toCsv(
      header,
      rows.map((row) =>
        header.map((key) => (row as unknown as Record<string, string | number | boolean>)[key]),
      ),
    ),
  );
  for (const [name, spec] of Object.entries(disagreementPlots(metrics, config.report.chanceAccuracy)))
    await writePlot(dir, name, spec);
  return metrics;
}

export const disagreementStage: Stage<DisagreementMetrics> = {
  name: "disagreement",
  folder: "disagreement",
  description: "measure how much the ensemble's reward models disagree on held-out pairs",
  summaryFile: "metrics.json",
  needs: ["train-rm"],
  check: (request) => request.evaluation(),
  run: async (ctx, request) => runDisagreement(ctx, await request.evaluation()),
  table: summaryTable,
  section: disagreementSection,
};
