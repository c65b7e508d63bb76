import { Command, CommanderError } from "commander";
import { loadConfig } from "../config/load.js";
import { loadDataset } from "../data/load.js";
import { writeSyntheticJsonl } from "../data/synthetic.js";
import { runDisagreement } from "../disagreement/stage.js";
import { trainEnsemble } from "../reward-model/stage.js";
import { TrainingDivergedError } from "../reward-model/train.js";
import { UserError } from "../runtime/errors.js";
import { packageVersions, runStage, stageDir } from "../runtime/run.js";
import { type CommonOptions, openRunFromOptions, withRunOptions } from "./options.js";

function buildProgram(): Command {
  const program = new Command("align")
    .description(
      "Reward-model ensembles, their disagreement, and variance-aware policy optimisation (arXiv 2507.15906)",
    )
    .version(packageVersions().align)
    .showHelpAfterError()
    .exitOverride();

  withRunOptions(
    program.command("train-rm").description("train N independent reward models on a preference dataset"),
    "run folder to write into",
  ).action(async (options: CommonOptions) => {
    const ctx = await openRunFromOptions(options, "train-rm");
    await runStage(ctx, "reward-models", async () => {
      const dataset = await loadDataset(ctx.config.data, ctx.config.seed);
      trainEnsemble(ctx, dataset, stageDir(ctx, "reward-models"));
    });
  });

  withRunOptions(
    program
      .command("disagreement")
      .description("measure how much the ensemble's reward models disagree on held-out pairs"),
    "run folder holding the trained ensemble",
  ).action(async (options: CommonOptions) => {
    const ctx = await openRunFromOptions(options, "disagreement");
    let table = "";
    await runStage(ctx, "disagreement", async () => {
      table = await runDisagreement(ctx, await loadDataset(ctx.config.data, ctx.config.seed));
    });
    if (table) console.log(table);
  });

  const data = program.command("data").description("inspect and export datasets");
  data
    .command("synth")
    .description("write the embedded synthetic preference pairs as JSONL")
    .requiredOption("--out <file>", "JSONL file to write")
    .option("-c, --config <file>", "YAML config whose data.synthetic section and seed to use")
    .action(async (options: { out: string; config?: string }) => {
      const config = loadConfig(options.config);
      const count = writeSyntheticJsonl(options.out, config.data.synthetic, config.seed);
      console.log(`wrote ${count} pairs to ${options.out}`);
    });
  return program;
}

/** Runs the CLI: user errors exit 2 with one message, bugs exit 1 with a stack. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof UserError || error instanceof TrainingDivergedError) {
      console.error(`align: error: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    console.error(error);
    process.exitCode = 1;
  }
}
