/**
 * tfjs-core registers no gradient functions by itself (the reward heads write their gradients by hand), and its
 * ESM file that registers them cannot be loaded by Node (extensionless imports). The @tensorflow/tfjs bundle
 * registers them all on the same tfjs-core instance; it is loaded only when a policy is trained, so the other
 * commands do not pay its ~0.4 s start-up.
 */
let loaded: Promise<unknown> | undefined;

export function enableAutograd(): Promise<unknown> {
  loaded ??= import("@tensorflow/tfjs");
  return loaded;
}
