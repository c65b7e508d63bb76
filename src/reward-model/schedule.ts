import {
  finishMembers,
  type MemberPlan,
  saveCheckpoints,
  saveEpoch,
  startState,
  type TrainingEvent,
  type TrainingJob,
} from "./job.js";
import { type MemberState, trainGroup } from "./train.js";
import type { WorkerPool } from "./workers.js";

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A share is handed to a worker only when this thread has at least this much left to do: a worker's
 * first group costs it a few hundred ms (checkpoints, compilation, memory), more than a short tail.
 */
const MIN_SPLIT_MS = 500;

/** Cuts `items` into `parts` runs of near-equal length, in order. */
function parts<T>(items: T[], count: number): T[][] {
  return Array.from({ length: count }, (_, i) =>
    items.slice(Math.floor((i * items.length) / count), Math.floor(((i + 1) * items.length) / count)),
  );
}

/**
 * Trains a group in this thread. At every pause (see trainGroup) it lets the event loop run, and when
 * workers are idle it splits the group: each idle worker takes an equal share, resuming from the
 * checkpoints written there and then, and this thread goes on with the rest. A member's numbers do not
 * depend on its group, so splitting changes nothing but the time.
 */
async function trainHere(
  job: TrainingJob,
  plans: MemberPlan[],
  pool: WorkerPool,
  emit: (event: TrainingEvent) => void,
  minSplitMs: number,
): Promise<void> {
  let states: MemberState[] = plans.map((plan) => startState(job, plan));
  for (let split = true; split; ) {
    split = false;
    const started = performance.now();
    for (const progress of trainGroup(job.rewardModel, job.data, states)) {
      if (progress.epochEnd) {
        states = progress.states();
        saveEpoch(job, states, emit);
      }
      await nextTick();
      pool.check();
      const helpers = Math.min(pool.idle(), states.length - 1);
      const elapsed = performance.now() - started;
      const left = progress.done > 0 ? (elapsed * (1 - progress.done)) / progress.done : 0;
      if (helpers > 0 && left >= minSplitMs) {
        const now = progress.states();
        const [kept, ...given] = parts(now, helpers + 1);
        for (const share of given) {
          if (!progress.epochEnd) saveCheckpoints(job, share);
          pool.assign(share.map(({ member, seeds }) => ({ member, seeds })));
        }
        states = kept;
        split = true;
        break;
      }
    }
  }
  finishMembers(job, states, emit);
}

/**
 * Trains the groups with this thread and the pool's workers: this thread starts on the first group at
 * once; workers, as they become ready, take the other groups, or a share of the group this thread is
 * training.
 */
export async function trainScheduled(
  job: TrainingJob,
  groups: MemberPlan[][],
  pool: WorkerPool,
  emit: (event: TrainingEvent) => void,
  minSplitMs = MIN_SPLIT_MS,
): Promise<void> {
  const queue = [...groups];
  const first = queue.shift();
  pool.start(job, emit, () => {
    while (queue.length > 0 && pool.idle() > 0) pool.assign(queue.shift() as MemberPlan[]);
  });
  for (let plans = first; plans !== undefined; plans = queue.shift())
    await trainHere(job, plans, pool, emit, minSplitMs);
  await pool.drain();
}
