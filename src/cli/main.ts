import { Command, CommanderError } from "commander";
import { loadConfig } from "../config/load.js";
import { type Config, methodNames, type StageName } from "../config/schema.js";
import { writeSyntheticJsonl } from "../data/synthetic.js";
import { pipeline } from "../pipeline.js";
import { packageVersions } from "../run/folder.js";
import type { StageRequest } from "../run/stage.js";
import { UserError } from "../runtime/errors.js";
import { type JobFlags, jobPlan, wholeJob, withJobFlags } from "./job-flags.js";
import {
  type CommonOptions,
  chooseMethods,
  openRunFromOptions,
  resolveOptionsConfig,
  withRunOptions,
} from "./options.js";
import { defaultConfigPath, reportCommand, reproduce } from "./reproduce.js";
import { runAndPrint, stageRequest } from "./run-stage.js";

/** Exit code of `reproduce --check` when a required claim does not hold (1 is for bugs, 2 for user errors). */
export const EXIT_CLAIM_FAILED = 3;

type StageOptions = CommonOptions & JobFlags & { varianceAware?: boolean; methods?: string };

/** The flags a stage's command adds to the common ones, and what they ask of the stage. */
interface StageFlags {
  define(command: Command): Command;
  request(options: StageOptions, config: Config): Partial<Omit<StageRequest, "dataset">>;
}

const stageFlags: Partial<Record<StageName, StageFlags>> = {
  "train-rm": {
    define: withJobFlags,
    request: (options, config) => ({ plan: jobPlan(options, config, process.env) }),
  },
  optimize: {
    define: (command) =>
      command
        .option("--variance-aware", "run the paper's variance-aware method")
        .option("--methods <list>", `comma-separated methods: ${methodNames.join(", ")}`),
    request: (options, config) => ({ methods: chooseMethods(options, config.optimize.methods) }),
  },
};

function buildProgram(): Command {
  const program = new Command("align")
    .description(
      "Reward-model ensembles, their disagreement, and variance-aware policy optimisation (arXiv 2507.15906)",
    )
    .version(packageVersions().align)
    .showHelpAfterError()
    .exitOverride();

  for (const stage of pipeline) {
    const flags = stageFlags[stage.name];
    const outHelp =
      stage.needs.length > 0 ? "run folder holding the trained ensemble" : "run folder to write into";
    const command = withRunOptions(program.command(stage.name).description(stage.description), outHelp);
    (flags?.define(command) ?? command).action(async (options: StageOptions) => {
      // Flags are checked before anything is written.
      const extra = flags?.request(options, resolveOptionsConfig(options)) ?? {};
      const ctx = await openRunFromOptions(options, stage.name);
      await runAndPrint(ctx, stage, stageRequest(ctx, { plan: wholeJob(), ...extra }));
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
    if (error instanceof UserError) {
      console.error(`align: error: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    console.error(error);
    process.exitCode = 1;
  }
}
