/** Adam's constants: tfjs's defaults (tf.train.adam), as the PyTorch references of the bench use too. */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;
