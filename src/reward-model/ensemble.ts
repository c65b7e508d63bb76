import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";
import { deriveSeed } from "../runtime/random.js";
import type { HeadParams } from "./params.js";
import type { MemberSeeds } from "./train.js";
import { loadWeights } from "./weights.js";

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

/** A member is finished once its metrics.json exists: it is written after the weights. */
export function memberFinished(ensembleDir: string, member: number): boolean {
  return existsSync(join(memberDir(ensembleDir, member), "metrics.json"));
}

/**
 * Loads every member of an ensemble, checking that none is missing: later stages need the full
 * ensemble, and a missing member (an unfinished shard, say) is named.
 */
export function loadEnsemble(ensembleDir: string, config: Config): HeadParams[] {
  const summaryPath = join(ensembleDir, "summary.json");
  if (!existsSync(summaryPath)) {
    throw new UserError(
      `${ensembleDir}: no trained ensemble here (run \`align train-rm\` with the same --out first)`,
    );
  }
  const members = config.rewardModel.members;
  const missing = Array.from({ length: members }, (_, m) => m).filter((m) => !memberFinished(ensembleDir, m));
  if (missing.length > 0) {
    throw new UserError(`${ensembleDir}: ensemble incomplete, missing member(s) ${missing.join(", ")}`);
  }
  return Array.from({ length: members }, (_, m) => loadWeights(memberDir(ensembleDir, m)).params);
}
