import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Config, MethodName, RlhfMethodName, StageName } from "../config/schema.js";
import { heldOutFrom } from "../data/evaluation.js";
import { loadDataset } from "../data/load.js";
import type { Dataset } from "../data/types.js";
import { loadTrainingData, type TrainingData } from "../features/training-data.js";
import type { JobPlan } from "../jobs/shard.js";
import { writeJsonAtomic } from "../runtime/files.js";
import { type RunContext, readJson, writeShared } from "./folder.js";

/** What a command asks of a stage beyond the config. */
export interface StageRequest {
  /** The training source (data), loaded once however many stages need it: what reward models train on. */
  dataset: () => Promise<Dataset>;
  /**
   * What the disagreement and optimize stages evaluate on, loaded once: the test split of the training
   * source, or with data.eval the evaluation source's, less the prompts reward models trained on.
   */
  evaluation: () => Promise<Dataset>;
  /** The training pairs featurised (streamed from pair files), loaded once. */
  trainingData: () => Promise<TrainingData>;
  /** Threads and shard of the stage's job. */
  plan: JobPlan;
  /** Optimisation methods to run; undefined: the config's `optimize.methods`. */
  methods?: readonly MethodName[];
  /** Generative-policy methods to run; undefined: the config's `rlhf.methods`. */
  rlhfMethods?: readonly RlhfMethodName[];
}

/** Extra things a command asks of a stage: everything of a request but the data. */
export type StageAsk = Omit<StageRequest, "dataset" | "evaluation" | "trainingData">;

/** Memoises a loader: it runs on first use, however many stages (and the run folder's check) ask. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= load();
    return value;
  };
}

/** A request whose data is loaded once, on first use, however many stages ask for it. */
export function stageRequest(config: Config, extra: StageAsk): StageRequest {
  const dataset = once(() => loadDataset(config.data, config.seed));
  const { eval: evalSource } = config.data;
  const evaluation =
    evalSource === undefined
      ? dataset
      : once(async () =>
          heldOutFrom(await dataset(), await loadDataset(evalSource, config.seed, "data.eval")),
        );
  return { ...extra, dataset, evaluation, trainingData: once(() => loadTrainingData(config)) };
}

/** Reads what the stages need (throwing on bad data) before anything is written into the run folder. */
export function checkData(stages: readonly Stage<unknown>[], request: StageRequest): () => Promise<unknown> {
  return () => Promise.all(stages.map((stage) => stage.check?.(request)));
}

/** What a stage's report section gets besides its summary. */
export interface SectionView {
  /** Its PNG plots, relative to the run folder. */
  plots: string[];
  /** The command that regenerates its numbers. */
  regenerate: string;
}

/**
 * A stage of the pipeline as a value: everything the CLI, `reproduce`, the run-folder reader and the
 * report need to know of it. The ordered list of stages is src/pipeline.ts.
 */
export interface Stage<Summary = unknown> {
  /** Its name in the config's `stages` and its CLI command. */
  name: StageName;
  /** Its folder in the run folder. */
  folder: string;
  /** One line for `--help`. */
  description: string;
  /** Its summary file in its folder, written by `run` and read back by the report. */
  summaryFile: string;
  /** Stages whose results it reads. */
  needs: readonly StageName[];
  /** Extra flags of the regenerate command (beyond --config, --out and --force). */
  regenerateFlags?: string;
  /** Re-runs its body even when complete, adding to its results (optimize's methods). */
  incremental?: boolean;
  /** Reads the data it needs, so that bad data fails before anything is written (see openRun's check). */
  check?: (request: StageRequest) => Promise<unknown>;
  /** Does the stage's work; returns its summary, or undefined when this process did not finish it (a shard). */
  run(ctx: RunContext, request: StageRequest): Promise<Summary | undefined>;
  /** The summary as plain text for the terminal. */
  table(summary: Summary): string;
  /** The stage's section of report.md: its tables and plots. */
  section(summary: Summary, view: SectionView): string;
}

export function stageDir(ctx: RunContext, folder: string): string {
  return join(ctx.out, folder);
}

/**
 * Runs a stage unless its completion marker says it is done (then it is skipped unless --force, and
 * gives no summary). The marker is written last, so an interrupted stage is redone or resumed on the
 * next call. An incremental stage always runs. A run that gives no summary (a shard whose sibling
 * shards are still running) leaves no marker.
 */
export async function executeStage<Summary>(
  ctx: RunContext,
  stage: Stage<Summary>,
  request: StageRequest,
): Promise<Summary | undefined> {
  const marker = join(stageDir(ctx, stage.folder), "complete.json");
  if (existsSync(marker) && !ctx.force && !stage.incremental) {
    ctx.logger.info(
      { stage: stage.folder },
      `${stage.folder}: already complete in ${ctx.out} (pass --force to redo it)`,
    );
    return undefined;
  }
  writeShared(ctx, () => rmSync(marker, { force: true }));
  const started = Date.now();
  const summary = await stage.run(ctx, request);
  if (summary === undefined) return undefined;
  const seconds = (Date.now() - started) / 1000;
  // run.json before the marker: a kill between them redoes the stage rather than lose its entry.
  writeShared(ctx, () => {
    const runPath = join(ctx.out, "run.json");
    const run = readJson(runPath) ?? {};
    const stages = (run.stages ?? {}) as Record<string, unknown>;
    writeJsonAtomic(runPath, {
      ...run,
      stages: { ...stages, [stage.folder]: { seconds, backend: ctx.backend } },
    });
    writeJsonAtomic(marker, { stage: stage.folder, finishedAt: new Date().toISOString(), seconds });
  });
  ctx.logger.info({ stage: stage.folder, seconds }, `${stage.folder}: done in ${seconds.toFixed(1)} s`);
  return summary;
}
