import type { FeaturesConfig, RewardModelConfig } from "../config/schema.js";
import { splitSizes, type TrainingData } from "../features/training-data.js";
import type { LocalRun } from "../jobs/schedule.js";
import { removeOrphanedTemporaries } from "../runtime/files.js";
import { type DataFingerprint, loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { type MemberMetrics, memberDir, writeMember } from "./ensemble.js";
import {
  type EpochRecord,
  evaluateGroup,
  freshState,
  type GroupProgress,
  type MemberSeeds,
  type MemberState,
  trainGroup,
} from "./train.js";

/** What every group of a training run shares; it crosses to worker threads as is (the pool is shared memory). */
export interface TrainingJob {
  rewardModel: RewardModelConfig;
  features: FeaturesConfig;
  backend: string;
  ensembleDir: string;
  data: TrainingData;
  fingerprint: DataFingerprint;
}

export interface MemberPlan {
  member: number;
  seeds: MemberSeeds;
}

export type TrainingEvent =
  | { type: "epoch"; member: number; record: EpochRecord }
  | { type: "member"; metrics: MemberMetrics };

/** Where a member starts: its last checkpoint, or its initial weights. */
function startState(job: TrainingJob, plan: MemberPlan): MemberState {
  removeOrphanedTemporaries(memberDir(job.ensembleDir, plan.member), false);
  return (
    loadCheckpoint(memberDir(job.ensembleDir, plan.member), job.fingerprint) ??
    freshState(job.rewardModel, job.data.pool.dimension, plan.member, plan.seeds)
  );
}

function saveCheckpoints(job: TrainingJob, states: MemberState[]): void {
  for (const state of states)
    saveCheckpoint(memberDir(job.ensembleDir, state.member), state, job.fingerprint);
}

/** After an epoch: each member's checkpoint, then its progress event. */
function saveEpoch(job: TrainingJob, states: MemberState[], emit: (event: TrainingEvent) => void): void {
  saveCheckpoints(job, states);
  for (const state of states) {
    emit({ type: "epoch", member: state.member, record: state.history[state.history.length - 1] });
  }
}

/** After the last epoch: test metrics and each member's files (which drop its checkpoint). */
function finishMembers(job: TrainingJob, states: MemberState[], emit: (event: TrainingEvent) => void): void {
  const tests = evaluateGroup(
    states.map((s) => s.params),
    job.data,
    job.data.splits.test,
  );
  states.forEach((state, g) => {
    const last = state.history[state.history.length - 1];
    const metrics: MemberMetrics = {
      member: state.member,
      seeds: state.seeds,
      backend: job.backend,
      testAccuracy: tests[g].accuracy,
      testLoss: tests[g].loss,
      finalTrainLoss: last.trainLoss,
      finalValidationAccuracy: last.validationAccuracy,
      pairs: splitSizes(job.data),
      dropped: job.data.dropped,
      source: job.data.source,
    };
    writeMember(job.ensembleDir, state.params, state.history, metrics, job.features);
    emit({ type: "member", metrics });
  });
}

/** Cuts `items` into `count` runs of near-equal length, in order. */
function parts<T>(items: T[], count: number): T[][] {
  return Array.from({ length: count }, (_, i) =>
    items.slice(Math.floor((i * items.length) / count), Math.floor(((i + 1) * items.length) / count)),
  );
}

/** A group's run in this thread: its steps are synchronous, so runGroup can drain them. */
export interface GroupRun extends LocalRun<MemberPlan[]> {
  steps(): Iterable<number>;
}

/**
 * A group of members (all resuming from the same point) trained in this thread, epoch checkpoints
 * saved as it goes. At any pause it can hand shares of its members to workers: each share resumes
 * from the checkpoints written there and then, since a member's numbers do not depend on its group.
 */
export function localGroup(
  job: TrainingJob,
  plans: MemberPlan[],
  emit: (event: TrainingEvent) => void,
): GroupRun {
  let states = plans.map((plan) => startState(job, plan));
  let current: GroupProgress | undefined;
  let kept: MemberState[] | undefined;
  return {
    *steps() {
      for (let restart = true; restart; ) {
        restart = false;
        for (const progress of trainGroup(job.rewardModel, job.data, states)) {
          current = progress;
          if (progress.epochEnd) {
            states = progress.states();
            saveEpoch(job, states, emit);
          }
          yield progress.done;
          if (kept !== undefined) {
            states = kept;
            kept = undefined;
            restart = true;
            break;
          }
        }
      }
      finishMembers(job, states, emit);
    },
    pieces: () => states.length,
    split(count) {
      if (current === undefined) throw new Error("split: the group has not started");
      const [first, ...given] = parts(current.states(), count);
      if (!current.epochEnd) for (const share of given) saveCheckpoints(job, share);
      kept = first;
      return given.map((share) => share.map(({ member, seeds }) => ({ member, seeds })));
    },
  };
}

/** Trains one group of members (all resuming from the same epoch) to the end, in this thread. */
export function runGroup(job: TrainingJob, plans: MemberPlan[], emit: (event: TrainingEvent) => void): void {
  for (const _ of localGroup(job, plans, emit).steps());
}
