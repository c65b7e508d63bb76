import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "../data/types.js";
import { featurizePairs } from "../features/pairs.js";
import { toCsv, writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { createProgress } from "../runtime/progress.js";
import type { RunContext } from "../runtime/run.js";
import { memberDir, memberFinished, memberSeeds } from "./ensemble.js";
import { evaluatePairs, type MemberSeeds, trainMember } from "./train.js";
import { saveWeights } from "./weights.js";

export interface MemberMetrics {
  member: number;
  seeds: MemberSeeds;
  testAccuracy: number;
  testLoss: number;
  finalTrainLoss: number;
  finalValidationAccuracy: number;
  seconds: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) =>
  xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

/**
 * Trains the N members of an ensemble into `ensembleDir`, skipping members already finished there
 * (so an interrupted run resumes), and writes the ensemble's summary.json last.
 */
export function trainEnsemble(
  ctx: RunContext,
  dataset: Dataset,
  ensembleDir: string,
  repeat = 0,
): MemberMetrics[] {
  const { config, logger } = ctx;
  const rm = config.rewardModel;
  const train = featurizePairs(dataset.pairs.train, config.features);
  const validation = featurizePairs(dataset.pairs.validation, config.features);
  const test = featurizePairs(dataset.pairs.test, config.features);
  const progress = createProgress("train-rm", rm.members * rm.epochs, logger);
  const results: MemberMetrics[] = [];
  for (let m = 0; m < rm.members; m++) {
    const dir = memberDir(ensembleDir, m);
    if (memberFinished(ensembleDir, m) && !ctx.force) {
      results.push(JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")));
      progress.tick(rm.epochs, `member ${m} (done earlier)`);
      continue;
    }
    const seeds = memberSeeds(config.seed, m, rm.bootstrap, repeat);
    const started = Date.now();
    const { params, history } = trainMember(
      rm,
      config.features.dimension,
      train,
      validation,
      seeds,
      (record) =>
        progress.tick(1, `member ${m} epoch ${record.epoch} val acc ${record.validationAccuracy.toFixed(3)}`),
    );
    const testResult = evaluatePairs(params, test);
    const last = history[history.length - 1];
    const metrics: MemberMetrics = {
      member: m,
      seeds,
      testAccuracy: testResult.accuracy,
      testLoss: testResult.loss,
      finalTrainLoss: last.trainLoss,
      finalValidationAccuracy: last.validationAccuracy,
      seconds: (Date.now() - started) / 1000,
    };
    saveWeights(dir, params, config.features);
    writeFileAtomic(
      join(dir, "history.csv"),
      toCsv(
        ["epoch", "trainLoss", "validationLoss", "validationAccuracy"],
        history.map((h) => [h.epoch, h.trainLoss, h.validationLoss, h.validationAccuracy]),
      ),
    );
    writeJsonAtomic(join(dir, "metrics.json"), metrics);
    logger.info(
      { member: m, testAccuracy: metrics.testAccuracy, seeds },
      `member ${m}: test accuracy ${metrics.testAccuracy.toFixed(3)}`,
    );
    results.push(metrics);
  }
  progress.stop();
  const accuracies = results.map((r) => r.testAccuracy);
  writeJsonAtomic(join(ensembleDir, "summary.json"), {
    backend: ctx.backend,
    head: rm.head,
    featureDimension: config.features.dimension,
    pairs: {
      train: dataset.pairs.train.length,
      validation: dataset.pairs.validation.length,
      test: dataset.pairs.test.length,
    },
    dropped: dataset.dropped,
    testAccuracy: {
      mean: mean(accuracies),
      std: std(accuracies),
      min: Math.min(...accuracies),
      max: Math.max(...accuracies),
    },
    members: results,
  });
  return results;
}
