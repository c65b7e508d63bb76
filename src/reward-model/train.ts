import * as tf from "@tensorflow/tfjs-core";
import type { RewardModelConfig } from "../config/schema.js";
import type { SparseRow } from "../features/hashing.js";
import { createRng, permutation } from "../runtime/random.js";
import { createDensifier } from "./batch.js";
import { bradleyTerryLoss, forward, fromVariables, l2Penalty, toVariables } from "./model.js";
import { type HeadParams, initParams } from "./params.js";
import { pairAccuracy, scoreRows } from "./score.js";

/** Featurised preference pairs: row i of `chosen` was preferred to row i of `rejected`. */
export interface PairRows {
  chosen: SparseRow[];
  rejected: SparseRow[];
}

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

export class TrainingDivergedError extends Error {
  override readonly name = "TrainingDivergedError";
}

/** Indices of the training pairs a member sees: all of them, or a bootstrap resample of the same size. */
export function memberSample(count: number, seeds: MemberSeeds): number[] {
  if (seeds.bootstrap === undefined) return Array.from({ length: count }, (_, i) => i);
  const rng = createRng(seeds.bootstrap);
  return Array.from({ length: count }, () => rng.int(count));
}

/** Mean Bradley-Terry loss of a model on pairs, without the L2 term. */
function pairLoss(params: HeadParams, pairs: PairRows): number {
  if (pairs.chosen.length === 0) return Number.NaN;
  const margins = marginsOf(params, pairs);
  return tf.tidy(() => bradleyTerryLoss(tf.tensor1d(margins)).dataSync()[0]);
}

function marginsOf(params: HeadParams, pairs: PairRows): Float32Array {
  const chosen = scoreRows(params, pairs.chosen);
  const rejected = scoreRows(params, pairs.rejected);
  return Float32Array.from(chosen, (c, i) => c - rejected[i]);
}

/**
 * Trains one reward head with Adam on the Bradley-Terry loss plus L2. The data order of each epoch
 * comes from the member's order seed, so members differ only through their seeds.
 */
export function trainMember(
  config: RewardModelConfig,
  inputDim: number,
  train: PairRows,
  validation: PairRows,
  seeds: MemberSeeds,
  onEpoch?: (record: EpochRecord) => void,
): { params: HeadParams; history: EpochRecord[] } {
  const template = initParams(config, inputDim, seeds.init);
  const variables = toVariables(template);
  const optimizer = tf.train.adam(config.learningRate);
  const sample = memberSample(train.chosen.length, seeds);
  const orderRng = createRng(seeds.order);
  const densify = createDensifier(2 * config.batchSize, inputDim);
  const history: EpochRecord[] = [];
  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const order = permutation(sample.length, orderRng).map((i) => sample[i]);
      let lossSum = 0;
      for (let start = 0; start < order.length; start += config.batchSize) {
        const batch = order.slice(start, start + config.batchSize);
        const rows = [...batch.map((i) => train.chosen[i]), ...batch.map((i) => train.rejected[i])];
        const dense = densify(rows);
        const loss = tf.tidy(() => {
          const x = tf.tensor2d(dense, [rows.length, inputDim]);
          const cost = optimizer.minimize(() => {
            const rewards = forward(template.head, variables, x);
            const [chosen, rejected] = tf.split(rewards, 2);
            return tf.add(
              bradleyTerryLoss(tf.sub(chosen, rejected) as tf.Tensor1D),
              l2Penalty(variables, config.l2),
            );
          }, true) as tf.Scalar;
          return cost.dataSync()[0];
        });
        if (!Number.isFinite(loss)) {
          throw new TrainingDivergedError(`training diverged at epoch ${epoch}: loss is ${loss}`);
        }
        lossSum += loss * batch.length;
      }
      const params = fromVariables(template, variables);
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / order.length,
        validationLoss: pairLoss(params, validation),
        validationAccuracy: pairAccuracy(marginsOf(params, validation)),
      };
      history.push(record);
      onEpoch?.(record);
    }
    return { params: fromVariables(template, variables), history };
  } finally {
    optimizer.dispose();
    for (const v of Object.values(variables)) v.dispose();
  }
}

export function evaluatePairs(params: HeadParams, pairs: PairRows): { accuracy: number; loss: number } {
  return { accuracy: pairAccuracy(marginsOf(params, pairs)), loss: pairLoss(params, pairs) };
}
