/** The points of a sweep: every combination of the grid's values, at every seed, each a config of its own. */

import { parse as parseYaml } from "yaml";
import { applyOverrides, resolveConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";
import type { Interval } from "../stats/bootstrap.js";

/** One `--grid key=v1,v2,...`: a config key and the values it takes (YAML scalars, as with --set). */
export interface Grid {
  key: string;
  values: string[];
}

export interface SweepPoint {
  /** Position in the sweep: shard i of n runs the points with index mod n = i. */
  index: number;
  /** Run-folder name under the sweep folder, e.g. "003_rewardModel.members=5_seed=2". */
  name: string;
  /** The grid's value of each key at this point, and the seed. */
  settings: Record<string, unknown>;
  seed: number;
  /** The `key=value` overrides that make this point's config from the base one. */
  overrides: string[];
  config: Config;
}

/** Parses `key=v1,v2`; flow lists inside a value are kept whole (`key=[0.1,1],[1]`). */
export function parseGrid(text: string): Grid {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UserError(`--grid ${text}: expected key=v1,v2,...`);
  const key = text.slice(0, eq).trim();
  const values: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text.slice(eq + 1)) {
    if (ch === "[" || ch === "{") depth++;
    if (ch === "]" || ch === "}") depth--;
    if (ch === "," && depth === 0) {
      values.push(current.trim());
      current = "";
    } else current += ch;
  }
  values.push(current.trim());
  if (values.some((v) => v === "")) throw new UserError(`--grid ${text}: empty value`);
  if (new Set(values).size !== values.length) throw new UserError(`--grid ${text}: a value is repeated`);
  return { key, values };
}

/**
 * Every combination of the grids' values (the first grid varies slowest), each at seeds config.seed,
 * config.seed + 1, ..., config.seed + seeds − 1. Every point's config is validated here, before any runs.
 */
export function sweepPoints(config: Config, grids: readonly Grid[], seeds: number): SweepPoint[] {
  if (!Number.isInteger(seeds) || seeds < 1)
    throw new UserError(`--seeds: expected an integer ≥ 1, got ${seeds}`);
  const keys = grids.map((g) => g.key);
  const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
  if (repeated !== undefined) throw new UserError(`--grid ${repeated}: the key is given twice`);
  if (keys.includes("seed")) throw new UserError("--grid seed: use --seeds N to repeat the sweep over seeds");
  let combinations: string[][] = [[]];
  for (const grid of grids) combinations = combinations.flatMap((c) => grid.values.map((v) => [...c, v]));
  const points: SweepPoint[] = [];
  for (const values of combinations) {
    for (let s = 0; s < seeds; s++) {
      const seed = config.seed + s;
      const index = points.length;
      const overrides = [...values.map((v, k) => `${keys[k]}=${v}`), `seed=${seed}`];
      const source = `sweep point ${overrides.join(" ")}`;
      const pointConfig = resolveConfig(
        applyOverrides(config as unknown as Record<string, unknown>, overrides),
        source,
      );
      points.push({
        index,
        name: [String(index).padStart(3, "0"), ...overrides].join("_").replace(/[^A-Za-z0-9._=+-]/g, "-"),
        settings: Object.fromEntries([...values.map((v, k) => [keys[k], parseYaml(v)]), ["seed", seed]]),
        seed,
        overrides,
        config: pointConfig,
      });
    }
  }
  return points;
}

/** One point's result: each claim's verdict and effect, and variance-aware − standard prompt risk per budget. */
export interface PointResult {
  index: number;
  name: string;
  settings: Record<string, unknown>;
  claims: {
    id: string;
    verdict: string;
    of: string | null;
    estimate: number | null;
    lo: number | null;
    hi: number | null;
  }[];
  promptRiskDifference: ({ kl: number } & Interval)[];
}
