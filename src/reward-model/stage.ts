import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "../data/types.js";
import { rowEntries } from "../features/pool.js";
import { splitSizes, type TrainingData, trainingDataFromDataset } from "../features/training-data.js";
import { startWorkers } from "../jobs/pool.js";
import { runScheduled } from "../jobs/schedule.js";
import { type JobPlan, shardItems } from "../jobs/shard.js";
import { defaultJobs, freeCores } from "../jobs/threads.js";
import { writePlot } from "../plots/render.js";
import { lockMembers, type RunContext, writeShared } from "../run/folder.js";
import { type Stage, stageDir } from "../run/stage.js";
import { appendMetrics } from "../runtime/metrics-log.js";
import { createProgress } from "../runtime/progress.js";
import { mean } from "../runtime/stats.js";
import { dataFingerprint, loadCheckpoint, removeCheckpoint } from "./checkpoint.js";
import {
  type EnsembleSummary,
  type MemberMetrics,
  memberDir,
  memberFinished,
  memberSeeds,
  missingMembers,
  readHistory,
  readMemberMetrics,
  summarizeEnsemble,
} from "./ensemble.js";
import { localGroup, type MemberPlan, runGroup, type TrainingEvent, type TrainingJob } from "./job.js";
import { trainingPlots } from "./plots.js";
import { rewardModelsSection, rewardModelsTable } from "./report.js";
import type { EpochRecord } from "./train.js";

/**
 * A group holds at most this many parameters: with Adam's moments and the snapshot taken at each
 * epoch's end, ~25 MB. Members of a group share no arithmetic (heads.ts), so small groups cost no
 * speed; they bound a thread's memory (the mlp head of paper-figure1 is 0.5 M weights a member) and
 * give the threads more pieces to share.
 */
const MAX_GROUP_PARAMETERS = 1 << 20;

function trainingJob(ctx: RunContext, data: TrainingData, ensembleDir: string): TrainingJob {
  const { rewardModel, features } = ctx.config;
  return {
    rewardModel,
    features,
    backend: ctx.backend,
    ensembleDir,
    data,
    fingerprint: dataFingerprint(data),
  };
}

/** Members not finished yet, starting over (their folders removed) under --force. */
function pendingPlans(ctx: RunContext, ensembleDir: string, members: number[], repeat: number): MemberPlan[] {
  const rm = ctx.config.rewardModel;
  if (ctx.force) {
    for (const m of members) rmSync(memberDir(ensembleDir, m), { recursive: true, force: true });
    rmSync(ensembleMetricsFile(ensembleDir), { force: true });
  }
  const pending = members.filter((m) => !memberFinished(ensembleDir, m));
  // A member killed just after its metrics.json still holds its checkpoint: finished, it needs it no more.
  for (const m of members.filter((m) => !pending.includes(m))) removeCheckpoint(memberDir(ensembleDir, m));
  return pending.map((member) => ({
    member,
    seeds: memberSeeds(ctx.config.seed, member, rm.bootstrap, repeat),
  }));
}

/** Weights of one member. */
function memberParameters(job: TrainingJob): number {
  const { head, hiddenUnits } = job.rewardModel;
  const inputs = job.data.pool.dimension;
  return head === "linear" ? inputs : (inputs + 2) * hiddenUnits;
}

/**
 * The work of training `memberEpochs` member-epochs, in units the host kernels do in about a
 * nanosecond each: per pair, its rows' entries times the hidden width (forward and backward, four
 * passes); per Adam step, the member's weights (one fused pass of about ten operations).
 */
export function trainingWork(job: TrainingJob, memberEpochs: number): number {
  const { head, hiddenUnits, batchSize } = job.rewardModel;
  const width = head === "linear" ? 1 : hiddenUnits;
  const train = job.data.splits.train;
  let entries = 0;
  for (const pair of train)
    entries += rowEntries(job.data.pool, 2 * pair) + rowEntries(job.data.pool, 2 * pair + 1);
  const steps = Math.ceil(train.length / batchSize);
  return memberEpochs * (4 * entries * width + 10 * steps * memberParameters(job));
}

/**
 * Groups the members to train: members resuming from the same point (epoch, and position in it)
 * train in lockstep, in groups of at most MAX_GROUP_PARAMETERS parameters.
 */
function planGroups(job: TrainingJob, plans: MemberPlan[]): { groups: MemberPlan[][]; epochs: number } {
  const byPoint = new Map<string, MemberPlan[]>();
  let epochs = 0;
  for (const plan of plans) {
    const state = loadCheckpoint(memberDir(job.ensembleDir, plan.member), job.fingerprint);
    const done = state?.history.length ?? 0;
    epochs += job.rewardModel.epochs - done;
    const point = `${done}/${state?.position ?? 0}`;
    byPoint.set(point, [...(byPoint.get(point) ?? []), plan]);
  }
  const perMember = memberParameters(job);
  const maxGroup = Math.max(1, Math.floor(MAX_GROUP_PARAMETERS / perMember));
  const groups: MemberPlan[][] = [];
  for (const members of byPoint.values()) {
    for (let i = 0; i < members.length; i += maxGroup) groups.push(members.slice(i, i + maxGroup));
  }
  return { groups, epochs };
}

/** The ensemble's live per-epoch figures, one line per member and epoch (see runtime/metrics-log). */
export function ensembleMetricsFile(ensembleDir: string): string {
  return join(ensembleDir, "metrics.jsonl");
}

/**
 * Progress of a training run: a tick per member-epoch with the latest epoch's mean loss and
 * validation accuracy over the members, a line in metrics.jsonl per member-epoch, a log line per
 * finished member.
 */
function trainingProgress(ctx: RunContext, epochs: number, ensembleDir: string) {
  const progress = createProgress("train-rm", epochs, ctx.logger, { unit: "member-epochs" });
  const latest = new Map<number, EpochRecord>();
  const emit = (event: TrainingEvent) => {
    if (event.type === "epoch") {
      const { member, record } = event;
      appendMetrics(ensembleMetricsFile(ensembleDir), { member, ...record });
      latest.set(member, record);
      const records = [...latest.values()];
      const epoch = Math.max(...records.map((r) => r.epoch));
      progress.tick(1, {
        epoch: `${epoch}/${ctx.config.rewardModel.epochs}`,
        loss: mean(records.map((r) => r.trainLoss)),
        "val acc": mean(records.map((r) => r.validationAccuracy)),
      });
    } else {
      const { member, testAccuracy, seeds } = event.metrics;
      ctx.logger.info(
        { member, testAccuracy, seeds },
        `member ${member}: test accuracy ${testAccuracy.toFixed(3)}`,
      );
    }
  };
  return { emit, stop: () => progress.stop() };
}

/** Trains the planned members in this thread, one group after another. */
function trainInThisThread(ctx: RunContext, job: TrainingJob, plans: MemberPlan[]): void {
  const { groups, epochs } = planGroups(job, plans);
  const progress = trainingProgress(ctx, epochs, job.ensembleDir);
  try {
    for (const group of groups) runGroup(job, group, progress.emit);
  } finally {
    progress.stop();
  }
}

/**
 * Trains the given members of an ensemble (those not finished yet; all of them under --force) into
 * `ensembleDir` with `jobs` threads: this one and jobs − 1 workers, started before `load` reads the
 * data so that their start-up overlaps it. Without `jobs`, the amount of work and the cores other work
 * leaves free decide (defaultJobs, freeCores), once the data is read. The members are locked while they train (see lockMembers).
 */
export async function trainMembers(
  ctx: RunContext,
  load: () => Promise<TrainingData>,
  ensembleDir: string,
  members: number[],
  jobs: number | undefined,
): Promise<void> {
  const unlock = lockMembers(ctx, ensembleDir, members, "train-rm");
  try {
    await trainLocked(ctx, load, ensembleDir, members, jobs);
  } finally {
    unlock();
  }
}

async function trainLocked(
  ctx: RunContext,
  load: () => Promise<TrainingData>,
  ensembleDir: string,
  members: number[],
  jobs: number | undefined,
): Promise<void> {
  const plans = pendingPlans(ctx, ensembleDir, members, 0);
  if (plans.length === 0) return;
  const workersFor = (threads: number) => Math.min(threads, plans.length) - 1;
  const start = (threads: number) =>
    workersFor(threads) > 0
      ? startWorkers<TrainingJob, MemberPlan[], TrainingEvent>(
          workersFor(threads),
          new URL("./worker-tasks.js", import.meta.url),
          ctx.backend,
        )
      : undefined;
  let pool = jobs === undefined ? undefined : start(jobs);
  try {
    const data = await load();
    const job = trainingJob(ctx, data, ensembleDir);
    const { groups, epochs } = planGroups(job, plans);
    const threads = jobs ?? defaultJobs(trainingWork(job, epochs), freeCores());
    ctx.logger.info(
      { pairs: splitSizes(data), jobs: threads },
      `${data.source}: ${data.pool.rows / 2} pairs featurised; ${threads} thread(s)`,
    );
    if (jobs === undefined) pool = start(threads);
    if (pool === undefined) return trainInThisThread(ctx, job, plans);
    const progress = trainingProgress(ctx, epochs, ensembleDir);
    try {
      await runScheduled(pool, job, groups, (plans) => localGroup(job, plans, progress.emit), progress.emit);
    } finally {
      progress.stop();
    }
  } finally {
    await pool?.close();
  }
}

/**
 * Trains the N members of an ensemble into `ensembleDir` in this thread, resuming members a previous
 * call left unfinished, and writes the ensemble's summary.json. For stages that hold the dataset in
 * memory already (reproduce, optimize's repeats); `align train-rm` uses trainRewardModels.
 */
export function trainEnsemble(
  ctx: RunContext,
  dataset: Dataset,
  ensembleDir: string,
  repeat = 0,
): MemberMetrics[] {
  const all = Array.from({ length: ctx.config.rewardModel.members }, (_, m) => m);
  const plans = pendingPlans(ctx, ensembleDir, all, repeat);
  if (plans.length > 0) {
    trainInThisThread(
      ctx,
      trainingJob(ctx, trainingDataFromDataset(dataset, ctx.config.features), ensembleDir),
      plans,
    );
  }
  summarizeEnsemble(ensembleDir, ctx.config, ctx.backend);
  return all.map((m) => readMemberMetrics(ensembleDir, m));
}

/**
 * `align train-rm`: trains this process's members (all, or its shard's) into the run's reward-models
 * folder, with `jobs` worker threads, resuming what an interrupted call left: finished members are
 * kept and unfinished ones restart from their last epoch checkpoint (a plain rerun resumes as --resume
 * does). The stage completes, with summary.json, when every member of the ensemble is finished,
 * whichever process finishes last.
 */
async function trainRewardModels(
  ctx: RunContext,
  plan: JobPlan,
  load: () => Promise<TrainingData>,
): Promise<EnsembleSummary | undefined> {
  const { config, logger } = ctx;
  const dir = stageDir(ctx, "reward-models");
  const own = shardItems(config.rewardModel.members, plan.shard);
  if (plan.shard !== undefined) {
    const { index, count, from } = plan.shard;
    logger.info({ shard: plan.shard }, `shard ${index}/${count} (${from}): member(s) ${own.join(", ")}`);
  }
  await trainMembers(ctx, load, dir, own, plan.jobs);
  const summary = writeShared(ctx, () => summarizeEnsemble(dir, config, ctx.backend));
  if (summary === undefined) {
    const missing = missingMembers(dir, config.rewardModel.members);
    logger.info(
      { missing },
      `reward-models: member(s) ${missing.join(", ")} still to come from other shards`,
    );
    return undefined;
  }
  const histories = Array.from({ length: config.rewardModel.members }, (_, m) => readHistory(dir, m));
  for (const [name, spec] of Object.entries(trainingPlots(histories))) await writePlot(dir, name, spec);
  return summary;
}

export const trainRmStage: Stage<EnsembleSummary> = {
  name: "train-rm",
  folder: "reward-models",
  description: "train N independent reward models on a preference dataset",
  summaryFile: "summary.json",
  needs: [],
  check: (request) => request.trainingData(),
  run: (ctx, request) => trainRewardModels(ctx, request.plan, request.trainingData),
  table: rewardModelsTable,
  section: rewardModelsSection,
};
