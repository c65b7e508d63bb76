import { Command, CommanderError, Option } from "commander";
import { defaultConfigPath } from "../config/load.js";
import { type Config, methodNames, rlhfMethodNames, type StageName } from "../config/schema.js";
import { loadDataset } from "../data/load.js";
import { writeSyntheticJsonl } from "../data/synthetic.js";
import { datasetTexts, writeTextIndex } from "../features/texts.js";
import { pipeline, stageNamed } from "../pipeline.js";
import { logFailure, packageVersions } from "../run/folder.js";
import { checkData, type Stage, type StageAsk, stageRequest } from "../run/stage.js";
import { describeSystemError, EXIT_ENVIRONMENT, UserError } from "../runtime/errors.js";
import { stopProgress } from "../runtime/progress.js";
import { compareCommand } from "./compare.js";
import { type JobFlags, jobPlan, wholeJob, withJobFlags } from "./job-flags.js";
import {
  type CommonOptions,
  chooseMethods,
  configHelp,
  openRunFromOptions,
  outHelpSuffix,
  resolveOptionsConfig,
  runFolder,
  withRunOptions,
} from "./options.js";
import { reportCommand, reproduce, watchReport } from "./reproduce.js";
import { runAndPrint } from "./run-stage.js";
import { type SweepOptions, sweepCommand } from "./sweep.js";

const collectGrid = (value: string, previous: string[]) => [...previous, value];

/** Exit code of `reproduce --check` when a required claim does not hold (1 is for bugs, 2 for user errors). */
export const EXIT_CLAIM_FAILED = 3;

type StageOptions = CommonOptions &
  JobFlags & { varianceAware?: boolean; methods?: string; policy?: "candidates" | "generative" };

/**
 * The flags a stage's command adds to the common ones, what they ask of the stage, and (`instead`) the
 * stage they run in its place: `optimize --policy generative` is the rlhf stage.
 */
interface StageFlags {
  define(command: Command): Command;
  request(options: StageOptions, config: Config): Partial<StageAsk>;
  instead?(options: StageOptions): Stage<unknown> | undefined;
}

const generative = (options: StageOptions) => options.policy === "generative";

const stageFlags: Partial<Record<StageName, StageFlags>> = {
  "train-rm": {
    define: withJobFlags,
    request: (options, config) => ({ plan: jobPlan(options, config.rewardModel.shardCount, process.env) }),
  },
  rlhf: {
    define: withJobFlags,
    request: (options, config) => ({ plan: jobPlan(options, config.rewardModel.shardCount, process.env) }),
  },
  optimize: {
    define: (command) =>
      withJobFlags(command)
        .option("--variance-aware", "run the paper's variance-aware method")
        .option(
          "--methods <list>",
          `comma-separated methods: ${methodNames.join(", ")} (generative: ${rlhfMethodNames.join(", ")})`,
        )
        .addOption(
          new Option(
            "--policy <kind>",
            "candidates: reweight fixed candidate sets; generative: SFT, reward models and PPO (the rlhf stage)",
          )
            .choices(["candidates", "generative"])
            .default("candidates"),
        ),
    request: (options, config) =>
      generative(options)
        ? {
            rlhfMethods: chooseMethods(
              options,
              rlhfMethodNames,
              config.rlhf.methods,
              " for --policy generative",
            ),
          }
        : { methods: chooseMethods(options, methodNames, config.optimize.methods) },
    instead: (options) => (generative(options) ? stageNamed("rlhf") : undefined),
  },
};

function buildProgram(): Command {
  const program = new Command("align")
    .description(
      "Reward-model ensembles, their disagreement, and variance-aware policy optimisation (arXiv 2507.15906)",
    )
    .version(packageVersions().align)
    .addHelpText(
      "after",
      "\nWithout --config, every command runs configs/quick.yaml (the embedded synthetic study);\n" +
        "without --out, it writes into results/<config name> (results/quick).",
    )
    .showHelpAfterError()
    .exitOverride();

  for (const stage of pipeline) {
    const flags = stageFlags[stage.name];
    const outHelp =
      stage.needs.length > 0 ? "run folder holding the trained ensemble" : "run folder to write into";
    const command = withRunOptions(program.command(stage.name).description(stage.description), outHelp);
    (flags?.define(command) ?? command).action(async (options: StageOptions) => {
      // Flags and data are checked before anything is written.
      const config = resolveOptionsConfig(options);
      const request = stageRequest(config, { plan: wholeJob(), ...flags?.request(options, config) });
      const runs = flags?.instead?.(options) ?? stage;
      const ctx = await openRunFromOptions(options, runs.name, {
        config,
        check: checkData([runs], request),
        shard: request.plan.shard !== undefined,
      });
      await runAndPrint(ctx, runs, request);
    });
  }

  withRunOptions(
    program
      .command("reproduce")
      .description("run the whole study (the config's stages), write the report and check the claims")
      .option(
        "--check",
        `exit ${EXIT_CLAIM_FAILED} when a claim the config marks as required does not hold`,
        false,
      ),
    "run folder",
  )
    .addHelpText("after", `\nWith no --config, runs ${defaultConfigPath()}.`)
    .action(async (options: CommonOptions & { check: boolean }) => {
      const failed = await reproduce(options);
      if (options.check && failed.length > 0) process.exitCode = EXIT_CLAIM_FAILED;
    });

  program
    .command("report")
    .description("rebuild report.md, report.html and claims.json from the metrics in a run folder")
    .option("-o, --out <dir>", `run folder ${outHelpSuffix}`)
    .option("-c, --config <file>", `${configHelp}: only its name, for the default --out`)
    .option("--watch", "rebuild the report each time a stage finishes, until Ctrl-C")
    .action(async (options: { out?: string; config?: string; watch?: boolean }) => {
      const out = options.out || runFolder(options, resolveOptionsConfig(options));
      if (options.watch) await watchReport(out);
      else reportCommand(out);
    });

  program
    .command("compare")
    .description("run folders side by side: config differences, every claim with its interval, key metrics")
    .argument("<dirs...>", "run folders (at least two)")
    .option("--html <file>", "HTML page to write", "compare.html")
    .action((dirs: string[], options: { html: string }) => compareCommand(dirs, options.html));

  withRunOptions(
    program
      .command("sweep")
      .description("run the config at every grid point and seed, then tabulate and plot each claim's effect")
      .option(
        "--grid <key=v1,v2>",
        "a config key and its values (repeatable: every combination)",
        collectGrid,
        [],
      )
      .option("--seeds <n>", "seeds per point: seed, seed + 1, ...", "1")
      .option("--jobs <n>", "points run in parallel, this thread included (default: the number of cores)")
      .option("--shard <i/n>", "run only the points p with p mod n = i (default: from SLURM or Kubernetes)")
      .option(
        "--shard-count <n>",
        "shard count of a Kubernetes Indexed Job (the index is JOB_COMPLETION_INDEX)",
      ),
    "sweep folder: one run folder per point under points/, the table and plots beside",
  ).action((options: SweepOptions) => sweepCommand(options));

  const data = program.command("data").description("export datasets");
  data
    .command("synth")
    .description("write the embedded synthetic preference pairs as JSONL")
    .requiredOption("--out <file>", "JSONL file to write (required: a file, not a run folder)")
    .option("-c, --config <file>", `${configHelp}: its data.synthetic section and seed`)
    .action(async (options: { out: string; config?: string }) => {
      const config = resolveOptionsConfig(options);
      const count = writeSyntheticJsonl(options.out, config.data.synthetic, config.seed);
      console.log(`wrote ${count} pairs to ${options.out}`);
    });
  data
    .command("texts")
    .description(
      "write every prompt and response of the config's data (and data.eval) as JSONL, for scripts/embed.py",
    )
    .requiredOption("--out <file>", "JSONL file to write")
    .option("-c, --config <file>", `${configHelp}: its data section and seed`)
    .action(async (options: { out: string; config?: string }) => {
      const config = resolveOptionsConfig(options);
      const sources = [await loadDataset(config.data, config.seed)];
      if (config.data.eval !== undefined)
        sources.push(await loadDataset(config.data.eval, config.seed, "data.eval"));
      const texts = [...new Set(sources.flatMap(datasetTexts))];
      writeTextIndex(options.out, texts);
      console.log(`wrote ${texts.length} texts to ${options.out}`);
    });
  return program;
}

/** Ctrl-C (or a kill): the bar goes, the cursor comes back, and one line says how to go on. */
function onInterrupt(signal: NodeJS.Signals): void {
  stopProgress();
  process.stderr.write(
    `\nalign: interrupted (${signal}); run the same command again to resume: finished work is kept\n`,
  );
  process.exit(signal === "SIGINT" ? 130 : 143);
}

/**
 * Runs the CLI: user errors exit 2 with one message, environment errors (the file system refused) exit 4
 * with one message naming the path and the cause, bugs exit 1 with a stack; the stack goes to run.log too.
 */
export async function main(argv: string[]): Promise<void> {
  process.once("SIGINT", onInterrupt);
  process.once("SIGTERM", onInterrupt);
  process.once("exit", stopProgress);
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof UserError) {
      console.error(`align: error: ${error.message}`);
      logFailure(error, error.message);
      process.exitCode = 2;
      return;
    }
    const environment = describeSystemError(error);
    if (environment !== undefined) {
      console.error(`align: error: ${environment}`);
      logFailure(error, environment);
      process.exitCode = EXIT_ENVIRONMENT;
      return;
    }
    console.error(error);
    logFailure(error, "a bug: please report it with this stack");
    process.exitCode = 1;
  }
}
