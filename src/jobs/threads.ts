import { availableParallelism } from "node:os";

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

/** The threads of a job whose work is not estimated: those asked for, or every core. */
export function jobsOrCores(jobs: number | undefined): number {
  return jobs ?? availableParallelism();
}
