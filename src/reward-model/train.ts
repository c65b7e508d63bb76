import * as tf from "@tensorflow/tfjs-core";
import type { RewardModelConfig } from "../config/schema.js";
import type { TrainingData } from "../features/training-data.js";
import { UserError } from "../runtime/errors.js";
import { createRng, deriveSeed, permutation } from "../runtime/random.js";
import { pairAccuracy } from "./accuracy.js";
import { type AdamSlot, adamStep } from "./adam.js";
import { createBatchBuilder } from "./batch.js";
import {
  type GroupTensors,
  type LossAndGradients,
  linearLossAndGradients,
  mlpLossAndGradients,
  uploadBatch,
} from "./heads.js";
import {
  groupShapes,
  type HeadParams,
  initParams,
  l2Penalty,
  paramArrays,
  stackArrays,
  unstackArrays,
  withArrays,
} from "./params.js";
import { groupRewards, meanPairLoss } from "./score.js";

/** Seeds that make a member differ from the others; everything else is shared. */
export interface MemberSeeds {
  init: number;
  order: number;
  bootstrap?: number;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationAccuracy: number;
}

/** Training hit NaN or Infinity: the user's settings (learning rate, data) are at fault, so it is a user error. */
export class TrainingDivergedError extends UserError {
  override readonly name: string = "TrainingDivergedError";
}

/** Everything that changes while a member trains: restoring it resumes training exactly where it stopped. */
export interface MemberState {
  member: number;
  seeds: MemberSeeds;
  params: HeadParams;
  /** Adam's first and second moments, named like params.tensors. */
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
  /** Adam steps taken. */
  step: number;
  /** One record per finished epoch. */
  history: EpochRecord[];
  /** Pairs of the current epoch trained so far, and the sum of their batches' losses × sizes. */
  position: number;
  lossSum: number;
}

export function freshState(
  config: RewardModelConfig,
  inputDim: number,
  member: number,
  seeds: MemberSeeds,
): MemberState {
  const params = initParams(config, inputDim, seeds.init);
  const zeros = () =>
    Object.fromEntries(Object.entries(paramArrays(params)).map(([n, a]) => [n, new Float32Array(a.length)]));
  return { member, seeds, params, m: zeros(), v: zeros(), step: 0, history: [], position: 0, lossSum: 0 };
}

/** Positions in the training split that a member sees: all of them, or a bootstrap resample of the same size. */
export function memberSample(count: number, seeds: MemberSeeds): Int32Array {
  if (seeds.bootstrap === undefined) return Int32Array.from({ length: count }, (_, i) => i);
  const rng = createRng(seeds.bootstrap);
  return Int32Array.from({ length: count }, () => rng.int(count));
}

/**
 * The pairs of one epoch in the order the member sees them. The order generator of epoch e is seeded
 * from (order seed, e) alone, so its state at an epoch boundary is the epoch number: a checkpoint
 * taken there restores it exactly.
 */
export function epochOrder(
  train: Int32Array,
  sample: Int32Array,
  seeds: MemberSeeds,
  epoch: number,
): Int32Array {
  const order = permutation(sample.length, createRng(deriveSeed(seeds.order, "epoch", epoch)));
  return Int32Array.from(order, (i) => train[sample[i]]);
}

/** Accuracy and mean loss of each member of a group on pairs (pair p: rows 2p and 2p + 1). */
export function evaluateGroup(
  head: HeadParams["head"],
  params: GroupTensors,
  members: number,
  data: TrainingData,
  pairs: Int32Array,
): { accuracy: number; loss: number }[] {
  const rows = new Int32Array(2 * pairs.length);
  pairs.forEach((p, i) => {
    rows[i] = 2 * p;
    rows[pairs.length + i] = 2 * p + 1;
  });
  return groupRewards(head, params, members, data.pool, rows).map((rewards) => {
    const margins = Float32Array.from(pairs, (_, i) => rewards[i] - rewards[pairs.length + i]);
    return { accuracy: pairAccuracy(margins), loss: meanPairLoss(margins) };
  });
}

const lossAndGradients: Record<HeadParams["head"], typeof linearLossAndGradients> = {
  linear: linearLossAndGradients,
  mlp: mlpLossAndGradients,
};

function uploadSlots(states: MemberState[]): Record<string, AdamSlot> {
  const { head, inputDim, hiddenUnits } = states[0].params;
  const shapes = groupShapes(head, states.length, inputDim, hiddenUnits);
  const params = stackArrays(states.map((s) => paramArrays(s.params)));
  const m = stackArrays(states.map((s) => s.m));
  const v = stackArrays(states.map((s) => s.v));
  return Object.fromEntries(
    Object.keys(params).map((name) => [
      name,
      {
        param: tf.tensor(params[name], shapes[name]),
        m: tf.tensor(m[name], shapes[name]),
        v: tf.tensor(v[name], shapes[name]),
      },
    ]),
  );
}

/** Each member's part of the group's parameters and moments: [member][name]. */
function downloadSlots(slots: Record<string, AdamSlot>, members: number) {
  const read = (pick: (slot: AdamSlot) => tf.Tensor) =>
    unstackArrays(
      Object.fromEntries(
        Object.entries(slots).map(([name, slot]) => [name, pick(slot).dataSync() as Float32Array]),
      ),
      members,
    );
  return { params: read((s) => s.param), m: read((s) => s.m), v: read((s) => s.v) };
}

function diverged(member: number, epoch: number, loss: number): TrainingDivergedError {
  return new TrainingDivergedError(
    `member ${member}: training diverged at epoch ${epoch}: loss is ${loss} (lower rewardModel.learningRate)`,
  );
}

function disposeSlots(slots: Record<string, AdamSlot>): void {
  for (const slot of Object.values(slots)) tf.dispose([slot.param, slot.m, slot.v]);
}

/** Where a group's training is: at the end of an epoch, or at a pause inside one. */
export interface GroupProgress {
  epochEnd: boolean;
  /** Fraction of this call's work done so far (pairs trained over pairs to train). */
  done: number;
  /** The members' states here (at a pause this downloads the weights: ask only when needed). */
  states(): MemberState[];
}

/** Training pauses (yields) about this often, so a caller can look around (e.g. for idle workers). */
const PAUSE_MS = 50;

/**
 * Trains a group of members in lockstep, all at the same point (epoch and position in it), with Adam
 * on the Bradley-Terry loss plus L2. Yields after each epoch (for checkpoints and progress) and at
 * pauses inside epochs. Members share every op but no number: each sees its own data order,
 * bootstrap sample, weights and moments.
 */
export function* trainGroup(
  config: RewardModelConfig,
  data: TrainingData,
  start: MemberState[],
  pauseMs = PAUSE_MS,
): Generator<GroupProgress, void> {
  const head = config.head;
  const members = start.length;
  const train = data.splits.train;
  const samples = start.map((s) => memberSample(train.length, s.seeds));
  const builder = createBatchBuilder();
  let states = start;
  let step = start[0].step;
  let slots = uploadSlots(start);
  const total = (config.epochs - start[0].history.length) * train.length - start[0].position;
  let trained = 0;
  /** The states after `from` pairs of the current epoch, with the weights as they are now. */
  const current = (from: number, lossSums: Float64Array, history: (g: number) => EpochRecord[]) => {
    const arrays = downloadSlots(slots, members);
    return states.map((state, g) => ({
      ...state,
      params: withArrays(state.params, arrays.params[g]),
      m: arrays.m[g],
      v: arrays.v[g],
      step,
      history: history(g),
      position: from,
      lossSum: lossSums[g],
    }));
  };
  try {
    let paused = performance.now();
    for (let epoch = start[0].history.length + 1; epoch <= config.epochs; epoch++) {
      const orders = states.map((s, g) => epochOrder(train, samples[g], s.seeds, epoch));
      const lossSums = Float64Array.from(states, (s) => s.lossSum);
      for (let from = states[0].position; from < train.length; ) {
        if (performance.now() - paused >= pauseMs && from > states[0].position) {
          const at = from;
          yield {
            epochEnd: false,
            done: trained / total,
            states: () => current(at, lossSums, (g) => states[g].history),
          };
          paused = performance.now();
        }
        const pairs = Math.min(config.batchSize, train.length - from);
        const entries = builder.pairStep(head, data.pool, orders, from, pairs);
        step += 1;
        const t = step;
        // One tidy for the gradients, one per parameter for Adam: each frees its temporaries as it
        // ends, so the backend's memory peaks at one parameter's update, not the whole step's.
        const { losses: lossTensor, grads } = tf.tidy((): LossAndGradients => {
          const params = Object.fromEntries(Object.entries(slots).map(([n, s]) => [n, s.param]));
          return lossAndGradients[head](params, uploadBatch(entries), members, pairs, config.l2);
        });
        const updated = Object.fromEntries(
          Object.entries(slots).map(([n, s]) => [
            n,
            tf.tidy(() => adamStep(s, grads[n], t, config.learningRate)),
          ]),
        );
        tf.dispose([...Object.values(grads)]);
        disposeSlots(slots);
        slots = updated;
        const losses = lossTensor.dataSync();
        lossTensor.dispose();
        for (let g = 0; g < members; g++) {
          if (!Number.isFinite(losses[g])) throw diverged(states[g].member, epoch, losses[g]);
          lossSums[g] += losses[g] * pairs;
        }
        from += pairs;
        trained += pairs;
      }
      const params = Object.fromEntries(Object.entries(slots).map(([n, s]) => [n, s.param]));
      const validation = evaluateGroup(head, params, members, data, data.splits.validation);
      const ended = current(0, new Float64Array(members), (g) => states[g].history);
      states = ended.map((state, g) => {
        // The epoch's mean Bradley-Terry loss plus the L2 penalty of the weights the epoch ends with.
        const trainLoss = lossSums[g] / train.length + l2Penalty(state.params, config.l2);
        if (!Number.isFinite(trainLoss)) throw diverged(state.member, epoch, trainLoss);
        const record = {
          epoch,
          trainLoss,
          validationLoss: validation[g].loss,
          validationAccuracy: validation[g].accuracy,
        };
        return { ...state, history: [...state.history, record] };
      });
      const ends = states;
      yield { epochEnd: true, done: trained / total, states: () => ends };
      paused = performance.now();
    }
  } finally {
    disposeSlots(slots);
  }
}
