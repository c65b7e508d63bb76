import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { StageName } from "../config/schema.js";
import { pipeline } from "../pipeline.js";
import type { Stage } from "../run/stage.js";
import { UserError } from "../runtime/errors.js";

/** What a run folder holds: the summary of each completed stage and its plots. */
export interface RunFiles {
  out: string;
  configText: string;
  config: Record<string, unknown>;
  run: {
    name?: string;
    seed?: number;
    backend?: string;
    versions?: Record<string, string>;
    gitCommit?: string | null;
    stages?: Record<string, { seconds: number }>;
  };
  /** Summaries of the completed stages, by stage name: read them with summaryOf. */
  summaries: Partial<Record<StageName, unknown>>;
  /** PNG files of each completed stage, relative to the run folder. */
  plots: Partial<Record<StageName, string[]>>;
}

/** A completed stage's summary, typed by its descriptor; undefined when the stage is not complete. */
export function summaryOf<Summary>(files: RunFiles, stage: Stage<Summary>): Summary | undefined {
  return files.summaries[stage.name] as Summary | undefined;
}

/** Reads a run folder; only stages with a completion marker count. */
export function readRunFiles(out: string): RunFiles {
  const configPath = join(out, "config.yaml");
  if (!existsSync(configPath)) throw new UserError(`${out}: not a run folder (no config.yaml)`);
  const configText = readFileSync(configPath, "utf8");
  const runPath = join(out, "run.json");
  const files: RunFiles = {
    out,
    configText,
    config: parseYaml(configText),
    run: existsSync(runPath) ? JSON.parse(readFileSync(runPath, "utf8")) : {},
    summaries: {},
    plots: {},
  };
  for (const stage of pipeline) {
    const dir = join(out, stage.folder);
    if (!existsSync(join(dir, "complete.json"))) continue;
    files.summaries[stage.name] = JSON.parse(readFileSync(join(dir, stage.summaryFile), "utf8"));
    files.plots[stage.name] = readdirSync(dir)
      .filter((f) => f.endsWith(".png"))
      .sort()
      .map((f) => `${stage.folder}/${f}`);
  }
  return files;
}
