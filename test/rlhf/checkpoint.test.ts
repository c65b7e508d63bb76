import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  loadTrialState,
  saveTrialState,
  type TrialFingerprint,
  type TrialState,
} from "../../src/rlhf/checkpoint.js";
import { UserError } from "../../src/runtime/errors.js";
import { createRng } from "../../src/runtime/random.js";
import { tempDir } from "../cli/run-cli.js";

const fingerprint: TrialFingerprint = {
  method: "variance-aware",
  trial: 1,
  seed: 123456789,
  iterations: 40,
  backend: "wasm",
  shapes: [[4, 3], [1, 5], [7]],
};

/** A state with every field set, odd values included (NaN, −0, ±Infinity, float32 extremes). */
function exampleState(): TrialState {
  const rng = createRng(11);
  const arrays = () =>
    fingerprint.shapes.map((shape) => {
      const data = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal());
      return data;
    });
  const weights = arrays();
  weights[2].set([Number.NaN, -0, Number.POSITIVE_INFINITY, 3.4028234663852886e38, 1.401298464324817e-45]);
  return {
    ppo: {
      iteration: 8,
      weights,
      adam: {
        steps: 32,
        accBeta1: Math.fround(0.9 ** 33),
        accBeta2: Math.fround(0.999 ** 33),
        m: arrays(),
        v: arrays(),
      },
      rng: 4294967295,
      order: [3, 0, 2, 1],
      cursor: 3,
    },
    checkpoints: [
      {
        iteration: 0,
        kl: 0,
        delta: [0, 0],
        proxyDelta: [0, 0],
        gold: 0.1 + 0.2,
        goldSe: 1 / 3,
        proxy: -1e-300,
      },
      {
        iteration: 8,
        kl: 0.07,
        delta: [-0.5, 1],
        proxyDelta: [Number.NaN, 2],
        gold: 1,
        goldSe: Number.POSITIVE_INFINITY,
        proxy: 0,
      },
    ],
    samples: [
      {
        method: "variance-aware",
        trial: 1,
        member: null,
        iteration: 8,
        prompt: 'a "b"\n',
        text: "é",
        gold: -2.5,
      },
    ],
  };
}

test("a trial's state saved and loaded again is the same state, to the bit, and saves to the same bytes", () => {
  const path = join(tempDir("ppo-state"), "t.checkpoint.bin");
  const state = exampleState();
  saveTrialState(path, state, fingerprint);
  const bytes = readFileSync(path);
  const loaded = loadTrialState(path, fingerprint);
  assert.deepEqual(loaded, state);
  // deepEqual treats NaN as NaN and −0 as −0 for numbers; the arrays' bits are compared directly.
  for (const kind of ["weights", "m", "v"] as const) {
    const got = kind === "weights" ? loaded?.ppo.weights : loaded?.ppo.adam[kind];
    const want = kind === "weights" ? state.ppo.weights : state.ppo.adam[kind];
    want.forEach((a, i) => {
      assert.ok(
        Buffer.from((got as Float32Array[])[i].buffer).equals(Buffer.from(a.buffer)),
        `${kind}[${i}]`,
      );
    });
  }
  saveTrialState(path, loaded as TrialState, fingerprint);
  assert.ok(readFileSync(path).equals(bytes));
});

test("no state is undefined; a damaged, truncated or foreign one is refused, naming the file", () => {
  const dir = tempDir("ppo-state-bad");
  const path = join(dir, "t.checkpoint.bin");
  assert.equal(loadTrialState(path, fingerprint), undefined);
  saveTrialState(path, exampleState(), fingerprint);
  const good = readFileSync(path);
  const refused = (message: RegExp, what: TrialFingerprint = fingerprint) =>
    assert.throws(
      () => loadTrialState(path, what),
      (error: unknown) =>
        error instanceof UserError && error.message.startsWith(path) && message.test(error.message),
    );
  refused(/another trial or backend/, { ...fingerprint, backend: "cpu" });
  refused(/another trial or backend/, { ...fingerprint, iterations: 41 });
  writeFileSync(path, good.subarray(0, good.length - 4));
  refused(/truncated/);
  writeFileSync(path, Buffer.concat([good.subarray(0, 4), Buffer.from("{not json"), good.subarray(13)]));
  refused(/not a readable checkpoint/);
  writeFileSync(
    path,
    Buffer.from(good.toString("latin1").replace("align-ppo-checkpoint", "align-xyz-checkpoint"), "latin1"),
  );
  refused(/not an align-ppo-checkpoint v1 file/);
});
