import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { defaultConfigPath, loadConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { openRun, type RunContext, type RunOptions } from "../run/folder.js";
import { type BackendChoice, backendChoices } from "../runtime/backend.js";
import { UserError } from "../runtime/errors.js";

export interface CommonOptions {
  config?: string;
  out?: string;
  set: string[];
  backend: BackendChoice;
  force: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const configHelp = "YAML config (default: configs/quick.yaml, the embedded synthetic study)";
export const outHelpSuffix = "(default: results/<config name>)";

/** The options every run command shares: config, run folder, overrides, backend, --force. */
export function withRunOptions(command: Command, outHelp: string): Command {
  return command
    .option("-c, --config <file>", configHelp)
    .option("-o, --out <dir>", `${outHelp} ${outHelpSuffix}`)
    .option(
      "--set <key=value>",
      "override a config key, e.g. --set rewardModel.members=10 (repeatable)",
      collect,
      [],
    )
    .addOption(new Option("--backend <name>", "compute backend").choices(backendChoices).default("auto"))
    .option("--force", "redo finished stages; replace a run folder made from another config", false);
}

/** The config of --config, else of the embedded default study, with the --set overrides. */
export function resolveOptionsConfig(options: { config?: string; set?: string[] }): Config {
  return loadConfig(options.config ?? defaultConfigPath(), options.set ?? []);
}

/** --out, else results/<config name> under the current folder. */
export function runFolder(options: { out?: string }, config: Config): string {
  // An empty --out is passed on, for openRun to refuse: it would be the current folder.
  return options.out ?? resolve("results", config.name);
}

/** Opens the run folder of a command; `extra` adds the data check and the shard mode (see RunOptions). */
export async function openRunFromOptions(
  options: CommonOptions,
  command: string,
  extra: Pick<RunOptions, "check" | "shard"> & { config?: Config } = {},
): Promise<RunContext> {
  const config = extra.config ?? resolveOptionsConfig(options);
  return openRun({
    out: runFolder(options, config),
    config,
    backend: options.backend,
    force: options.force,
    command,
    check: extra.check,
    shard: extra.shard,
  });
}

/**
 * Methods from --methods and --variance-aware, checked against `known` (`what` names the method set in
 * the error); with neither flag, the config's list.
 */
export function chooseMethods<Name extends string>(
  options: { varianceAware?: boolean; methods?: string },
  known: readonly Name[],
  fallback: readonly Name[],
  what = "",
): Name[] {
  const listed = (options.methods ?? "")
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  for (const m of listed) {
    if (!(known as readonly string[]).includes(m)) {
      throw new UserError(`--methods: unknown method '${m}'${what} (choose from ${known.join(", ")})`);
    }
  }
  const chosen = listed as Name[];
  if (options.varianceAware) chosen.push("variance-aware" as Name);
  return chosen.length > 0 ? [...new Set(chosen)] : [...fallback];
}
