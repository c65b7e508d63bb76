import { Worker } from "node:worker_threads";
import { UserError } from "../runtime/errors.js";
import type { MemberPlan, TrainingEvent, TrainingJob } from "./job.js";
import { TrainingDivergedError } from "./train.js";

export type ToWorker = { type: "job"; job: TrainingJob } | { type: "group"; plans: MemberPlan[] };
export type FromWorker =
  | { type: "ready" }
  | { type: "event"; event: TrainingEvent }
  | { type: "done" }
  | { type: "error"; kind: "diverged" | "user" | "bug"; message: string; stack: string };

function rebuild(message: Extract<FromWorker, { type: "error" }>): Error {
  if (message.kind === "diverged") return new TrainingDivergedError(message.message);
  if (message.kind === "user") return new UserError(message.message);
  const error = new Error(message.message);
  error.stack = message.stack;
  return error;
}

/**
 * Worker threads that train groups of members. Each starts its own tfjs backend (a few hundred ms),
 * so the pool is started before the data is read; the main thread trains meanwhile and hands groups to
 * workers as they become ready (see schedule.ts).
 */
export interface WorkerPool {
  size: number;
  /** Sends the job to every worker; `changed` runs whenever a worker becomes ready or finishes a group. */
  start(job: TrainingJob, emit: (event: TrainingEvent) => void, changed: () => void): void;
  /** Ready workers with nothing to do. */
  idle(): number;
  /** Gives a group to an idle worker. */
  assign(plans: MemberPlan[]): void;
  /** Throws the first error a worker reported. */
  check(): void;
  /** Resolves once no worker has a group; rejects on a worker's error. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export function startWorkers(size: number, backend: string): WorkerPool {
  const idle: Worker[] = [];
  let busy = 0;
  let closing = false;
  let failure: Error | undefined;
  let emit: (event: TrainingEvent) => void = () => {};
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
    const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: { backend } });
    worker.on("message", (message: FromWorker) => {
      if (message.type === "event") return emit(message.event);
      if (message.type === "error") return fail(rebuild(message));
      if (message.type === "done") busy -= 1;
      idle.push(worker);
      settle();
      changed();
    });
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!closing) fail(new Error(`a training worker stopped early (exit code ${code})`));
    });
    return worker;
  });
  return {
    size,
    start(job, onEvent, onChange) {
      emit = onEvent;
      changed = onChange;
      for (const worker of workers) worker.postMessage({ type: "job", job } satisfies ToWorker);
      changed();
    },
    idle: () => (failure === undefined ? idle.length : 0),
    assign(plans) {
      const worker = idle.shift();
      if (worker === undefined) throw new Error("assign: no idle worker");
      busy += 1;
      worker.postMessage({ type: "group", plans } satisfies ToWorker);
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
