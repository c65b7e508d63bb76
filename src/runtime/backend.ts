import * as tf from "@tensorflow/tfjs-core";
import { UserError } from "./errors.js";

export const backendChoices = ["auto", "tensorflow", "wasm", "cpu"] as const;
export type BackendChoice = (typeof backendChoices)[number];

/** The libtensorflow bindings, GPU build first; both are optional dependencies. */
async function importTensorflow(): Promise<string | undefined> {
  for (const name of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      await import(name);
      return name;
    } catch {
      // Not installed (their installers need libtensorflow): try the next one.
    }
  }
  return undefined;
}

async function activate(name: string): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Selects the compute backend. `auto` prefers libtensorflow (GPU, then CPU build), then WebAssembly,
 * then the pure-JS CPU backend. Returns the backend in use and, for tensorflow, the package providing it.
 */
export async function initBackend(choice: BackendChoice): Promise<{ backend: string; provider: string }> {
  // Production mode: skips tfjs's debug checks and its "install the node backend" banner.
  tf.env().set("PROD", true);
  if (choice === "auto" || choice === "tensorflow") {
    const provider = await importTensorflow();
    if (provider !== undefined && (await activate("tensorflow"))) return { backend: "tensorflow", provider };
    if (choice === "tensorflow") {
      throw new UserError(
        "--backend tensorflow: neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node could be loaded " +
          "(install one; their installers download libtensorflow)",
      );
    }
  }
  if (choice === "auto" || choice === "wasm") {
    await import("@tensorflow/tfjs-backend-wasm");
    if (await activate("wasm")) return { backend: "wasm", provider: "@tensorflow/tfjs-backend-wasm" };
    if (choice === "wasm") throw new UserError("--backend wasm: the WebAssembly backend failed to start");
  }
  await import("@tensorflow/tfjs-backend-cpu");
  if (await activate("cpu")) return { backend: "cpu", provider: "@tensorflow/tfjs-backend-cpu" };
  throw new Error("no tfjs backend could be started");
}
