import type { RewardModelConfig } from "../config/schema.js";
import type { TrainingData } from "../features/training-data.js";
import { UserError } from "../runtime/errors.js";
import { createRng, deriveSeed, permutation } from "../runtime/random.js";
import { pairAccuracy } from "./accuracy.js";
import { arenaBytes, createArena } from "./arena.js";
import { denseLinearBuffers, denseLinearBytes, denseLinearLossAndGradient } from "./dense-linear.js";
import { denseMlpBuffers, denseMlpLossAndGradient } from "./dense-mlp.js";
import { createScratch, lossAndGradient, type Weights } from "./heads.js";
import { type HeadParams, initParams, l2Penalty, paramArrays, penalised, withArrays } from "./params.js";
import { meanPairLoss, memberRewards } from "./score.js";
import { longestRow, sparseMlpBuffers, sparseMlpBytes, sparseMlpLossAndGradient } from "./sparse-mlp.js";

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

/** Accuracy and mean loss of each member on pairs (pair p: rows 2p and 2p + 1). */
export function evaluateGroup(
  members: HeadParams[],
  data: TrainingData,
  pairs: Int32Array,
): { accuracy: number; loss: number }[] {
  const rows = new Int32Array(2 * pairs.length);
  pairs.forEach((p, i) => {
    rows[i] = 2 * p;
    rows[pairs.length + i] = 2 * p + 1;
  });
  return members.map((params) => {
    const rewards = memberRewards(params, data.pool, rows);
    const margins = Float32Array.from(pairs, (_, i) => rewards[i] - rewards[pairs.length + i]);
    return { accuracy: pairAccuracy(margins), loss: meanPairLoss(margins) };
  });
}

function diverged(member: number, epoch: number, loss: number): TrainingDivergedError {
  return new TrainingDivergedError(
    `member ${member}: training diverged at epoch ${epoch}: loss is ${loss} (lower rewardModel.learningRate)`,
  );
}

/** Copies of the arrays, each in memory from `allocate` (by default its own). */
const copyArrays = (
  arrays: Weights,
  allocate: (length: number) => Float32Array = (length) => new Float32Array(length),
): Weights =>
  Object.fromEntries(
    Object.entries(arrays).map(([name, a]) => {
      const copy = allocate(a.length);
      copy.set(a);
      return [name, copy];
    }),
  );

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
 * pauses inside epochs. Members share no number: each sees its own data order, bootstrap sample,
 * weights and moments, so a member's bytes do not depend on its group.
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
  // Working copies in Adam's arena, updated in place step by step; the states handed out are copies
  // of them. One gradient per tensor serves every member: Adam zeroes it as it consumes it.
  const pool = data.pool;
  const hidden = start[0].params.hiddenUnits;
  const longest = head === "mlp" && pool.kind === "sparse" ? longestRow(pool) : undefined;
  const denseLinear = head === "linear" && pool.kind === "dense";
  const tensorBytes = Object.values(paramArrays(start[0].params)).reduce(
    (sum, a) => sum + arenaBytes(a.length, 4),
    0,
  );
  const arena = createArena(
    (3 * members + 1) * tensorBytes +
      (longest === undefined ? 0 : sparseMlpBytes(longest, hidden)) +
      (denseLinear ? denseLinearBytes(pool.dimension) : 0),
  );
  const inArena = (arrays: Weights): Weights => copyArrays(arrays, (length) => arena.float32(length));
  const work = start.map((s) => ({
    params: inArena(paramArrays(s.params)),
    m: inArena(s.m),
    v: inArena(s.v),
  }));
  const grads = Object.fromEntries(
    Object.entries(work[0].params).map(([name, a]) => [name, arena.float32(a.length)]),
  );
  const scratch = createScratch(hidden);
  const denseMlp =
    head === "mlp" && pool.kind === "dense"
      ? denseMlpBuffers(config.batchSize, pool.dimension, hidden)
      : undefined;
  const sparseMlp = longest === undefined ? undefined : sparseMlpBuffers(arena, longest, hidden);
  const denseRows = denseLinear ? denseLinearBuffers(arena, pool.dimension) : undefined;
  let states = start;
  let step = start[0].step;
  const total = (config.epochs - start[0].history.length) * train.length - start[0].position;
  let trained = 0;
  /** The states after `from` pairs of the current epoch, with the weights as they are now. */
  const current = (from: number, lossSums: Float64Array, history: (g: number) => EpochRecord[]) =>
    states.map((state, g) => ({
      ...state,
      params: withArrays(state.params, copyArrays(work[g].params)),
      m: copyArrays(work[g].m),
      v: copyArrays(work[g].v),
      step,
      history: history(g),
      position: from,
      lossSum: lossSums[g],
    }));
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
      step += 1;
      for (let g = 0; g < members; g++) {
        const { params, m, v } = work[g];
        const loss =
          denseMlp !== undefined && pool.kind === "dense"
            ? denseMlpLossAndGradient(params, grads, pool, orders[g], from, pairs, denseMlp)
            : sparseMlp !== undefined && pool.kind === "sparse"
              ? sparseMlpLossAndGradient(arena, params, grads, pool, orders[g], from, pairs, sparseMlp)
              : denseRows !== undefined && pool.kind === "dense"
                ? denseLinearLossAndGradient(arena, params, grads, pool, orders[g], from, pairs, denseRows)
                : lossAndGradient(head, params, grads, pool, orders[g], from, pairs, scratch);
        for (const name of Object.keys(params)) {
          const lambda = penalised(name) ? config.l2 : 0;
          arena.adam(params[name], m[name], v[name], grads[name], lambda, step, config.learningRate);
        }
        if (!Number.isFinite(loss)) throw diverged(states[g].member, epoch, loss);
        lossSums[g] += loss * pairs;
      }
      from += pairs;
      trained += pairs;
    }
    const ended = current(0, new Float64Array(members), (g) => states[g].history);
    const validation = evaluateGroup(
      ended.map((s) => s.params),
      data,
      data.splits.validation,
    );
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
}
