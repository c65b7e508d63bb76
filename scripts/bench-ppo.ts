/**
 * The PPO part of `npm run bench`: align's PPO loop (src/rlhf/ppo.ts) with the GRU policy of configs/rlhf.yaml
 * (V 104, E 16, H 64), against scripts/torch_ppo_reference.py, the same policy and loop in PyTorch (one CPU
 * thread each). The reward is a stand-in, a fixed value per token summed over the response, so both measure
 * the loop itself (sampling, log-probs of policy and reference, epochs of minibatch steps), not reward-model
 * scoring. Each side runs in a fresh process; prints sampled tokens per second, peak RSS and the ratio.
 *
 *   node dist/scripts/bench-ppo.js [--iterations 20] [--child]
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { enableAutograd } from "../src/rlhf/autograd.js";
import { gruPolicy, initGru } from "../src/rlhf/gru.js";
import { trainPpo } from "../src/rlhf/ppo.js";
import { initBackend } from "../src/runtime/backend.js";
import { createRng } from "../src/runtime/random.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const SHAPE = { vocabulary: 104, embedding: 16, hidden: 64 };
const LOOP = { prompts: 16, samples: 4, epochs: 2, minibatches: 2, maxLength: 12 };

interface Result {
  seconds: number;
  tokens: number;
  maxRssMB: number;
}

async function child(iterations: number): Promise<void> {
  await initBackend("wasm");
  await enableAutograd();
  const rng = createRng(0);
  const value = Array.from({ length: SHAPE.vocabulary }, () => rng.normal());
  const prompts = Array.from({ length: 64 }, () => [
    1 + rng.int(SHAPE.vocabulary - 1),
    1 + rng.int(SHAPE.vocabulary - 1),
  ]);
  const params = initGru(SHAPE, 1);
  const policy = gruPolicy(params, prompts, LOOP.maxLength, true);
  const reference = gruPolicy(params, prompts, LOOP.maxLength, false);
  let tokens = 0;
  const score = (_: number[], responses: number[][]) => {
    for (const r of responses) tokens += r.length;
    return {
      reward: responses.map((r) => r.reduce((s, t) => s + value[t], 0)),
      weight: responses.map(() => 1),
    };
  };
  const started = performance.now();
  trainPpo(
    policy,
    reference,
    Array.from({ length: 64 }, (_, i) => i),
    score,
    {
      iterations,
      promptsPerIteration: LOOP.prompts,
      samplesPerPrompt: LOOP.samples,
      epochs: LOOP.epochs,
      minibatches: LOOP.minibatches,
      learningRate: 0.003,
      clip: 0.2,
      maxGradNorm: 1,
      beta: 0.05,
      baseline: "rloo",
    },
    1,
  );
  const result: Result = {
    seconds: (performance.now() - started) / 1000,
    tokens,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
  console.log(JSON.stringify(result));
}

function run(command: string, args: string[]): Result {
  const out = spawnSync(command, args, { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").pop() as string);
}

/** Runs both sides and prints a table; returns align's tokens/s over PyTorch's. */
export function benchPpo(iterations: number): number {
  const ours = run(process.execPath, [
    fileURLToPath(import.meta.url),
    "--child",
    "--iterations",
    String(iterations),
  ]);
  const torch = run("/usr/bin/python3", [
    join(root, "scripts/torch_ppo_reference.py"),
    "--iterations",
    String(iterations),
    ...[
      "--vocabulary",
      String(SHAPE.vocabulary),
      "--embedding",
      String(SHAPE.embedding),
      "--hidden",
      String(SHAPE.hidden),
    ],
  ]);
  const rate = (r: Result) => r.tokens / r.seconds;
  console.log(
    `PPO loop, GRU V ${SHAPE.vocabulary} E ${SHAPE.embedding} H ${SHAPE.hidden}, ${iterations} iterations of ${LOOP.prompts}x${LOOP.samples} samples:`,
  );
  for (const [name, r] of [
    ["align (tfjs wasm)", ours],
    ["PyTorch (1 thread)", torch],
  ] as const) {
    console.log(
      `  ${name.padEnd(20)} ${r.seconds.toFixed(2)} s  ${rate(r).toFixed(0)} sampled tokens/s  peak RSS ${r.maxRssMB.toFixed(0)} MB`,
    );
  }
  const ratio = rate(ours) / rate(torch);
  console.log(`  ratio align / PyTorch: ${ratio.toFixed(2)}`);
  return ratio;
}

const { values } = parseArgs({
  options: { child: { type: "boolean" }, iterations: { type: "string" } },
  strict: false,
});
const iterations = Number(values.iterations ?? 20);
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (values.child) await child(iterations);
  else benchPpo(iterations);
}
