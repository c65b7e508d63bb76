import { parentPort, workerData } from "node:worker_threads";
import { type BackendChoice, initBackend } from "../runtime/backend.js";
import { UserError } from "../runtime/errors.js";
import type { FromWorker, TaskRunner, ToWorker, WorkerModule } from "./pool.js";

/** A worker thread: its own tfjs backend and the job's worker module, then tasks as the main thread hands them out. */
const port = parentPort;
if (port === null) throw new Error("worker.js runs as a worker thread");

const post = (message: FromWorker) => port.postMessage(message);

function describe(error: unknown): FromWorker {
  const { message, stack } = error instanceof Error ? error : new Error(String(error));
  return { type: "error", user: error instanceof UserError, message, stack: stack ?? message };
}

try {
  const { backend, module } = workerData as { backend: BackendChoice; module: string };
  await initBackend(backend);
  const handler = (await import(module)) as WorkerModule<unknown, unknown, unknown>;
  let run: TaskRunner<unknown, unknown> | undefined;
  port.on("message", async (message: ToWorker) => {
    try {
      if (message.type === "setup") {
        run = handler.setup(message.payload);
        return;
      }
      if (run === undefined) throw new Error("a task came before the job's setup");
      await run(message.task, (event) => post({ type: "event", event }));
      post({ type: "done" });
    } catch (error) {
      post(describe(error));
    }
  });
  post({ type: "ready" });
} catch (error) {
  post(describe(error));
}
