import { parentPort, workerData } from "node:worker_threads";
import { type BackendChoice, initBackend } from "../runtime/backend.js";
import { UserError } from "../runtime/errors.js";
import { runGroup, type TrainingJob } from "./job.js";
import { TrainingDivergedError } from "./train.js";
import type { FromWorker, ToWorker } from "./workers.js";

/** A training worker: its own tfjs backend, then groups of members as the main thread hands them out. */
const port = parentPort;
if (port === null) throw new Error("worker.js runs as a worker thread");

const post = (message: FromWorker) => port.postMessage(message);

function describe(error: unknown): FromWorker {
  const kind =
    error instanceof TrainingDivergedError ? "diverged" : error instanceof UserError ? "user" : "bug";
  const { message, stack } = error instanceof Error ? error : new Error(String(error));
  return { type: "error", kind, message, stack: stack ?? message };
}

try {
  await initBackend((workerData as { backend: BackendChoice }).backend);
  let job: TrainingJob | undefined;
  port.on("message", (message: ToWorker) => {
    try {
      if (message.type === "job") {
        job = message.job;
        return;
      }
      if (job === undefined) throw new Error("a group of members came before the training job");
      runGroup(job, message.plans, (event) => post({ type: "event", event }));
      post({ type: "done" });
    } catch (error) {
      post(describe(error));
    }
  });
  post({ type: "ready" });
} catch (error) {
  post(describe(error));
}
