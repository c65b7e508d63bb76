import { join } from "node:path";
import { writePlot } from "../plots/render.js";
import type { RunContext } from "../run/folder.js";
import { type Stage, stageDir } from "../run/stage.js";
import { writeJsonAtomic } from "../runtime/files.js";
import { createProgress } from "../runtime/progress.js";
import { simulatePlots } from "./plots.js";
import { simulateSection, simulateTable } from "./report.js";
import { type SimulationSummary, simulationSteps } from "./run.js";

/** The theoretical model's Monte-Carlo study, with its summary and plots. */
async function runSimulate(ctx: RunContext): Promise<SimulationSummary> {
  const { instances, draws } = ctx.config.simulate;
  const progress = createProgress("simulate", instances * draws, ctx.logger, { unit: "draws" });
  const steps = simulationSteps(ctx.config.simulate, ctx.config.seed, ctx.config.report.bootstrapResamples);
  let step = steps.next();
  try {
    while (!step.done) {
      progress.tick(draws, { instances: `${step.value}/${instances}` });
      await progress.breathe();
      step = steps.next();
    }
  } finally {
    progress.stop();
  }
  const summary = step.value;
  const dir = stageDir(ctx, "simulate");
  writeJsonAtomic(join(dir, "summary.json"), summary);
  for (const [name, spec] of Object.entries(simulatePlots(summary))) await writePlot(dir, name, spec);
  return summary;
}

export const simulateStage: Stage<SimulationSummary> = {
  name: "simulate",
  folder: "simulate",
  description: "simulate the paper's theoretical model: risk of both methods",
  summaryFile: "summary.json",
  needs: [],
  run: (ctx) => runSimulate(ctx),
  table: simulateTable,
  section: simulateSection,
};
