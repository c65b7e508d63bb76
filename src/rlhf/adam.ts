import * as tf from "@tensorflow/tfjs-core";
import { ADAM } from "../runtime/adam.js";

/**
 * Adam on backend variables, with its state in the open so that a checkpoint can hold it. The same
 * operations in the same order as tf.train.adam's (its constants, its running products β1ᵗ⁺¹ and β2ᵗ⁺¹ in
 * float32), so it gives tf.train.adam's bytes (test/rlhf/adam.test.ts); tf.train.adam's own setWeights
 * cannot restore them: it recomputes the products with pow, which rounds differently, and is async.
 */

/** Host copy of the state: moments per variable (in the variables' order), the running products, steps. */
export interface AdamState {
  steps: number;
  /** β1ᵗ⁺¹ and β2ᵗ⁺¹ after t steps, as the float32 values the updates use. */
  accBeta1: number;
  accBeta2: number;
  m: Float32Array[];
  v: Float32Array[];
}

export interface Adam {
  /** One step: grads[i] is the gradient of variables[i] (a variable without one is left as it is). */
  apply(grads: readonly (tf.Tensor | undefined)[]): void;
  state(): AdamState;
  dispose(): void;
}

export function createAdam(variables: readonly tf.Variable[], learningRate: number, start?: AdamState): Adam {
  const { beta1, beta2, epsilon } = ADAM;
  const moment = (values: readonly Float32Array[] | undefined) =>
    variables.map((v, i) =>
      tf.variable(values === undefined ? tf.zerosLike(v) : tf.tensor(values[i], v.shape), false),
    );
  const m = moment(start?.m);
  const s = moment(start?.v);
  const accBeta1 = tf.variable(tf.scalar(start?.accBeta1 ?? beta1), false);
  const accBeta2 = tf.variable(tf.scalar(start?.accBeta2 ?? beta2), false);
  let steps = start?.steps ?? 0;
  return {
    apply(grads) {
      tf.tidy(() => {
        const oneMinusAccBeta1 = tf.sub(1, accBeta1);
        const oneMinusAccBeta2 = tf.sub(1, accBeta2);
        variables.forEach((value, i) => {
          const g = grads[i];
          if (g === undefined) return;
          const newM = tf.add(tf.mul(m[i], beta1), tf.mul(g, 1 - beta1));
          const newS = tf.add(tf.mul(s[i], beta2), tf.mul(tf.square(g), 1 - beta2));
          const mHat = tf.div(newM, oneMinusAccBeta1);
          const sHat = tf.div(newS, oneMinusAccBeta2);
          m[i].assign(newM);
          s[i].assign(newS);
          value.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(sHat), epsilon)), -learningRate), value));
        });
        accBeta1.assign(tf.mul(accBeta1, beta1));
        accBeta2.assign(tf.mul(accBeta2, beta2));
      });
      steps += 1;
    },
    state: () => ({
      steps,
      accBeta1: accBeta1.dataSync()[0],
      accBeta2: accBeta2.dataSync()[0],
      m: m.map((t) => Float32Array.from(t.dataSync())),
      v: s.map((t) => Float32Array.from(t.dataSync())),
    }),
    dispose: () => tf.dispose([...m, ...s, accBeta1, accBeta2]),
  };
}
