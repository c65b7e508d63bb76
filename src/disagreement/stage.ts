import { join } from "node:path";
import type { Dataset } from "../data/types.js";
import { writePlot } from "../plots/render.js";
import { loadEnsemble } from "../reward-model/ensemble.js";
import { scorePairs } from "../reward-model/scoring.js";
import { toCsv, writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { type RunContext, stageDir } from "../runtime/run.js";
import { disagreementPlots } from "./plots.js";
import { analyseDisagreement } from "./stats.js";
import { summaryTable } from "./summary.js";

/** Scores the held-out pairs with every member and writes metrics, per-pair rows and plots. */
export async function runDisagreement(ctx: RunContext, dataset: Dataset): Promise<string> {
  const { config } = ctx;
  const members = loadEnsemble(stageDir(ctx, "reward-models"), config);
  const pairs = dataset.pairs.test;
  const scores = scorePairs(members, pairs, config.features);
  const { metrics, rows } = analyseDisagreement(
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
  return summaryTable(metrics);
}
