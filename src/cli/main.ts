import { Command, CommanderError, Option } from "commander";
import { loadConfig } from "../config/load.js";
import { methodNames } from "../config/schema.js";
import { writeSyntheticJsonl } from "../data/synthetic.js";
import { type TrainRmFlags, trainRewardModels, trainRmPlan } from "../reward-model/stage.js";
import { TrainingDivergedError } from "../reward-model/train.js";
import { runRlhf } from "../rlhf/stage.js";
import { rlhfTable } from "../rlhf/table.js";
import { UserError } from "../runtime/errors.js";
import { packageVersions } from "../runtime/run.js";
import {
  type CommonOptions,
  chooseMethods,
  chooseRlhfMethods,
  openRunFromOptions,
  resolveOptionsConfig,
  withRunOptions,
} from "./options.js";
import { defaultConfigPath, reportCommand, reproduce } from "./reproduce.js";
import { datasetLoader, disagreementStage, optimizeStage, simulateStage } from "./stages.js";

/** Exit code of `reproduce --check` when a required claim does not hold (1 is for bugs, 2 for user errors). */
export const EXIT_CLAIM_FAILED = 3;

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
  )
    .option(
      "--jobs <n>",
      "threads training members in parallel, this one included (default: the number of cores)",
    )
    .option("--shard <i/n>", "train only the members m with m mod n = i (default: from SLURM or Kubernetes)")
    .option(
      "--shard-count <n>",
      "shard count of a Kubernetes Indexed Job (the index is JOB_COMPLETION_INDEX)",
    )
    .option(
      "--resume",
      "continue the interrupted run in --out: finished members are kept, unfinished ones restart from " +
        "their last epoch checkpoint (a plain rerun resumes too; --resume says so and refuses --force)",
    )
    .action(async (options: CommonOptions & TrainRmFlags) => {
      const plan = trainRmPlan(options, resolveOptionsConfig(options), process.env);
      const ctx = await openRunFromOptions(options, "train-rm");
      await trainRewardModels(ctx, plan);
    });

  withRunOptions(
    program
      .command("disagreement")
      .description("measure how much the ensemble's reward models disagree on held-out pairs"),
    "run folder holding the trained ensemble",
  ).action(async (options: CommonOptions) => {
    const ctx = await openRunFromOptions(options, "disagreement");
    const table = await disagreementStage(ctx, datasetLoader(ctx));
    if (table) console.log(table);
  });

  withRunOptions(
    program
      .command("optimize")
      .description("optimise policies against the ensemble and evaluate them under the true reward")
      .option("--variance-aware", "run the paper's variance-aware method")
      .option("--methods <list>", `comma-separated methods: ${methodNames.join(", ")}`)
      .addOption(
        new Option(
          "--policy <kind>",
          "candidates: reweight fixed candidate sets; generative: SFT, reward models and PPO (the rlhf stage)",
        )
          .choices(["candidates", "generative"])
          .default("candidates"),
      ),
    "run folder holding the trained ensemble",
  ).action(async (options: CommonOptions & { varianceAware?: boolean; methods?: string; policy: string }) => {
    if (options.policy === "generative") {
      const ctx = await openRunFromOptions(options, "optimize --policy generative");
      const methods = chooseRlhfMethods(options, ctx.config.rlhf.methods);
      console.log(rlhfTable(await runRlhf(ctx, methods)));
      return;
    }
    const ctx = await openRunFromOptions(options, "optimize");
    const methods = chooseMethods(options, ctx.config.optimize.methods);
    console.log(await optimizeStage(ctx, datasetLoader(ctx), methods));
  });

  withRunOptions(
    program.command("simulate").description("simulate the paper's theoretical model: risk of both methods"),
    "run folder to write into",
  ).action(async (options: CommonOptions) => {
    const ctx = await openRunFromOptions(options, "simulate");
    const table = await simulateStage(ctx);
    if (table) console.log(table);
  });

  withRunOptions(
    program
      .command("reproduce")
      .description("run the whole study (the config's stages), write the report and check the claims")
      .option(
        "--check",
        `exit ${EXIT_CLAIM_FAILED} when a claim the config marks as required does not hold`,
        false,
      ),
    "run folder (default: results/<config name>)",
    "",
  )
    .addHelpText("after", `\nWith no --config, runs ${defaultConfigPath()}.`)
    .action(async (options: CommonOptions & { check: boolean }) => {
      const failed = await reproduce(options);
      if (options.check && failed.length > 0) process.exitCode = EXIT_CLAIM_FAILED;
    });

  program
    .command("report")
    .description("rebuild report.md, report.html and claims.json from the metrics in a run folder")
    .requiredOption("-o, --out <dir>", "run folder")
    .action((options: { out: string }) => reportCommand(options.out));

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
