import type { TaskRunner } from "../jobs/pool.js";
import { type MemberPlan, runGroup, type TrainingEvent, type TrainingJob } from "./job.js";

/** The worker module of reward-model training: a task is a group of members trained to the end. */
export function setup(job: TrainingJob): TaskRunner<MemberPlan[], TrainingEvent> {
  return (plans, emit) => runGroup(job, plans, emit);
}
