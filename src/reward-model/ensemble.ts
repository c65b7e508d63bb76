import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config, FeaturesConfig } from "../config/schema.js";
import type { Split } from "../data/types.js";
import { UserError } from "../runtime/errors.js";
import { toCsv, writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { rewriteMetrics } from "../runtime/metrics-log.js";
import { deriveSeed } from "../runtime/random.js";
import { mean, sampleStd } from "../runtime/stats.js";
import { removeCheckpoint } from "./checkpoint.js";
import type { HeadParams } from "./params.js";
import type { EpochRecord, MemberSeeds } from "./train.js";
import { loadWeights, saveWeights } from "./weights.js";

/** A finished member's metrics.json. Every field is deterministic, so the file is identical across reruns. */
export interface MemberMetrics {
  member: number;
  seeds: MemberSeeds;
  backend: string;
  testAccuracy: number;
  testLoss: number;
  finalTrainLoss: number;
  finalValidationAccuracy: number;
  /** The data it was trained and evaluated on, so members gathered from several machines can be checked. */
  pairs: Record<Split, number>;
  dropped: Record<string, number>;
  /** The training source, in words (absent in members trained before it was recorded). */
  source?: string;
}

/** Per-member seeds derived from the run seed, the member index and (for repeated studies) the repeat. */
export function memberSeeds(runSeed: number, member: number, bootstrap: boolean, repeat = 0): MemberSeeds {
  const base = repeat === 0 ? ["member", member] : ["repeat", repeat, "member", member];
  const seeds: MemberSeeds = {
    init: deriveSeed(runSeed, ...base, "init"),
    order: deriveSeed(runSeed, ...base, "order"),
  };
  if (bootstrap) seeds.bootstrap = deriveSeed(runSeed, ...base, "bootstrap");
  return seeds;
}

export function memberDir(ensembleDir: string, member: number): string {
  return join(ensembleDir, `member-${member}`);
}

/** A member is finished once its metrics.json exists: it is written after its weights and curves. */
export function memberFinished(ensembleDir: string, member: number): boolean {
  return existsSync(join(memberDir(ensembleDir, member), "metrics.json"));
}

/**
 * Writes a finished member: weights, learning curve, then metrics.json (the member's completion
 * marker), and only then drops its checkpoint, so a kill at any point loses nothing.
 */
export function writeMember(
  ensembleDir: string,
  params: HeadParams,
  history: EpochRecord[],
  metrics: MemberMetrics,
  features: FeaturesConfig,
): void {
  const dir = memberDir(ensembleDir, metrics.member);
  saveWeights(dir, params, features);
  writeFileAtomic(
    join(dir, "history.csv"),
    toCsv(
      ["epoch", "trainLoss", "validationLoss", "validationAccuracy"],
      history.map((h) => [h.epoch, h.trainLoss, h.validationLoss, h.validationAccuracy]),
    ),
  );
  writeJsonAtomic(join(dir, "metrics.json"), metrics);
  removeCheckpoint(dir);
}

/** A finished member's learning curve, from its history.csv. */
export function readHistory(ensembleDir: string, member: number): EpochRecord[] {
  const [header, ...rows] = readFileSync(join(memberDir(ensembleDir, member), "history.csv"), "utf8")
    .trim()
    .split("\n");
  const keys = header.split(",") as (keyof EpochRecord)[];
  return rows.map((row) => {
    const values = row.split(",").map(Number);
    return Object.fromEntries(keys.map((k, i) => [k, values[i]])) as unknown as EpochRecord;
  });
}

export function readMemberMetrics(ensembleDir: string, member: number): MemberMetrics {
  return JSON.parse(readFileSync(join(memberDir(ensembleDir, member), "metrics.json"), "utf8"));
}

export function missingMembers(ensembleDir: string, members: number): number[] {
  return Array.from({ length: members }, (_, m) => m).filter((m) => !memberFinished(ensembleDir, m));
}

/** The ensemble's summary.json: the train-rm stage's summary. */
export interface EnsembleSummary {
  backend: string;
  head: string;
  features: string;
  featureDimension: number;
  pairs: Record<Split, number>;
  dropped: Record<string, number>;
  /** The training source, in words. */
  source?: string;
  testAccuracy: { mean: number; std: number; min: number; max: number };
  members: Omit<MemberMetrics, "pairs" | "dropped" | "source">[];
}

/**
 * Writes the ensemble's summary.json from its members' metrics files once every member is finished,
 * and returns it; returns undefined (writing nothing) while some are missing. Any process may call it at any time: the
 * summary depends only on the member files and is written by an atomic rename, so two shards finishing
 * together write the same bytes.
 */
export function summarizeEnsemble(
  ensembleDir: string,
  config: Config,
  backend: string,
): EnsembleSummary | undefined {
  if (missingMembers(ensembleDir, config.rewardModel.members).length > 0) return undefined;
  const metrics = Array.from({ length: config.rewardModel.members }, (_, m) =>
    readMemberMetrics(ensembleDir, m),
  );
  const data = ({ pairs, dropped }: MemberMetrics) => JSON.stringify({ pairs, dropped });
  const odd = metrics.filter((m) => data(m) !== data(metrics[0]));
  if (odd.length > 0) {
    throw new UserError(
      `${ensembleDir}: member(s) ${odd.map((m) => m.member).join(", ")} were trained on other data than member 0 ` +
        `(${data(odd[0])} vs ${data(metrics[0])}): retrain them with --force`,
    );
  }
  rewriteMetrics(
    join(ensembleDir, "metrics.jsonl"),
    metrics.flatMap(({ member }) =>
      readHistory(ensembleDir, member).map((record) => ({ member, ...record })),
    ),
  );
  const accuracies = metrics.map((m) => m.testAccuracy);
  const summary: EnsembleSummary = {
    backend,
    head: config.rewardModel.head,
    features: config.features.source,
    featureDimension: loadWeights(memberDir(ensembleDir, 0)).params.inputDim,
    pairs: metrics[0].pairs,
    dropped: metrics[0].dropped,
    source: metrics[0].source,
    testAccuracy: {
      mean: mean(accuracies),
      std: sampleStd(accuracies),
      min: Math.min(...accuracies),
      max: Math.max(...accuracies),
    },
    members: metrics.map(({ pairs, dropped, source, ...member }) => member),
  };
  writeJsonAtomic(join(ensembleDir, "summary.json"), summary);
  return summary;
}

/**
 * Loads every member of an ensemble, checking that none is missing: later stages need the full
 * ensemble, and a missing member (an unfinished shard, say) is named.
 */
export function loadEnsemble(ensembleDir: string, config: Config): HeadParams[] {
  const members = config.rewardModel.members;
  const missing = missingMembers(ensembleDir, members);
  if (missing.length === members) {
    throw new UserError(
      `${ensembleDir}: no trained ensemble here (run \`align train-rm\` with the same --out first)`,
    );
  }
  if (missing.length > 0) {
    throw new UserError(
      `${ensembleDir}: ensemble incomplete, missing member(s) ${missing.join(", ")} of ${members} ` +
        "(run the shards that train them, or `align train-rm` with the same --out to finish them)",
    );
  }
  return Array.from({ length: members }, (_, m) => {
    const dir = memberDir(ensembleDir, m);
    const { params, features } = loadWeights(dir);
    const describe = (f: FeaturesConfig) =>
      f.source === "embeddings" ? `embeddings ${f.embeddings.path}` : `${f.dimension} hashed features`;
    const source = (f: FeaturesConfig) => (f.source === "embeddings" ? "embeddings" : f.dimension);
    if (params.head !== config.rewardModel.head || source(features) !== source(config.features)) {
      throw new UserError(
        `${dir}: a ${params.head} head on ${describe(features)}, but the config asks for a ` +
          `${config.rewardModel.head} head on ${describe(config.features)}: retrain it with --force`,
      );
    }
    return params;
  });
}
