import { join } from "node:path";
import { writePlot } from "../plots/render.js";
import { writeJsonAtomic } from "../runtime/files.js";
import { type RunContext, stageDir } from "../runtime/run.js";
import { simulatePlots } from "./plots.js";
import { runSimulation, type SimulationSummary } from "./run.js";

/** The theoretical model's Monte-Carlo study, with its summary and plots. */
export async function runSimulate(ctx: RunContext): Promise<SimulationSummary> {
  const summary = runSimulation(ctx.config.simulate, ctx.config.seed, ctx.config.report.bootstrapResamples);
  const dir = stageDir(ctx, "simulate");
  writeJsonAtomic(join(dir, "summary.json"), summary);
  for (const [name, spec] of Object.entries(simulatePlots(summary))) await writePlot(dir, name, spec);
  return summary;
}
