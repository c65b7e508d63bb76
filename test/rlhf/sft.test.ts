import assert from "node:assert/strict";
import { test } from "node:test";
import { configSchema } from "../../src/config/schema.js";
import { enableAutograd } from "../../src/rlhf/autograd.js";
import { gruPolicy } from "../../src/rlhf/gru.js";
import {
  policyLogLikelihood,
  referenceExamples,
  trainSft,
  unigramLogLikelihood,
} from "../../src/rlhf/sft.js";
import { END, generateWorld, type World } from "../../src/rlhf/world.js";
import { initBackend } from "../../src/runtime/backend.js";
import { createRng } from "../../src/runtime/random.js";

/*
 * π0 after SFT on a small world (160 prompts, 12 reference answers each; 120 prompts train, 40 held out), on the
 * WebAssembly backend, the project's default. Tolerances, per response on the training prompts: length within
 * 1 word of the references', prompt-topic words within 0.35, markers within 0.3, common traits within 0.4.
 */
const config = configSchema.parse({
  rlhf: { world: { prompts: 160, referencesPerPrompt: 12 } },
}).rlhf;
const options = {
  shape: { vocabulary: 0, embedding: 16, hidden: 48 },
  epochs: 10,
  batchSize: 128,
  learningRate: 0.02,
};

function statistics(world: World, prompts: number[], responses: number[][]) {
  let length = 0;
  let topics = 0;
  let markers = 0;
  let traits = 0;
  responses.forEach((r, b) => {
    const words = r.filter((t) => t !== END);
    length += words.length;
    topics += words.filter((t) => world.prompts[prompts[b]].topics.includes(t)).length;
    markers += words.filter((t) => world.kind[t] === "marker").length;
    traits += words.filter((t) => world.kind[t] === "trait" && !world.rare[t]).length;
  });
  const n = responses.length;
  return { length: length / n, topics: topics / n, markers: markers / n, traits: traits / n };
}

test("SFT: samples match the references' statistics, held-out likelihood beats a unigram model, same seed same bytes", async () => {
  await initBackend("wasm");
  await enableAutograd();
  const world = generateWorld(config.world, 3);
  const train = Array.from({ length: 120 }, (_, x) => x);
  const heldOut = Array.from({ length: 40 }, (_, x) => 120 + x);
  const shape = { ...options.shape, vocabulary: world.vocabulary.length };
  const first = trainSft(world, train, { ...options, shape }, 9);
  const second = trainSft(world, train, { ...options, shape }, 9);
  for (const name of Object.keys(first.params.tensors)) {
    assert.deepEqual(
      Buffer.from(first.params.tensors[name].data.buffer),
      Buffer.from(second.params.tensors[name].data.buffer),
      `tensor ${name} differs between two runs with the same seed`,
    );
  }
  const policyLl = policyLogLikelihood(first.params, world, referenceExamples(world, heldOut));
  const unigramLl = unigramLogLikelihood(
    world.vocabulary.length,
    referenceExamples(world, train),
    referenceExamples(world, heldOut),
  );
  console.log(
    `held-out log-likelihood per token: policy ${policyLl.toFixed(4)}, unigram ${unigramLl.toFixed(4)}`,
  );
  assert.ok(policyLl > unigramLl, `policy ${policyLl} does not beat unigram ${unigramLl}`);

  const policy = gruPolicy(
    first.params,
    world.prompts.map((p) => p.topics),
    world.config.maxLength,
    false,
  );
  const prompts = train.flatMap((x) => new Array<number>(4).fill(x));
  const sampled = statistics(world, prompts, policy.sample(prompts, createRng(1)));
  policy.dispose();
  const refPrompts = train.flatMap((x) => world.references[x].map(() => x));
  const reference = statistics(
    world,
    refPrompts,
    train.flatMap((x) => world.references[x]),
  );
  console.log(`samples ${JSON.stringify(sampled)}\nreferences ${JSON.stringify(reference)}`);
  assert.ok(Math.abs(sampled.length - reference.length) <= 1, "length");
  assert.ok(Math.abs(sampled.topics - reference.topics) <= 0.35, "prompt-topic words");
  assert.ok(Math.abs(sampled.markers - reference.markers) <= 0.3, "markers");
  assert.ok(Math.abs(sampled.traits - reference.traits) <= 0.4, "common traits");
});
