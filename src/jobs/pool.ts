import { Worker } from "node:worker_threads";
import { UserError } from "../runtime/errors.js";

/**
 * A worker module (see worker.ts) exports `setup`: given the job's shared payload once, it returns the
 * function that runs one task, reporting progress through `emit`.
 */
export type TaskRunner<Task, Event> = (task: Task, emit: (event: Event) => void) => void | Promise<void>;
export interface WorkerModule<Setup, Task, Event> {
  setup(payload: Setup): TaskRunner<Task, Event>;
}

export type ToWorker = { type: "setup"; payload: unknown } | { type: "task"; task: unknown };
export type FromWorker =
  | { type: "ready" }
  | { type: "event"; event: unknown }
  | { type: "done" }
  | { type: "error"; user: boolean; message: string; stack: string };

function rebuild(message: Extract<FromWorker, { type: "error" }>): Error {
  if (message.user) return new UserError(message.message);
  const error = new Error(message.message);
  error.stack = message.stack;
  return error;
}

/**
 * Worker threads that run the tasks of one job. Each starts its own tfjs backend (a few hundred ms),
 * so a pool is best started before the job's data is read; the main thread works meanwhile and hands
 * tasks to workers as they become ready (see schedule.ts).
 */
export interface WorkerPool<Setup, Task, Event> {
  size: number;
  /** Sends the payload to every worker; `changed` runs whenever a worker becomes ready or finishes a task. */
  start(payload: Setup, emit: (event: Event) => void, changed: () => void): void;
  /** Ready workers with nothing to do. */
  idle(): number;
  /** Gives a task to an idle worker. */
  assign(task: Task): void;
  /** Throws the first error a worker reported. */
  check(): void;
  /** Resolves once no worker has a task; rejects on a worker's error. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Starts `size` workers running the worker module at `module` (a file URL) on the given backend. */
export function startWorkers<Setup, Task, Event>(
  size: number,
  module: URL,
  backend: string,
): WorkerPool<Setup, Task, Event> {
  const idle: Worker[] = [];
  let busy = 0;
  let closing = false;
  let failure: Error | undefined;
  let emit: (event: Event) => void = () => {};
  let changed = () => {};
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const settle = () => {
    if (failure === undefined && busy > 0) return;
    for (const { resolve, reject } of waiting.splice(0)) {
      if (failure === undefined) resolve();
      else reject(failure);
    }
  };
  const fail = (error: Error) => {
    failure ??= error;
    settle();
    changed();
  };
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(new URL("./worker.js", import.meta.url), {
      workerData: { backend, module: module.href },
    });
    worker.on("message", (message: FromWorker) => {
      if (message.type === "event") return emit(message.event as Event);
      if (message.type === "error") return fail(rebuild(message));
      if (message.type === "done") busy -= 1;
      idle.push(worker);
      settle();
      changed();
    });
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!closing) fail(new Error(`a worker thread stopped early (exit code ${code})`));
    });
    return worker;
  });
  return {
    size,
    start(payload, onEvent, onChange) {
      emit = onEvent;
      changed = onChange;
      for (const worker of workers) worker.postMessage({ type: "setup", payload } satisfies ToWorker);
      changed();
    },
    idle: () => (failure === undefined ? idle.length : 0),
    assign(task) {
      const worker = idle.shift();
      if (worker === undefined) throw new Error("assign: no idle worker");
      busy += 1;
      worker.postMessage({ type: "task", task } satisfies ToWorker);
    },
    check() {
      if (failure !== undefined) throw failure;
    },
    drain() {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        settle();
      });
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
