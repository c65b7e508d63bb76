import { resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import { parseInteger, parseShard, shardMembers } from "../reward-model/shard.js";
import type { BackendChoice } from "../runtime/backend.js";
import { parseGrid, sweepPoints } from "../sweep/points.js";
import { readSweepResults, runSweepPoint, sweepTable, writeSweepSummary } from "../sweep/run.js";

export interface SweepOptions {
  config?: string;
  out: string;
  grid: string[];
  seeds: string;
  set: string[];
  shard?: string;
  backend: BackendChoice;
  force: boolean;
}

/**
 * `align sweep`: the config at every grid point and seed, each point a run folder under --out; finished
 * points are skipped. Points run one after another here; `--shard i/n` runs the points p with p mod n = i.
 * Whichever process finds every point finished writes the table and plots.
 */
export async function sweepCommand(options: SweepOptions): Promise<void> {
  const config = loadConfig(options.config, options.set);
  const grids = options.grid.map(parseGrid);
  const points = sweepPoints(config, grids, parseInteger(options.seeds, "--seeds", 1));
  const dir = resolve(options.out);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  const mine = shardMembers(points.length, shard).map((p) => points[p]);
  const started = Date.now();
  for (const point of mine) {
    const ran = await runSweepPoint(dir, point, { backend: options.backend, force: options.force });
    console.log(`${ran ? "ran" : "finished already"}: ${point.name}`);
  }
  const missing = await writeSweepSummary(dir, grids, points);
  if (missing.length > 0) {
    console.log(
      `${missing.length} of ${points.length} points not finished yet (other shards): ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""}`,
    );
    return;
  }
  console.log(`\n${sweepTable(grids, readSweepResults(dir, points).results)}`);
  console.log(
    `\nsweep: ${points.length} points in ${((Date.now() - started) / 1000).toFixed(1)} s; table ${resolve(dir, "sweep.csv")}`,
  );
}
