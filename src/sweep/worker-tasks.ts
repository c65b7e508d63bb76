import type { TaskRunner } from "../jobs/pool.js";
import type { BackendChoice } from "../runtime/backend.js";
import type { SweepPoint } from "./points.js";
import { runSweepPoint } from "./run.js";

/** What every point of a sweep shares. */
export interface SweepJob {
  dir: string;
  backend: BackendChoice;
  force: boolean;
}

/** A point's outcome, reported to the main thread. */
export interface PointEvent {
  name: string;
  ran: boolean;
}

/** Runs one point of a sweep: this thread's task, or a worker's. */
export async function runPoint(job: SweepJob, point: SweepPoint, emit: (event: PointEvent) => void) {
  const ran = await runSweepPoint(job.dir, point, { backend: job.backend, force: job.force });
  emit({ name: point.name, ran });
}

/** The worker module of a sweep: a task is one point. */
export function setup(job: SweepJob): TaskRunner<SweepPoint, PointEvent> {
  return (point, emit) => runPoint(job, point, emit);
}
