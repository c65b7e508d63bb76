import type { FeaturesConfig, RewardModelConfig } from "../config/schema.js";
import { removeOrphanedTemporaries } from "../runtime/files.js";
import { type DataFingerprint, loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { type MemberMetrics, memberDir, writeMember } from "./ensemble.js";
import { groupTensors } from "./score.js";
import {
  type EpochRecord,
  evaluateGroup,
  freshState,
  type MemberSeeds,
  type MemberState,
  trainGroup,
} from "./train.js";
import { splitSizes, type TrainingData } from "./training-data.js";

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
export function startState(job: TrainingJob, plan: MemberPlan): MemberState {
  removeOrphanedTemporaries(memberDir(job.ensembleDir, plan.member), false);
  return (
    loadCheckpoint(memberDir(job.ensembleDir, plan.member), job.fingerprint) ??
    freshState(job.rewardModel, job.features.dimension, plan.member, plan.seeds)
  );
}

export function saveCheckpoints(job: TrainingJob, states: MemberState[]): void {
  for (const state of states)
    saveCheckpoint(memberDir(job.ensembleDir, state.member), state, job.fingerprint);
}

/** After an epoch: each member's checkpoint, then its progress event. */
export function saveEpoch(
  job: TrainingJob,
  states: MemberState[],
  emit: (event: TrainingEvent) => void,
): void {
  saveCheckpoints(job, states);
  for (const state of states) {
    emit({ type: "epoch", member: state.member, record: state.history[state.history.length - 1] });
  }
}

/** After the last epoch: test metrics and each member's files (which drop its checkpoint). */
export function finishMembers(
  job: TrainingJob,
  states: MemberState[],
  emit: (event: TrainingEvent) => void,
): void {
  const params = groupTensors(states.map((s) => s.params));
  let tests: { accuracy: number; loss: number }[];
  try {
    tests = evaluateGroup(job.rewardModel.head, params, states.length, job.data, job.data.splits.test);
  } finally {
    for (const t of Object.values(params)) t.dispose();
  }
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
    };
    writeMember(job.ensembleDir, state.params, state.history, metrics, job.features);
    emit({ type: "member", metrics });
  });
}

/** Trains one group of members (all resuming from the same epoch) to the end, in this thread. */
export function runGroup(job: TrainingJob, plans: MemberPlan[], emit: (event: TrainingEvent) => void): void {
  let states = plans.map((plan) => startState(job, plan));
  for (const progress of trainGroup(job.rewardModel, job.data, states)) {
    if (!progress.epochEnd) continue;
    states = progress.states();
    saveEpoch(job, states, emit);
  }
  finishMembers(job, states, emit);
}
