import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type RlhfMethodName, rlhfMethodNames } from "../config/schema.js";
import { startWorkers } from "../jobs/pool.js";
import { runScheduled, wholeTask } from "../jobs/schedule.js";
import { type JobPlan, shardItems } from "../jobs/shard.js";
import { jobsOrCores } from "../jobs/threads.js";
import { histogram, lineChart } from "../plots/charts.js";
import { writePlot } from "../plots/render.js";
import { loadEnsemble } from "../reward-model/ensemble.js";
import type { HeadParams } from "../reward-model/params.js";
import { trainEnsemble } from "../reward-model/stage.js";
import { type RunContext, writeShared } from "../run/folder.js";
import { type Stage, stageDir } from "../run/stage.js";
import { UserError } from "../runtime/errors.js";
import { toCsv, writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { createProgress } from "../runtime/progress.js";
import { createRng, deriveSeed } from "../runtime/random.js";
import { mean, sampleStd } from "../runtime/stats.js";
import { enableAutograd } from "./autograd.js";
import { loadTrialState, removeTrialState, saveTrialState, type TrialFingerprint } from "./checkpoint.js";
import { type GruParams, gruParameterCount, gruPolicy, loadPolicy, savePolicy } from "./gru.js";
import { type IterationStats, measureKl, type PpoConfig, type PpoState, packBatch, trainPpo } from "./ppo.js";
import { rlhfSection, rlhfTable } from "./report.js";
import {
  estimates,
  memberScores,
  type ReferenceStats,
  referenceStats,
  type TrialSpec,
  trialRewards,
} from "./rewards.js";
import { policyLogLikelihood, referenceExamples, trainSft, unigramLogLikelihood } from "./sft.js";
import { type Checkpoint, type RlhfSummary, summarise, type Trajectory } from "./summary.js";
import { generateWorld, goldReward, responseText, type World, worldDataset } from "./world.js";

/**
 * The generative-policy study (DESIGN.md, "Generative policy: RLHF at model scale"): the world, reward models
 * trained on its reference pairs, π0 by SFT, then PPO per method and trial, evaluated at checkpoints on
 * held-out prompts against the gold reward. Writes under <out>/rlhf/: reward-models/, sft/ (π0's weights and
 * metrics), trials/ (one finished trajectory and final policy each: a rerun skips them; an unfinished
 * trial's state at its last evaluation, from which a rerun continues), curves.csv, summary.json,
 * samples.jsonl and plots.
 */

interface Setup {
  world: World;
  members: HeadParams[];
  stats: ReferenceStats;
  sft: GruParams;
  train: number[];
  evaluation: number[];
}

/** π0's gold and every member's centred-score estimates on its evaluation samples (the baseline of every Δ). */
interface Baseline {
  prompts: number[];
  responses: number[][];
  gold: number[];
}

function trialSpecs(ctx: RunContext, methods: readonly RlhfMethodName[], members: number): TrialSpec[] {
  const { estimate, trials } = ctx.config.rlhf;
  const specs: TrialSpec[] = [];
  for (const method of methods) {
    if (
      method !== "mean" &&
      method !== "worst-case" &&
      method !== "uncertainty-weighted" &&
      estimate === "member"
    ) {
      for (let m = 0; m < Math.min(members, trials ?? members); m++) specs.push({ method, member: m });
    } else specs.push({ method, member: null });
  }
  return specs;
}

function checkpointIterations(iterations: number, count: number): Set<number> {
  return new Set(
    Array.from({ length: count }, (_, k) => Math.max(1, Math.round(((k + 1) * iterations) / count))),
  );
}

function setUp(ctx: RunContext, dir: string): Setup {
  const { config, logger } = ctx;
  const world = generateWorld(config.rlhf.world, config.seed);
  const { dataset, splitOf } = worldDataset(world, config.seed, config.data.splits);
  const train = splitOf.flatMap((s, x) => (s === "train" ? [x] : []));
  const evaluation = splitOf.flatMap((s, x) => (s === "test" ? [x] : [])).slice(0, config.rlhf.evalPrompts);
  if (train.length === 0 || evaluation.length === 0) {
    throw new UserError("rlhf.world.prompts: too few prompts for a train and a test split (see data.splits)");
  }
  const rmDir = join(dir, "reward-models");
  logger.info(`rlhf: ${dataset.source}; reward models on ${dataset.pairs.train.length} pairs`);
  trainEnsemble(ctx, dataset, rmDir);
  const members = loadEnsemble(rmDir, config);
  const sftDir = join(dir, "sft");
  let sft: GruParams;
  if (existsSync(join(sftDir, "metrics.json"))) sft = loadPolicy(sftDir);
  else {
    const started = Date.now();
    const shape = {
      vocabulary: world.vocabulary.length,
      embedding: config.rlhf.embedding,
      hidden: config.rlhf.hidden,
    };
    const options = {
      shape,
      epochs: config.rlhf.sftEpochs,
      batchSize: config.rlhf.sftBatchSize,
      learningRate: config.rlhf.sftLearningRate,
    };
    const result = trainSft(world, train, options, config.seed);
    sft = result.params;
    savePolicy(sftDir, sft, world.vocabulary);
    const heldOut = referenceExamples(world, evaluation);
    const metrics = {
      architecture: "gru",
      parameters: gruParameterCount(shape),
      shape,
      trainLoss: result.losses,
      heldOutLogLikelihood: policyLogLikelihood(sft, world, heldOut),
      unigramLogLikelihood: unigramLogLikelihood(
        world.vocabulary.length,
        referenceExamples(world, train),
        heldOut,
      ),
    };
    writeJsonAtomic(join(sftDir, "metrics.json"), metrics);
    logger.info(
      metrics,
      `rlhf: SFT done in ${((Date.now() - started) / 1000).toFixed(1)} s, held-out log-likelihood per token ${metrics.heldOutLogLikelihood.toFixed(3)} (unigram ${metrics.unigramLogLikelihood.toFixed(3)})`,
    );
  }
  return { world, members, stats: referenceStats(members, world, config.features), sft, train, evaluation };
}

/** M responses per evaluation prompt, adjacent per prompt. */
function evaluationPrompts(evaluation: readonly number[], samples: number): number[] {
  return evaluation.flatMap((x) => new Array<number>(samples).fill(x));
}

/** Per-prompt means of per-sample values (samples adjacent per prompt). */
function perPrompt(values: readonly number[], samples: number): number[] {
  return Array.from({ length: values.length / samples }, (_, i) =>
    mean(values.slice(i * samples, (i + 1) * samples)),
  );
}

function ppoConfig(ctx: RunContext): PpoConfig {
  const r = ctx.config.rlhf;
  return {
    iterations: r.iterations,
    promptsPerIteration: r.promptsPerIteration,
    samplesPerPrompt: r.samplesPerPrompt,
    epochs: r.ppoEpochs,
    minibatches: r.minibatches,
    learningRate: r.learningRate,
    clip: r.clip,
    maxGradNorm: r.maxGradNorm,
    beta: r.beta,
    baseline: r.baseline,
  };
}

/**
 * One PPO run from π0, evaluated at its checkpoints, where it also saves its state (but at the last,
 * where it ends): from that state, a rerun continues where the killed run stopped. Examples go to
 * `samples`; returns the trajectory and the final policy.
 */
function runTrial(
  ctx: RunContext,
  setup: Setup,
  baseline: Baseline,
  task: TrialTask,
  samples: Record<string, unknown>[],
): { trajectory: Trajectory; params: GruParams; resumedFrom: number | null } {
  const { spec, trial } = task;
  const { config } = ctx;
  const { world, members, stats, evaluation } = setup;
  const r = config.rlhf;
  const promptTokens = world.prompts.map((p) => p.topics);
  const reference = gruPolicy(setup.sft, promptTokens, world.config.maxLength, false);
  const policy = gruPolicy(setup.sft, promptTokens, world.config.maxLength, true);
  const rewardsOf = (prompts: number[], responses: number[][]) =>
    trialRewards(
      spec,
      estimates(memberScores(members, world, prompts, responses, config.features), prompts, stats),
      prompts,
      stats,
      r.priorVariance,
      r.uncertaintyPenalty,
    );
  const baselineProxy = perPrompt(rewardsOf(baseline.prompts, baseline.responses).reward, r.evalSamples * 4);
  const baselineGold = perPrompt(baseline.gold, r.evalSamples * 4);
  const seed = deriveSeed(config.seed, "rlhf", spec.method, trial);
  const statePath = trialStatePath(stageDir(ctx, "rlhf"), task);
  const fingerprint: TrialFingerprint = {
    method: spec.method,
    trial,
    seed,
    iterations: r.iterations,
    backend: ctx.backend,
    shapes: policy.variables.map((v) => v.shape),
  };
  const resumed = loadTrialState(statePath, fingerprint);
  if (resumed !== undefined) samples.push(...resumed.samples);
  const checkpoints: Checkpoint[] = resumed?.checkpoints ?? [
    {
      iteration: 0,
      kl: 0,
      delta: evaluation.map(() => 0),
      proxyDelta: evaluation.map(() => 0),
      gold: mean(baseline.gold),
      goldSe: sampleStd(baseline.gold) / Math.sqrt(baseline.gold.length),
      proxy: mean(baselineProxy),
    },
  ];
  const at = checkpointIterations(r.iterations, r.checkpoints);
  const evaluate = (iteration: number) => {
    const prompts = evaluationPrompts(evaluation, r.evalSamples);
    const responses = policy.sample(prompts, createRng(deriveSeed(seed, "evaluate", iteration)));
    const { kl } = measureKl(policy, reference, packBatch(prompts, responses));
    const gold = responses.map((y, b) => goldReward(world, prompts[b], y));
    const proxy = rewardsOf(prompts, responses).reward;
    const goldX = perPrompt(gold, r.evalSamples);
    const proxyX = perPrompt(proxy, r.evalSamples);
    checkpoints.push({
      iteration,
      kl: mean(kl),
      delta: goldX.map((g, i) => g - baselineGold[i]),
      proxyDelta: proxyX.map((p, i) => p - baselineProxy[i]),
      gold: mean(gold),
      goldSe: sampleStd(gold) / Math.sqrt(gold.length),
      proxy: mean(proxy),
    });
    for (let e = 0; e < Math.min(r.examples, evaluation.length); e++) {
      const b = e * r.evalSamples;
      samples.push({
        method: spec.method,
        trial,
        member: spec.member,
        iteration,
        prompt: world.prompts[prompts[b]].text,
        text: responseText(world, responses[b]),
        gold: gold[b],
        proxy: proxy[b],
      });
    }
  };
  const onIteration = (s: IterationStats, state: () => PpoState) => {
    if (!at.has(s.iteration)) return;
    evaluate(s.iteration);
    if (s.iteration < r.iterations)
      saveTrialState(statePath, { ppo: state(), checkpoints, samples }, fingerprint);
  };
  try {
    trainPpo(policy, reference, setup.train, rewardsOf, ppoConfig(ctx), seed, onIteration, resumed?.ppo);
    return {
      trajectory: { method: spec.method, trial, member: spec.member, checkpoints },
      params: policy.params(),
      resumedFrom: resumed?.ppo.iteration ?? null,
    };
  } finally {
    policy.dispose();
    reference.dispose();
  }
}

function curveRows(trajectories: readonly Trajectory[]): (string | number | null)[][] {
  return trajectories.flatMap((t) =>
    t.checkpoints.map((c) => [
      t.method,
      t.trial,
      t.member,
      c.iteration,
      c.kl,
      Math.sqrt(c.kl),
      c.proxy,
      c.gold,
      c.goldSe,
      mean(c.delta),
      mean(c.proxyDelta),
      mean(c.delta.map((d) => (d < 0 ? 1 : 0))),
    ]),
  );
}

const CURVE_HEADER = [
  "method",
  "trial",
  "member",
  "iteration",
  "kl",
  "sqrtKl",
  "proxy",
  "gold",
  "goldSe",
  "delta",
  "proxyDelta",
  "promptRisk",
];

async function writePlots(
  dir: string,
  trajectories: readonly Trajectory[],
  summary: RlhfSummary,
): Promise<void> {
  const against = (field: "delta" | "proxyDelta") =>
    [...new Set(trajectories.map((t) => t.method))].flatMap((method) => {
      const own = trajectories.filter((t) => t.method === method);
      const points = own[0].checkpoints.length;
      return Array.from({ length: points }, (_, k) => {
        const ys = own.map((t) => mean(t.checkpoints[k][field]));
        const x = mean(own.map((t) => Math.sqrt(t.checkpoints[k].kl)));
        const s = sampleStd(ys);
        return {
          series: method,
          x,
          y: mean(ys),
          lo: mean(ys) - s,
          hi: mean(ys) + s,
          details: { iteration: own[0].checkpoints[k].iteration },
        };
      });
    });
  await writePlot(
    dir,
    "gold-vs-sqrt-kl",
    lineChart({
      title: "Gold reward along PPO against √KL",
      subtitle:
        "Δ = J(π) − J(π0) on held-out prompts; line: mean over trials at each checkpoint; band: ±1 std",
      data: against("delta"),
      xTitle: "√KL(π‖π0) (√nats)",
      yTitle: "gold improvement Δ (gold units)",
      seriesTitle: "method",
    }),
  );
  await writePlot(
    dir,
    "proxy-vs-sqrt-kl",
    lineChart({
      title: "Proxy reward along PPO against √KL",
      subtitle: "the trial's own estimate r̂, minus π0's; band: ±1 std over trials",
      data: against("proxyDelta"),
      xTitle: "√KL(π‖π0) (√nats)",
      yTitle: "proxy improvement (reward-model units)",
      seriesTitle: "method",
    }),
  );
  const budgets = Object.values(summary.methods)[0]?.budgets ?? [];
  const middle = budgets[Math.floor((budgets.length - 1) / 2)]?.kl;
  await writePlot(
    dir,
    "delta-at-matched-kl",
    histogram({
      title: `Per-trial gold improvement at matched KL ${middle} nats`,
      subtitle: "Δ interpolated along each trajectory; trials that never reached this KL are left out",
      data: Object.entries(summary.methods).flatMap(([method, s]) =>
        (s.budgets.find((b) => b.kl === middle)?.perTrial ?? []).map((p) => ({
          series: method,
          value: p.improvement,
        })),
      ),
      xTitle: "gold improvement Δ (gold units)",
      yTitle: "trials (count)",
      seriesTitle: "method",
    }),
  );
}

/** The finished trials under dir/trials, in method order, then trial order. */
function savedTrials(dir: string): { trajectory: Trajectory; samples: Record<string, unknown>[] }[] {
  const folder = join(dir, "trials");
  if (!existsSync(folder)) return [];
  const rank = (name: string) => {
    const match = /^(.*)-(\d+)\.json$/.exec(name);
    return match === null ? null : { method: match[1], trial: Number(match[2]), name };
  };
  return readdirSync(folder)
    .map(rank)
    .filter((r) => r !== null && (rlhfMethodNames as readonly string[]).includes(r.method))
    .map((r) => r as { method: RlhfMethodName; trial: number; name: string })
    .sort(
      (a, b) => rlhfMethodNames.indexOf(a.method) - rlhfMethodNames.indexOf(b.method) || a.trial - b.trial,
    )
    .map((r) => JSON.parse(readFileSync(join(folder, r.name), "utf8")));
}

/** The rlhf stage: every method of `methods` (default: the config's), one trajectory per trial. */
/** The world, reward models, π0 and its baseline samples: what every trial shares, in any thread. */
export interface TrialContext {
  setup: Setup;
  baseline: Baseline;
}

/**
 * Sets up the study: trains (or loads) the reward models and π0 under `dir`, and samples π0's baseline.
 * Every step is deterministic from the config, so a worker thread that calls it after the main thread
 * gets the same values from the files on disk.
 */
export async function prepareTrials(ctx: RunContext): Promise<TrialContext> {
  await enableAutograd();
  const dir = stageDir(ctx, "rlhf");
  const r = ctx.config.rlhf;
  const setup = setUp(ctx, dir);
  const prompts = evaluationPrompts(setup.evaluation, r.evalSamples * 4);
  const pi0 = gruPolicy(
    setup.sft,
    setup.world.prompts.map((p) => p.topics),
    setup.world.config.maxLength,
    false,
  );
  const responses = pi0.sample(prompts, createRng(deriveSeed(ctx.config.seed, "rlhf", "baseline")));
  pi0.dispose();
  const gold = responses.map((y, b) => goldReward(setup.world, prompts[b], y));
  return { setup, baseline: { prompts, responses, gold } };
}

/** One trial of the job: a method's spec and its number among that method's trials. */
export interface TrialTask {
  spec: TrialSpec;
  trial: number;
}

/** What a finished trial reports to the main thread. */
export interface TrialEvent {
  method: string;
  trial: number;
  seconds: number;
  /** The iteration of the saved state it continued from (null: it ran from the start). */
  resumedFrom: number | null;
  kl: number;
  gold: number;
  proxy: number;
}

/** The finished trial's trajectory and samples: its completion marker, written last. */
function trialPath(dir: string, task: TrialTask): string {
  return join(dir, "trials", `${task.spec.method}-${task.trial}.json`);
}

/** The final policy of a finished trial (policy.json and policy.bin). */
function trialPolicyDir(dir: string, task: TrialTask): string {
  return join(dir, "trials", `${task.spec.method}-${task.trial}`);
}

/** The state of an unfinished trial at its last evaluation (removed once the trial is finished). */
function trialStatePath(dir: string, task: TrialTask): string {
  return join(dir, "trials", `${task.spec.method}-${task.trial}.checkpoint.bin`);
}

/** Runs one trial (from its saved state, if any) and writes its final policy, then its trajectory and samples. */
export function runTrialTask(
  ctx: RunContext,
  shared: TrialContext,
  task: TrialTask,
  emit: (event: TrialEvent) => void,
): void {
  const started = Date.now();
  const own: Record<string, unknown>[] = [];
  const { trajectory, params, resumedFrom } = runTrial(ctx, shared.setup, shared.baseline, task, own);
  const dir = stageDir(ctx, "rlhf");
  savePolicy(trialPolicyDir(dir, task), params, shared.setup.world.vocabulary);
  writeJsonAtomic(trialPath(dir, task), { trajectory, samples: own });
  removeTrialState(trialStatePath(dir, task));
  const last = trajectory.checkpoints[trajectory.checkpoints.length - 1];
  emit({
    method: task.spec.method,
    trial: task.trial,
    seconds: (Date.now() - started) / 1000,
    resumedFrom,
    kl: last.kl,
    gold: mean(last.delta),
    proxy: mean(last.proxyDelta),
  });
}

/** What a worker thread needs to set the trials up itself. */
export interface TrialJob {
  config: RunContext["config"];
  out: string;
  backend: string;
}

/** The trials of the methods, numbered per method, in a fixed order: the job's items. */
function trialTasks(ctx: RunContext, methods: readonly RlhfMethodName[], members: number): TrialTask[] {
  const counts = new Map<string, number>();
  return trialSpecs(ctx, methods, members).map((spec) => {
    const trial = counts.get(spec.method) ?? 0;
    counts.set(spec.method, trial + 1);
    return { spec, trial };
  });
}

/**
 * Runs the pending trials on this thread and `jobs − 1` workers (a trial is not split), with a progress
 * bar over trials showing the last finished trial's KL and gold and proxy Δ.
 */
async function runTrials(ctx: RunContext, shared: TrialContext, tasks: TrialTask[], jobs: number) {
  const progress = createProgress("rlhf", tasks.length, ctx.logger, { unit: "trials" });
  const log = (e: TrialEvent) => {
    progress.tick(1, { method: e.method, KL: e.kl, "gold Δ": e.gold, "proxy Δ": e.proxy });
    const resumed = e.resumedFrom === null ? "" : ` (resumed from iteration ${e.resumedFrom})`;
    ctx.logger.info(
      `rlhf: ${e.method} trial ${e.trial} in ${e.seconds.toFixed(1)} s${resumed}: KL ${e.kl.toFixed(2)}, ` +
        `gold Δ ${e.gold.toFixed(3)}, proxy Δ ${e.proxy.toFixed(3)}`,
    );
  };
  const workers = Math.min(jobs, tasks.length) - 1;
  try {
    if (workers <= 0) {
      for (const task of tasks) runTrialTask(ctx, shared, task, log);
      return;
    }
    const url = new URL("./worker-tasks.js", import.meta.url);
    const pool = startWorkers<TrialJob, TrialTask, TrialEvent>(workers, url, ctx.backend);
    try {
      const local = (task: TrialTask) => wholeTask<TrialTask>(() => runTrialTask(ctx, shared, task, log));
      await runScheduled(pool, { config: ctx.config, out: ctx.out, backend: ctx.backend }, tasks, local, log);
    } finally {
      await pool.close();
    }
  } finally {
    progress.stop();
  }
}

/**
 * The stage's work: every trial of this process's shard not yet in trials/ (a trial is an item of the
 * job: spread over `--jobs` threads and over shards), then, once every trial is in, the summary over
 * all of them, curves and plots. A shard that finds trials of other shards missing gives no summary.
 */
async function runRlhf(
  ctx: RunContext,
  methods: readonly RlhfMethodName[],
  plan: JobPlan,
): Promise<RlhfSummary | undefined> {
  const dir = stageDir(ctx, "rlhf");
  const { config, logger } = ctx;
  if (config.features.source !== "ngrams") {
    // The policy's responses are sampled during PPO, so no embedding file can hold them beforehand.
    throw new UserError(
      "rlhf: features.source embeddings cannot score the policy's sampled responses: use features.source ngrams",
    );
  }
  const r = config.rlhf;
  const shared = await prepareTrials(ctx);
  const all = trialTasks(ctx, methods, shared.setup.members.length);
  const own = shardItems(all.length, plan.shard).map((i) => all[i]);
  const pending = own.filter((task) => ctx.force || !existsSync(trialPath(dir, task)));
  // Under --force a trial starts over; one killed just after its trajectory was written needs its state no more.
  for (const task of own) {
    if (ctx.force || !pending.includes(task)) removeTrialState(trialStatePath(dir, task));
  }
  await runTrials(ctx, shared, pending, jobsOrCores(plan.jobs));
  const missing = all.filter((task) => !existsSync(trialPath(dir, task)));
  if (missing.length > 0) {
    logger.info(`rlhf: ${missing.length} trial(s) still to come from other shards`);
    return undefined;
  }
  const { summary, trajectories } = writeShared(ctx, () => {
    // Every finished trial in the folder, this call's and earlier calls' (methods accumulate, as in optimize).
    const saved = savedTrials(dir);
    const trajectories = saved.map((t) => t.trajectory);
    const samples = saved.flatMap((t) => t.samples);
    const sft = JSON.parse(readFileSync(join(dir, "sft", "metrics.json"), "utf8"));
    const summary = summarise(
      trajectories,
      r.budgets,
      {
        ...sft,
        baselineGold: mean(shared.baseline.gold),
        // The scale τ² (rlhf.priorVariance) is compared with: σ̄² averaged over the prompts.
        meanReferenceVariance: mean(shared.setup.stats.meanVariance),
      },
      { seed: config.seed, resamples: config.report.bootstrapResamples },
    );
    writeJsonAtomic(join(dir, "summary.json"), summary);
    writeFileAtomic(join(dir, "curves.csv"), toCsv(CURVE_HEADER, curveRows(trajectories)));
    writeFileAtomic(join(dir, "samples.jsonl"), samples.map((s) => `${JSON.stringify(s)}\n`).join(""));
    return { summary, trajectories };
  });
  await writePlots(dir, trajectories, summary);
  return summary;
}

export const rlhfStage: Stage<RlhfSummary> = {
  name: "rlhf",
  folder: "rlhf",
  description:
    "the generative policy: its world, reward models, SFT of pi0 and PPO per method, against a gold reward",
  summaryFile: "summary.json",
  needs: [],
  incremental: true,
  run: (ctx, request) => runRlhf(ctx, request.rlhfMethods ?? ctx.config.rlhf.methods, request.plan),
  table: rlhfTable,
  section: rlhfSection,
};
