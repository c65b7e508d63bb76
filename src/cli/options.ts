import { type Command, Option } from "commander";
import { loadConfig } from "../config/load.js";
import {
  type Config,
  type MethodName,
  methodNames,
  type RlhfMethodName,
  rlhfMethodNames,
} from "../config/schema.js";
import { type BackendChoice, backendChoices } from "../runtime/backend.js";
import { UserError } from "../runtime/errors.js";
import { openRun, type RunContext } from "../runtime/run.js";

export interface CommonOptions {
  config?: string;
  out: string;
  set: string[];
  backend: BackendChoice;
  force: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * The options every run command shares: config, run folder, overrides, backend, --force.
 * Without a default, --out is required.
 */
export function withRunOptions(command: Command, outHelp: string, defaultOut?: string): Command {
  const out = new Option("-o, --out <dir>", outHelp);
  if (defaultOut === undefined) out.makeOptionMandatory();
  else out.default(defaultOut);
  return command
    .option("-c, --config <file>", "YAML config (default: the embedded synthetic study)")
    .addOption(out)
    .option(
      "--set <key=value>",
      "override a config key, e.g. --set rewardModel.members=10 (repeatable)",
      collect,
      [],
    )
    .addOption(new Option("--backend <name>", "compute backend").choices(backendChoices).default("auto"))
    .option("--force", "redo finished stages; replace a run folder made from another config", false);
}

export function resolveOptionsConfig(options: CommonOptions): Config {
  return loadConfig(options.config, options.set);
}

export async function openRunFromOptions(options: CommonOptions, command: string): Promise<RunContext> {
  const config = resolveOptionsConfig(options);
  return openRun({ out: options.out, config, backend: options.backend, force: options.force, command });
}

/** Methods from --methods and --variance-aware; with neither, the config's list. */
export function chooseMethods(
  options: { varianceAware?: boolean; methods?: string },
  fallback: MethodName[],
): MethodName[] {
  const listed = (options.methods ?? "")
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  for (const m of listed) {
    if (!(methodNames as readonly string[]).includes(m)) {
      throw new UserError(`--methods: unknown method '${m}' (choose from ${methodNames.join(", ")})`);
    }
  }
  const chosen = listed as MethodName[];
  if (options.varianceAware) chosen.push("variance-aware");
  return chosen.length > 0 ? [...new Set(chosen)] : fallback;
}

/** Methods of the generative study from --methods and --variance-aware; with neither, the config's list. */
export function chooseRlhfMethods(
  options: { varianceAware?: boolean; methods?: string },
  fallback: RlhfMethodName[],
): RlhfMethodName[] {
  const listed = (options.methods ?? "")
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  for (const m of listed) {
    if (!(rlhfMethodNames as readonly string[]).includes(m)) {
      throw new UserError(
        `--methods: unknown method '${m}' for --policy generative (choose from ${rlhfMethodNames.join(", ")})`,
      );
    }
  }
  const chosen = listed as RlhfMethodName[];
  if (options.varianceAware) chosen.push("variance-aware");
  return chosen.length > 0 ? [...new Set(chosen)] : fallback;
}
