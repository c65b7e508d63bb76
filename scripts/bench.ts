/**
 * `npm run bench`: how fast align trains reward-model ensembles, against a PyTorch reference.
 *
 * Trains the ensemble of configs/paper-figure1.yaml (10 linear members on HH-RLHF helpful-base test,
 * 5 epochs) from align's own features, then PyTorch (scripts/torch_reference.py, Debian's python3-torch,
 * installed when absent) on the very same features, and prints medians of wall time, pair-epochs per
 * second (members × training pairs × epochs / seconds), peak RSS and the ratio. Then the scaling
 * series: 1×, 4×, 16× the training pairs and 5, 10, 20 members. Each measurement runs in a fresh
 * process, so its peak RSS is its own. Last, the PPO loop against PyTorch (scripts/bench-ppo.ts).
 *
 *   npm run bench [-- --runs 5 --scaling-runs 3 --no-torch --torch-threads 1]
 *
 * PyTorch runs with as many threads as there are cores unless --torch-threads says otherwise: on cores
 * shared with other work, its OpenMP threads wait on each other (measured here: 40 s with 2 threads
 * against 1.6 s with 1 on the paper-figure1 sparse shape, load average 6 on 2 cores).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config/load.js";
import type { Config } from "../src/config/schema.js";
import { loadTrainingData } from "../src/features/training-data.js";
import { trainMembers } from "../src/reward-model/stage.js";
import { initBackend } from "../src/runtime/backend.js";
import { silentLogger } from "../src/runtime/logging.js";
import { plantedEmbeddings, readFeatures, writeFeatures } from "./bench-features.js";
import { kernelTimings } from "./bench-kernels.js";
import { benchPpo } from "./bench-ppo.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const python = "/usr/bin/python3";
const torchScript = join(root, "scripts/torch_reference.py");

interface Measurement {
  seconds: number;
  maxRssMB: number;
}

interface ChildSpec {
  features: string;
  torchThreads: number;
  config: Config;
  copies: number;
  members: number;
  /** Threads; absent: align's default (chosen from the amount of work). */
  jobs?: number;
}

/** In a child process: trains `members` members on the feature file; prints seconds and peak RSS. */
async function child(spec: ChildSpec): Promise<void> {
  const data = readFeatures(spec.features, spec.copies);
  const { backend } = await initBackend("wasm");
  const out = mkdtempSync(join(tmpdir(), "align-bench-"));
  const config = { ...spec.config, rewardModel: { ...spec.config.rewardModel, members: spec.members } };
  const ctx = { out, config, logger: silentLogger, backend, force: false };
  const members = Array.from({ length: spec.members }, (_, m) => m);
  const started = performance.now();
  await trainMembers(ctx, async () => data, join(out, "reward-models"), members, spec.jobs);
  const seconds = (performance.now() - started) / 1000;
  rmSync(out, { recursive: true, force: true });
  const result: Measurement = { seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  console.log(JSON.stringify(result));
}

function runJson(command: string, args: string[]): Measurement {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  const lines = result.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

function alignRun(spec: ChildSpec): Measurement {
  return runJson(process.execPath, [fileURLToPath(import.meta.url), "--child", JSON.stringify(spec)]);
}

function torchRun(spec: ChildSpec, input: "dense" | "sparse"): Measurement {
  const rm = spec.config.rewardModel;
  return runJson(python, [
    torchScript,
    spec.features,
    `--input=${input}`,
    `--head=${rm.head}`,
    `--hidden=${rm.hiddenUnits}`,
    `--members=${spec.members}`,
    `--copies=${spec.copies}`,
    `--epochs=${rm.epochs}`,
    `--batch-size=${rm.batchSize}`,
    `--lr=${rm.learningRate}`,
    `--l2=${rm.l2}`,
    `--init-scale=${rm.initScale}`,
    `--threads=${spec.torchThreads}`,
    ...(rm.bootstrap ? ["--bootstrap"] : []),
  ]);
}

/** Debian's PyTorch, installed with apt-get when missing; false when it cannot be had. */
function ensureTorch(): boolean {
  const has = () => spawnSync(python, ["-c", "import torch"]).status === 0;
  if (has()) return true;
  console.log("installing python3-torch with apt-get …");
  const install = spawnSync("apt-get", ["install", "-y", "python3-torch"], {
    stdio: "ignore",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return install.status === 0 && has();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median of `runs` measurements (interleaved with the others by the caller's loop). */
function summarize(samples: Measurement[]): Measurement {
  return { seconds: median(samples.map((s) => s.seconds)), maxRssMB: median(samples.map((s) => s.maxRssMB)) };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "5" },
      "scaling-runs": { type: "string", default: "3" },
      "no-torch": { type: "boolean", default: false },
      "torch-threads": { type: "string" },
      child: { type: "string" },
    },
  });
  if (values.child !== undefined) return child(JSON.parse(values.child));
  const runs = Number(values.runs);
  const scalingRuns = Number(values["scaling-runs"]);
  const cores = availableParallelism();
  const torchThreads = Number(values["torch-threads"] ?? cores);

  // Without the real data, synthetic pairs of the same count (590 prompts × 4 pairs ≈ 2346).
  const configPath = join(root, "configs/paper-figure1.yaml");
  const hh = loadConfig(configPath);
  const synthetic = ["data.source=synthetic", "data.synthetic.prompts=590"];
  const real = hh.data.path !== undefined && existsSync(hh.data.path);
  const config = real ? hh : loadConfig(configPath, synthetic);
  const overrides = real ? [] : synthetic.flatMap((o) => ["--set", o]);
  const rm = config.rewardModel;
  const dir = mkdtempSync(join(tmpdir(), "align-bench-"));
  const features = join(dir, "features.bin");
  const read = performance.now();
  const data = await loadTrainingData(config);
  const featurising = (performance.now() - read) / 1000;
  writeFeatures(features, data);
  const trainPairs = data.splits.train.length;

  const torch = !values["no-torch"] && ensureTorch();
  const torchVersion = torch
    ? execFileSync(python, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" }).trim()
    : "not run";
  console.log(
    `align bench: ${config.name} shape, ${rm.members} ${rm.head} members, D = ${config.features.dimension}, ` +
      `${rm.epochs} epochs, batch ${rm.batchSize}, bootstrap ${rm.bootstrap}; ${data.source}\n` +
      `${trainPairs} training pairs (featurised in ${featurising.toFixed(2)} s), ${cores} cores, ` +
      `node ${process.versions.node}, tfjs wasm; PyTorch ${torchVersion} with ${torchThreads} thread(s); ` +
      `medians of ${runs} runs (scaling: ${scalingRuns})\n`,
  );

  await initBackend("wasm");
  console.log("One member's training step of 64 pairs on the host kernels (median ms):");
  console.log(
    table(
      ["shape", "loss and gradient ms", "Adam ms"],
      kernelTimings().map(([name, gradient, adam]) => [name, gradient.toFixed(3), adam.toFixed(3)]),
    ),
  );

  type Variant = [string, (spec: ChildSpec) => Measurement];
  const alignJobs = (jobs: number): Variant => [`align --jobs ${jobs}`, (s) => alignRun({ ...s, jobs })];
  const alignDefault: Variant = ["align (default jobs)", (s) => alignRun({ ...s, jobs: undefined })];
  const sparse: Variant = ["PyTorch sparse (EmbeddingBag)", (s) => torchRun(s, "sparse")];
  const dense: Variant = ["PyTorch dense (nn.Linear)", (s) => torchRun(s, "dense")];
  const header = ["shape", "implementation", "wall s", "pair-epochs/s", "peak RSS MB", "time / first row's"];

  /** Rows of one shape: medians of `count` runs of each variant, interleaved so load drifts hit all alike. */
  const measure = (
    label: string,
    members: number,
    copies: number,
    head: "linear" | "mlp",
    count: number,
    variants: Variant[],
    on: { features: string; config: Config; trainPairs: number } = { features, config, trainPairs },
  ) => {
    const shaped = { ...on.config, rewardModel: { ...on.config.rewardModel, head } };
    const spec: ChildSpec = {
      features: on.features,
      torchThreads,
      config: shaped,
      copies,
      members,
      jobs: cores,
    };
    const samples = variants.map(() => [] as Measurement[]);
    for (let r = 0; r < count; r++) for (const [i, [, run]] of variants.entries()) samples[i].push(run(spec));
    const medians = samples.map(summarize);
    const work = members * copies * on.trainPairs * shaped.rewardModel.epochs;
    return variants.map(([name], i) => [
      label,
      name,
      medians[i].seconds.toFixed(3),
      (work / medians[i].seconds).toFixed(0),
      medians[i].maxRssMB.toFixed(0),
      (medians[i].seconds / medians[0].seconds).toFixed(2),
    ]);
  };
  const compared = (variants: Variant[]) =>
    torch ? variants : variants.filter(([name]) => name.startsWith("align"));

  console.log(`\nThe ${config.name} ensemble, training from features (medians of ${runs}):`);
  console.log(
    table(
      header,
      measure(
        `${rm.members} members, 1x data`,
        rm.members,
        1,
        rm.head,
        runs,
        compared([alignDefault, alignJobs(1), alignJobs(cores), sparse, dense]),
      ),
    ),
  );

  const scaling: [number, number][] = [
    [10, 1],
    [10, 4],
    [10, 16],
    [5, 1],
    [20, 1],
  ];
  const rows = scaling.flatMap(([members, copies]) =>
    measure(
      `${members} members, ${copies}x data`,
      members,
      copies,
      rm.head,
      scalingRuns,
      compared(
        copies === 16
          ? [alignDefault, alignJobs(1), alignJobs(cores), sparse]
          : [alignDefault, alignJobs(1), sparse],
      ),
    ),
  );
  console.log(
    `\nScaling (medians of ${scalingRuns}; the dense PyTorch reference is left out: 16x data is 3.4 GB dense):`,
  );
  console.log(table(header, rows));

  console.log(
    `\nThe mlp head (${rm.hiddenUnits} hidden units), ${rm.members} members, 1x data (medians of ${scalingRuns}):`,
  );
  console.log(
    table(
      header,
      measure(
        "mlp head",
        rm.members,
        1,
        "mlp",
        scalingRuns,
        compared([alignDefault, alignJobs(1), alignJobs(cores), sparse]),
      ),
    ),
  );

  // Dense embeddings: Gaussian rows with a planted linear reward, as many pairs as the shape above.
  const embeddingRows: string[][] = [];
  for (const dimension of [768, 4096]) {
    const embedded = plantedEmbeddings(dimension, data.pool.rows / 2);
    const file = join(dir, `embeddings-${dimension}.bin`);
    writeFeatures(file, embedded);
    const on = {
      features: file,
      config: { ...config, rewardModel: { ...rm, hiddenUnits: 64 } },
      trainPairs: embedded.splits.train.length,
    };
    for (const head of ["linear", "mlp"] as const) {
      const label = `D = ${dimension}, ${head}${head === "mlp" ? " H = 64" : ""}`;
      const variants = compared([alignDefault, alignJobs(1), dense]);
      embeddingRows.push(...measure(label, rm.members, 1, head, scalingRuns, variants, on));
    }
  }
  console.log(
    `\nDense embeddings (${rm.members} members, ${trainPairs} training pairs of planted-reward Gaussian rows; medians of ${scalingRuns}):`,
  );
  console.log(table(header, embeddingRows));

  /** Median wall time of `align train-rm` on a config, with --jobs or (undefined) the default. */
  const cli = (config: string, sets: string[], jobs: number | undefined, count: number) => {
    const out = join(dir, `cli-${jobs ?? "default"}`);
    const times = Array.from({ length: count }, () => {
      const started = performance.now();
      const result = spawnSync(
        process.execPath,
        [
          join(root, "bin/align.js"),
          "train-rm",
          "--config",
          config,
          "--out",
          out,
          "--force",
          ...(jobs === undefined ? [] : ["--jobs", String(jobs)]),
          ...sets,
        ],
        { encoding: "utf8", env: { ...process.env, ALIGN_LOG_LEVEL: "warn" } },
      );
      if (result.status !== 0) throw new Error(`align train-rm failed:\n${result.stderr}`);
      return (performance.now() - started) / 1000;
    });
    return median(times);
  };
  /** Rows of the default, --jobs 1 and --jobs cores, runs interleaved; the default against the faster. */
  const endToEnd = (config: string, sets: string[]) => {
    const variants = [undefined, 1, cores];
    const samples = variants.map(() => [] as number[]);
    for (let r = 0; r < runs; r++) {
      for (const [i, jobs] of variants.entries()) samples[i].push(cli(config, sets, jobs, 1));
    }
    const medians = samples.map(median);
    const best = Math.min(medians[1], medians[2]);
    return variants.map((jobs, i) => [
      `align train-rm ${jobs === undefined ? "(default)" : `--jobs ${jobs}`}`,
      medians[i].toFixed(3),
      (medians[i] / best).toFixed(2),
    ]);
  };
  const e2eHeader = ["command", "wall s", "time / faster of --jobs 1 and 2"];
  console.log(
    `\nEnd to end: \`align train-rm --config configs/paper-figure1.yaml\` (process start, reading, featurising, training, writing; medians of ${runs}):`,
  );
  console.log(table(e2eHeader, endToEnd(configPath, overrides)));
  console.log(`\nEnd to end: \`align train-rm --config configs/quick.yaml\` (medians of ${runs}):`);
  console.log(table(e2eHeader, endToEnd(join(root, "configs/quick.yaml"), [])));
  rmSync(dir, { recursive: true, force: true });
  if (torch) {
    console.log("");
    benchPpo(20);
  }
}

await main();
