import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { createAdam } from "../../src/rlhf/adam.js";
import { initBackend } from "../../src/runtime/backend.js";
import { createRng } from "../../src/runtime/random.js";

/** Gradients for `steps` steps of two variables (shapes [3, 4] and [5]), from a seeded generator. */
function gradients(steps: number): Float32Array[][] {
  const rng = createRng(7);
  return Array.from({ length: steps }, () =>
    [12, 5].map((n) => Float32Array.from({ length: n }, () => rng.normal() * 0.3)),
  );
}

const shapes = [[3, 4], [5]];

function variables(): tf.Variable[] {
  const rng = createRng(3);
  return shapes.map((shape) =>
    tf.variable(
      tf.tensor(
        Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal()),
        shape,
      ),
    ),
  );
}

const values = (vars: tf.Variable[]) => vars.map((v) => Float32Array.from(v.dataSync()));

test("Adam gives tf.train.adam's bytes, and resumes from its state with the bytes of an unbroken run", async () => {
  await initBackend("wasm");
  const steps = gradients(8);
  const learningRate = 0.01;

  // The oracle: tfjs's own optimiser.
  const theirs = variables();
  const optimizer = tf.train.adam(learningRate);
  for (const grads of steps) {
    optimizer.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: tf.tensor(grads[i], v.shape) })));
  }
  const ours = variables();
  const adam = createAdam(ours, learningRate);
  for (const grads of steps) adam.apply(grads.map((g, i) => tf.tensor(g, ours[i].shape)));
  assert.deepEqual(values(ours), values(theirs));

  // Three steps, the state saved; a new optimiser on new variables from that state takes the other five.
  const broken = variables();
  const first = createAdam(broken, learningRate);
  for (const grads of steps.slice(0, 3)) first.apply(grads.map((g, i) => tf.tensor(g, broken[i].shape)));
  const state = first.state();
  assert.equal(state.steps, 3);
  const weights = values(broken);
  first.dispose();
  const resumed = shapes.map((shape, i) => tf.variable(tf.tensor(weights[i], shape)));
  const second = createAdam(resumed, learningRate, state);
  for (const grads of steps.slice(3)) second.apply(grads.map((g, i) => tf.tensor(g, resumed[i].shape)));
  assert.deepEqual(values(resumed), values(ours));
  assert.deepEqual(second.state(), adam.state());
});
