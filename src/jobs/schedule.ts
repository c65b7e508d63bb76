import type { WorkerPool } from "./pool.js";

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A share is handed to a worker only when this thread has at least this much left to do: a worker's
 * first task costs it a few hundred ms (set-up, compilation, memory), more than a short tail.
 */
const MIN_SPLIT_MS = 500;

/**
 * A task as this thread runs it: `steps` runs it, pausing after each step with the fraction of the
 * current run done; at a pause, `split(count)` cuts what is left into `count` pieces in order, hands
 * back all but the first as tasks for workers, and the run goes on with the first one (its fraction
 * done counts again from 0). `pieces()` says into how many pieces it can still be cut.
 */
export interface LocalRun<Task> {
  steps(): Iterable<number> | AsyncIterable<number>;
  pieces(): number;
  split(count: number): Task[];
}

/** A task this thread runs whole: one step, never split. */
export function wholeTask<Task>(run: () => void | Promise<void>): LocalRun<Task> {
  return {
    async *steps() {
      await run();
      yield 1;
    },
    pieces: () => 1,
    split: () => [],
  };
}

/**
 * Runs the tasks with this thread and the pool's workers: this thread starts on the first task at
 * once; workers, as they become ready, take the other tasks, or a share of the one this thread runs.
 * A task's results must not depend on where it runs, so scheduling changes nothing but the time.
 */
export async function runScheduled<Setup, Task, Event>(
  pool: WorkerPool<Setup, Task, Event>,
  payload: Setup,
  tasks: Task[],
  local: (task: Task) => LocalRun<Task>,
  emit: (event: Event) => void,
  minSplitMs = MIN_SPLIT_MS,
): Promise<void> {
  const queue = [...tasks];
  const first = queue.shift();
  pool.start(payload, emit, () => {
    while (queue.length > 0 && pool.idle() > 0) pool.assign(queue.shift() as Task);
  });
  for (let task = first; task !== undefined; task = queue.shift()) {
    const run = local(task);
    let started = performance.now();
    for await (const done of run.steps()) {
      await nextTick();
      pool.check();
      const helpers = Math.min(pool.idle(), run.pieces() - 1);
      const elapsed = performance.now() - started;
      const left = done > 0 ? (elapsed * (1 - done)) / done : 0;
      if (helpers > 0 && left >= minSplitMs) {
        for (const share of run.split(helpers + 1)) pool.assign(share);
        started = performance.now();
      }
    }
  }
  await pool.drain();
}
