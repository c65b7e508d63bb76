import type { TaskRunner } from "../jobs/pool.js";
import { silentLogger } from "../runtime/logging.js";
import {
  prepareTrials,
  runTrialTask,
  type TrialContext,
  type TrialEvent,
  type TrialJob,
  type TrialTask,
} from "./stage.js";

/**
 * The worker module of the generative-policy study: a task is one PPO trial. The worker sets the study
 * up from the run folder (the main thread has trained and saved the reward models and π0 there).
 */
export function setup(job: TrialJob): TaskRunner<TrialTask, TrialEvent> {
  const ctx = { out: job.out, config: job.config, logger: silentLogger, backend: job.backend, force: false };
  let shared: Promise<TrialContext> | undefined;
  return async (task, emit) => {
    shared ??= prepareTrials(ctx);
    runTrialTask(ctx, await shared, task, emit);
  };
}
