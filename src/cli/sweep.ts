import { resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import { startWorkers } from "../jobs/pool.js";
import { runScheduled, wholeTask } from "../jobs/schedule.js";
import { parseInteger, shardItems } from "../jobs/shard.js";
import { jobsOrCores } from "../jobs/threads.js";
import type { BackendChoice } from "../runtime/backend.js";
import { parseGrid, type SweepPoint, sweepPoints } from "../sweep/points.js";
import { readSweepResults, sweepTable, writeSweepSummary } from "../sweep/run.js";
import { type PointEvent, runPoint, type SweepJob } from "../sweep/worker-tasks.js";
import { type JobFlags, jobPlan } from "./job-flags.js";

export interface SweepOptions extends JobFlags {
  config?: string;
  out: string;
  grid: string[];
  seeds: string;
  set: string[];
  backend: BackendChoice;
  force: boolean;
}

/**
 * `align sweep`: the config at every grid point and seed, each point a run folder under --out; finished
 * points are skipped. Points are the tasks of a job: spread over --jobs threads, and over machines with
 * --shard i/n (or SLURM, Kubernetes), which runs the points p with p mod n = i. Whichever process finds
 * every point finished writes the table and plots.
 */
export async function sweepCommand(options: SweepOptions): Promise<void> {
  const config = loadConfig(options.config, options.set);
  const grids = options.grid.map(parseGrid);
  const points = sweepPoints(config, grids, parseInteger(options.seeds, "--seeds", 1));
  const plan = jobPlan(options, undefined, process.env);
  const dir = resolve(options.out);
  const mine = shardItems(points.length, plan.shard).map((p) => points[p]);
  const job: SweepJob = { dir, backend: options.backend, force: options.force };
  const report = (event: PointEvent) =>
    console.log(`${event.ran ? "ran" : "finished already"}: ${event.name}`);
  const started = Date.now();
  const workers = Math.min(jobsOrCores(plan.jobs), mine.length) - 1;
  if (workers > 0) {
    const url = new URL("../sweep/worker-tasks.js", import.meta.url);
    const pool = startWorkers<SweepJob, SweepPoint, PointEvent>(workers, url, options.backend);
    try {
      const local = (point: SweepPoint) => wholeTask<SweepPoint>(() => runPoint(job, point, report));
      await runScheduled(pool, job, mine, local, report);
    } finally {
      await pool.close();
    }
  } else {
    for (const point of mine) await runPoint(job, point, report);
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
