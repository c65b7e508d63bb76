import { availableParallelism, loadavg } from "node:os";

/**
 * Work (in nanoseconds of one core's compute) below which a second thread does not pay: a worker
 * costs about 0.4 s of start-up (its own module loading and backend) on the cores the job shares,
 * measured in README's "Speed and scale".
 */
const WORK_PER_THREAD = 2e9;

/** Threads for a job when --jobs is not given: one more per WORK_PER_THREAD of work, up to the cores. */
export function defaultJobs(work: number, cores: number): number {
  return Math.max(1, Math.min(cores, Math.floor(work / WORK_PER_THREAD) + 1));
}

/**
 * Cores that other work leaves free: the cores less the 1-minute load average, plus the one this
 * process runs on (it is counted in the load), at least one. On cores busy with other processes a
 * worker thread only waits its turn and adds its start-up: measured in README's "Speed and scale", the
 * 16x shape took 2.25 s with one thread and 2.57 s with two at a load average of about 5 on 2 cores.
 */
export function freeCores(cores = availableParallelism(), load = loadavg()[0]): number {
  return Math.max(1, Math.min(cores, Math.round(cores - load + 1)));
}

/** The threads of a job whose work is not estimated: those asked for, or every core. */
export function jobsOrCores(jobs: number | undefined): number {
  return jobs ?? availableParallelism();
}
