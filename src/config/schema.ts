import { z } from "zod";
import type { Split } from "../data/types.js";

/**
 * The single place where every config key is declared: its type, range, default and help text.
 * Types, validation errors and the README's config reference all come from this schema.
 */

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const finite = () => z.number().finite();
const probability = () => finite().min(0).max(1);

export const methodNames = [
  "standard",
  "variance-aware",
  "mean",
  "worst-case",
  "uncertainty-weighted",
  "variance-aware-kl",
  "euclidean",
] as const;
export type MethodName = (typeof methodNames)[number];

export const claimIds = [
  "rm-disagreement",
  "overoptimisation-risk",
  "variance-aware-lowers-risk",
  "theory-variance-aware-risk",
] as const;
export type ClaimId = (typeof claimIds)[number];

export const stageNames = ["train-rm", "disagreement", "optimize", "simulate", "rlhf"] as const;
export type StageName = (typeof stageNames)[number];

const syntheticSchema = z
  .object({
    prompts: int(4, 1_000_000).default(600).describe("Number of synthetic prompts."),
    candidatesPerPrompt: int(2, 64)
      .default(8)
      .describe("Candidate responses per prompt (the policy's actions)."),
    pairsPerPrompt: int(1, 1000)
      .default(4)
      .describe("Preference pairs sampled per prompt for reward-model training."),
    temperature: finite()
      .gt(0)
      .default(1)
      .describe("Bradley-Terry temperature: P(a preferred to b) = sigmoid((r(a) - r(b)) / temperature)."),
    labelFlipRate: finite()
      .min(0)
      .max(0.5)
      .default(0)
      .describe("Probability that a sampled label is flipped."),
    commonTraits: int(1, 500)
      .default(12)
      .describe("Traits (words) that appear often in responses: learned well by reward models."),
    rareTraits: int(0, 5000)
      .default(120)
      .describe("Traits that appear rarely: learned poorly, where reward models disagree most."),
    rareTraitRate: probability()
      .default(0.04)
      .describe("Probability that a given rare trait appears in a response."),
    responseLength: int(4, 400).default(24).describe("Words per synthetic response."),
  })
  .strict();

const columnsSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .optional()
      .describe("Column holding the pair (or prompt) id (default: the line or row)."),
    prompt: z.string().min(1).default("prompt").describe("Column holding the prompt."),
    chosen: z.string().min(1).default("chosen").describe("Column holding the preferred response."),
    rejected: z.string().min(1).default("rejected").describe("Column holding the other response."),
    completions: z
      .string()
      .min(1)
      .default("completions")
      .describe("format rated: column holding the list of rated completions."),
  })
  .strict();

const completionSchema = z
  .object({
    text: z.string().min(1).default("text").describe("Key of a completion's text (UltraFeedback: response)."),
    score: z
      .string()
      .min(1)
      .default("score")
      .describe("Key of a completion's rating, its true reward (UltraFeedback: overall_score)."),
    id: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Key of a completion's id, unique within its prompt (UltraFeedback: model; default: its index).",
      ),
  })
  .strict();

/** Split fractions with their defaults and help: `data`'s, or an evaluation source's (all test by default). */
function splitsSchema(
  defaults: { train: number; validation: number; test: number },
  help: Record<Split, string>,
) {
  return z
    .object({
      train: probability().default(defaults.train).describe(help.train),
      validation: probability().default(defaults.validation).describe(help.validation),
      test: probability().default(defaults.test).describe(help.test),
    })
    .strict()
    .refine((s) => Math.abs(s.train + s.validation + s.test - 1) < 1e-9, {
      message: "train + validation + test must sum to 1",
    });
}

const trainingSplits = splitsSchema(
  { train: 0.7, validation: 0.1, test: 0.2 },
  {
    train: "Fraction of prompts used to train reward models.",
    validation: "Fraction of prompts for per-epoch validation accuracy.",
    test: "Fraction of prompts held out for evaluation and optimisation.",
  },
);

const evaluationSplits = splitsSchema(
  { train: 0, validation: 0, test: 1 },
  {
    train: "Fraction of prompts in the evaluation source's train split (unused: nothing trains on it).",
    validation: "Fraction of prompts in its validation split (unused).",
    test: "Fraction of prompts evaluated on (less those of data's train and validation splits).",
  },
);

const generatorsSchema = z
  .union([
    z.array(z.string().min(1)).min(1),
    z.object({ include: z.array(z.string().min(1)).min(1) }).strict(),
    z.object({ exclude: z.array(z.string().min(1)).min(1) }).strict(),
  ])
  .optional()
  .describe(
    "alpaca-eval: the generators (models) whose answers are read: a list or `{include: [...]}` keeps only " +
      "those, `{exclude: [...]}` keeps all others; each name must be a generator of the file. A set left " +
      "with fewer than two answers is dropped (too-few-candidates). Default: every generator.",
  );

/** The keys of a data source, shared by `data` and `data.eval`. */
const sourceFields = z
  .object({
    source: z
      .enum(["synthetic", "jsonl", "hh-rlhf", "csv", "alpaca-eval", "parquet"])
      .default("synthetic")
      .describe("Where preference data comes from: the embedded synthetic generator or a file format."),
    path: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Data file (.jsonl, .jsonl.gz, .csv, .parquet) or, for parquet, a folder of .parquet shards (read in " +
          "name order). `${ALIGN_DATA_DIR}` expands to the real-data folder.",
      ),
    format: z
      .enum(["auto", "standard", "conversational", "implicit-prompt", "rated"])
      .default("auto")
      .describe(
        "jsonl and parquet: the records' layout. standard: prompt, chosen, rejected strings; conversational: " +
          "lists of {role, content} messages; implicit-prompt: chosen and rejected whole dialogues (HH-RLHF); " +
          "rated: a prompt with a list of rated completions (candidate sets, the rating as true reward). auto " +
          "tells the first three apart from the first record.",
      ),
    maxPairs: int(1).optional().describe("Read at most this many pairs (file order)."),
    maxPrompts: int(1)
      .optional()
      .describe("Read at most this many candidate sets (alpaca-eval, format rated)."),
    generators: generatorsSchema,
    onEmptyResponse: z
      .enum(["keep", "drop", "error"])
      .default("keep")
      .describe(
        "A response that is empty (or only whitespace): keep it as data (an empty answer is a real, bad " +
          "answer; its feature row is empty), drop its pair (counted in `dropped` as empty-response) or stop " +
          "with an error naming the line. A missing field is always an error.",
      ),
    pairsPerPrompt: int(1)
      .default(6)
      .describe(
        "alpaca-eval and format rated: training pairs drawn per prompt from its candidates (the higher true " +
          "reward is chosen).",
      ),
    minRewardGap: finite()
      .min(0)
      .default(0.1)
      .describe(
        "alpaca-eval and format rated: minimum gap in true reward (judged preference, rating) between the two " +
          "responses of a drawn pair.",
      ),
    columns: columnsSchema
      .default({})
      .describe("csv and parquet (and jsonl): which columns hold the fields of a record."),
    completion: completionSchema.default({}).describe("format rated: the keys of each rated completion."),
    splits: trainingSplits
      .default({})
      .describe("Split of prompts, deterministic from the seed and the prompt."),
    synthetic: syntheticSchema.default({}).describe("The embedded synthetic dataset."),
  })
  .strict();

/** A source's checks across keys; `key` (data or data.eval) names them in messages. */
function checkSource(key: string) {
  return (d: z.infer<typeof sourceFields>, ctx: z.RefinementCtx) => {
    const fail = (field: string, message: string) =>
      ctx.addIssue({ code: z.ZodIssueCode.custom, message, path: [field] });
    if (d.source !== "synthetic" && d.path === undefined)
      fail("path", `${key}.path is required unless ${key}.source is synthetic`);
    if (d.generators !== undefined && d.source !== "alpaca-eval")
      fail("generators", `only alpaca-eval files name generators (${key}.source alpaca-eval)`);
    if (d.format !== "auto" && d.source !== "jsonl" && d.source !== "parquet")
      fail("format", `${key}.format applies to the jsonl and parquet sources only`);
  };
}

const evalSchema = sourceFields
  .extend({
    splits: evaluationSplits
      .default({})
      .describe(
        "Split of the evaluation source's prompts; only its test split is used. Default: all of it (test 1), " +
          "less the prompts of the training source's train and validation splits.",
      ),
  })
  .superRefine(checkSource("data.eval"))
  .describe(
    "Evaluation source, with the same keys as `data` (but `eval`): when set, the disagreement and optimize " +
      "stages use its test split (by default the whole source) while reward models train and validate on " +
      "`data`'s train and validation splits (their test accuracy stays on `data`'s test split). A prompt of " +
      "`data`'s train or validation split is dropped from it (counted as prompt-in-training), so no prompt the " +
      "reward models saw is evaluated on: e.g. the same AlpacaEval file with other generators gives the held-out " +
      "instructions answered by generators the reward models never saw. The rlhf stage uses neither.",
  );

const dataSchema = sourceFields.extend({ eval: evalSchema.optional() }).superRefine(checkSource("data"));

/** Keys renamed since earlier versions, for the unknown-key error: old path to new path. */
export const renamedKeys: Record<string, string> = {
  "data.csv": "data.columns",
  "data.alpacaPairsPerInstruction": "data.pairsPerPrompt",
  "data.alpacaMinPreferenceGap": "data.minRewardGap",
};

const featuresSchema = z
  .object({
    dimension: int(16, 1 << 22)
      .refine((n) => (n & (n - 1)) === 0, "must be a power of two")
      .default(4096)
      .describe("Size of the hashed feature space (a power of two)."),
    ngramMax: int(1, 4).default(2).describe("Largest word n-gram hashed (1 = words only)."),
    includePrompt: z
      .boolean()
      .default(false)
      .describe(
        "Also use the prompt: hash its n-grams (prefixed apart), or with embeddings put its embedding before the response's.",
      ),
    source: z
      .enum(["ngrams", "embeddings"])
      .default("ngrams")
      .describe("Features of a text: hashed n-grams, or embeddings from a file (your own model's)."),
    embeddings: z
      .object({
        path: z
          .string()
          .optional()
          .describe(
            "Embeddings file: .npy (float32 or float16, one row per text) or .safetensors; `scripts/embed.py` writes one.",
          ),
        index: z
          .string()
          .optional()
          .describe('JSONL file of {"text": ...} lines, one per row of the embeddings file, in row order.'),
        tensor: z
          .string()
          .optional()
          .describe("safetensors: the tensor holding the embeddings (default: the file's only tensor)."),
      })
      .strict()
      .default({})
      .describe("source embeddings: where the embeddings of the texts are."),
  })
  .strict()
  .refine(
    (f) => f.source !== "embeddings" || (f.embeddings.path !== undefined && f.embeddings.index !== undefined),
    {
      message: "features.source embeddings needs features.embeddings.path and features.embeddings.index",
      path: ["embeddings"],
    },
  );

const rewardModelSchema = z
  .object({
    members: int(1, 1000)
      .default(5)
      .describe("Reward models in the ensemble; they differ only in their seeds."),
    head: z.enum(["linear", "mlp"]).default("linear").describe("Reward head on the features."),
    hiddenUnits: int(1, 4096).default(32).describe("Hidden units of the mlp head."),
    epochs: int(1, 10000).default(5).describe("Passes over the training pairs."),
    batchSize: int(1, 1 << 16)
      .default(64)
      .describe("Pairs per Adam step."),
    learningRate: finite().gt(0).default(0.02).describe("Adam learning rate."),
    l2: finite().min(0).default(1e-4).describe("L2 penalty on the weights, added to the Bradley-Terry loss."),
    initScale: finite().min(0).default(0.01).describe("Std of the Gaussian initial weights."),
    bootstrap: z
      .boolean()
      .default(false)
      .describe("Train each member on a bootstrap resample of the training pairs (its own seed)."),
    shardCount: int(1)
      .optional()
      .describe(
        "Shards of a Kubernetes Indexed Job (its completions), which trains members m with m mod shardCount = " +
          "JOB_COMPLETION_INDEX; --shard-count overrides it. Results do not depend on it.",
      ),
  })
  .strict();

const disagreementSchema = z
  .object({
    examples: int(1, 100)
      .default(5)
      .describe("Pairs shown in the Figure-1 analogue: this many disputed and random."),
  })
  .strict();

const optimizeSchema = z
  .object({
    methods: z
      .array(z.enum(methodNames))
      .min(1)
      .default(["standard"])
      .describe("Methods run by `align optimize` when no method flag is given."),
    budgets: z
      .array(finite().gt(0))
      .min(1)
      .max(100)
      .default([0.01, 0.03, 0.1, 0.3, 1])
      .describe("KL budgets KL(pi || pi0) at which methods are compared; beta is bisected per prompt."),
    betas: z
      .array(finite().gt(0))
      .min(1)
      .max(100)
      .default([0.01, 0.03, 0.1, 0.3, 1, 3])
      .describe("Penalty-form sweep: regularisation strengths beta."),
    estimate: z
      .enum(["member", "mean"])
      .default("member")
      .describe("Reward estimate: each member alone (one trial per member) or the ensemble mean."),
    repeats: int(1, 100).default(1).describe("Freshly trained ensembles (new seeds) to repeat the study on."),
    uncertaintyPenalty: finite()
      .min(0)
      .default(1)
      .describe("lambda of the uncertainty-weighted baseline: r = mean - lambda * variance."),
    varianceFloor: finite()
      .gt(0)
      .default(1e-6)
      .describe("Floor on the ensemble variance, keeping it positive."),
    maxPrompts: int(1).optional().describe("Optimise over at most this many held-out prompts."),
    priorVariance: finite()
      .min(0)
      .default(0)
      .describe(
        "tau^2 of variance-aware-kl: weights w = (variance + tau^2) / (mean variance + tau^2); 0 is the raw " +
          "relative variance, large values tend to the standard method.",
      ),
  })
  .strict();

const simulateSchema = z
  .object({
    responses: int(2, 1000).default(10).describe("K: responses per instance of the theoretical model."),
    instances: int(1, 100_000)
      .default(200)
      .describe("Random instances (true reward and noise scales) drawn."),
    draws: int(1, 100_000).default(200).describe("Noise draws of the reward estimate per instance."),
    budgets: z
      .array(finite().gt(0))
      .min(1)
      .max(100)
      .default([0.001, 0.01, 0.03, 0.1, 0.3])
      .describe("KL budgets at which both policies are compared."),
    memberCounts: z
      .array(int(2, 1000))
      .min(1)
      .max(100)
      .default([2, 3, 5, 10, 20])
      .describe("Ensemble sizes N for estimating Sigma from N reward-model draws."),
    rewardScale: finite().gt(0).default(1).describe("Std of the true rewards r*."),
    noiseMin: finite().gt(0).default(0.2).describe("Smallest per-response noise std of the estimate."),
    noiseMax: finite().gt(0).default(2).describe("Largest per-response noise std of the estimate."),
  })
  .strict()
  .refine((s) => s.noiseMin <= s.noiseMax, {
    message: "noiseMin must not exceed noiseMax",
    path: ["noiseMin"],
  });

export const rlhfMethodNames = [
  "standard",
  "variance-aware",
  "variance-aware-raw",
  "mean",
  "worst-case",
  "uncertainty-weighted",
] as const;
export type RlhfMethodName = (typeof rlhfMethodNames)[number];

const worldSchema = z
  .object({
    prompts: int(8)
      .default(240)
      .describe("Prompts of the world (split by data.splits; PPO trains on train)."),
    topicWords: int(2).default(30).describe("Topic words; each prompt names topicsPerPrompt of them."),
    topicsPerPrompt: int(1, 10).default(2).describe("Topic words named by each prompt."),
    topicWeight: finite()
      .default(1)
      .describe("Gold reward per distinct topic word of the prompt in the answer."),
    topicRate: probability()
      .default(0.6)
      .describe("Chance a reference writer uses each topic word of the prompt."),
    fillerWords: int(1).default(30).describe("Filler words, worth nothing."),
    commonTraits: int(0).default(10).describe("Frequent traits (gold weights N(0, 1)), learned well."),
    commonTraitRate: probability().default(0.25).describe("Chance a reference answer has each common trait."),
    rareTraits: int(0)
      .default(30)
      .describe("Variance-type error: rare traits with large gold weights, seen in few training pairs."),
    rareTraitRate: probability().default(0.03).describe("Chance a reference answer has each rare trait."),
    rareWeightScale: finite()
      .min(0)
      .default(2)
      .describe("Gold weights of rare traits: rareWeightScale * N(0, 1)."),
    markers: int(0)
      .default(3)
      .describe("Bias-type error: style markers that accompany quality in references."),
    markerRate: finite()
      .gt(0)
      .lt(1)
      .default(0.2)
      .describe("Chance a reference answer of content gold 0 has each marker."),
    markerCorrelation: finite()
      .min(0)
      .default(1)
      .describe("Logit of using a marker per unit of the answer's content gold (0: markers are noise)."),
    markerThreshold: int(0)
      .default(3)
      .describe("Gold penalises marker tokens beyond this count (writers use each marker at most once)."),
    markerPenalty: finite()
      .min(0)
      .default(1)
      .describe("Gold penalty per marker token beyond markerThreshold."),
    repeatPenalty: finite().min(0).default(0.5).describe("Gold penalty per repeated topic or trait token."),
    minLength: int(1, 200).default(6).describe("Fewest words of a reference answer."),
    maxLength: int(1, 200).default(12).describe("Most words of a reference answer and of a sampled one."),
    referencesPerPrompt: int(2)
      .default(8)
      .describe("Reference answers per prompt (SFT data, centring sample)."),
    pairsPerPrompt: int(1)
      .default(6)
      .describe("Labelled pairs of reference answers per prompt for the reward models."),
    temperature: finite().gt(0).default(1).describe("Bradley-Terry temperature of the pair labels."),
  })
  .strict()
  .refine((w) => w.minLength <= w.maxLength, {
    message: "minLength must not exceed maxLength",
    path: ["minLength"],
  })
  .refine((w) => w.topicsPerPrompt <= w.topicWords, {
    message: "topicsPerPrompt must not exceed topicWords",
    path: ["topicsPerPrompt"],
  });

const rlhfSchema = z
  .object({
    world: worldSchema
      .default({})
      .describe("The synthetic world: vocabulary, reference answers, gold reward."),
    embedding: int(1, 1024).default(32).describe("Token embedding size of the GRU policy."),
    hidden: int(1, 1024).default(96).describe("Hidden units of the GRU policy."),
    sftEpochs: int(1).default(30).describe("SFT: passes over the reference answers of the train prompts."),
    sftBatchSize: int(1).default(64).describe("SFT: answers per Adam step."),
    sftLearningRate: finite().gt(0).default(0.01).describe("SFT: Adam learning rate."),
    methods: z
      .array(z.enum(rlhfMethodNames))
      .min(1)
      .default(["standard", "variance-aware"])
      .describe(
        "Methods run by the rlhf stage (variance-aware: the KL form with weights w at tau^2 = priorVariance; " +
          "variance-aware-raw: the same at tau^2 = 0).",
      ),
    estimate: z
      .enum(["member", "mean"])
      .default("member")
      .describe(
        "r-hat of standard and variance-aware: each member (one trial per member) or the ensemble mean.",
      ),
    trials: int(1)
      .optional()
      .describe("Run at most this many trials per method (the first members); default: all."),
    priorVariance: finite()
      .min(0)
      .default(0.05)
      .describe("tau^2 of variance-aware: w = (variance + tau^2) / (mean reference variance + tau^2)."),
    uncertaintyPenalty: finite()
      .min(0)
      .default(1)
      .describe("lambda of uncertainty-weighted: mean - lambda * variance."),
    iterations: int(1).default(60).describe("PPO iterations (rollout, then epochs of minibatch steps)."),
    promptsPerIteration: int(1).default(16).describe("PPO: prompts per rollout."),
    samplesPerPrompt: int(1).default(4).describe("PPO: G responses sampled per prompt (the RLOO group)."),
    ppoEpochs: int(1).default(2).describe("PPO: passes over each rollout."),
    minibatches: int(1).default(2).describe("PPO: minibatches per pass."),
    learningRate: finite().gt(0).default(0.003).describe("PPO: Adam learning rate."),
    clip: finite().gt(0).lt(1).default(0.2).describe("PPO: clip range of the probability ratio."),
    maxGradNorm: finite().gt(0).default(1).describe("PPO: gradient clipping by global L2 norm."),
    beta: finite().min(0).default(0.05).describe("KL penalty coefficient beta (per token, times w)."),
    baseline: z
      .enum(["rloo", "none"])
      .default("rloo")
      .describe("Advantage baseline: leave-one-out mean of the other G - 1 responses (rloo) or none."),
    checkpoints: int(1)
      .default(6)
      .describe(
        "Evaluations along each run (evenly spaced, the last at the end); before the last, the trial's state is saved there, for a rerun to resume from.",
      ),
    evalPrompts: int(1).default(40).describe("Held-out (test) prompts evaluated at each checkpoint."),
    evalSamples: int(1).default(8).describe("M: responses sampled per held-out prompt at each checkpoint."),
    budgets: z
      .array(finite().gt(0))
      .min(1)
      .default([0.5, 1, 2, 4])
      .describe("KL values at which methods are compared, interpolated along each trajectory."),
    examples: int(0).default(3).describe("Sampled texts written per checkpoint to samples.jsonl."),
  })
  .strict()
  .refine((r) => r.baseline !== "rloo" || r.samplesPerPrompt >= 2, {
    message: "samplesPerPrompt must be at least 2 with the rloo baseline",
    path: ["samplesPerPrompt"],
  });

const reportSchema = z
  .object({
    requiredClaims: z
      .array(z.enum(claimIds))
      .default([])
      .describe("Claims that must hold: `align reproduce --check` fails when one does not."),
    disagreementThreshold: probability()
      .default(0.1)
      .describe(
        "rm-disagreement holds when members disagree in sign on at least this fraction of held-out pairs.",
      ),
    chanceAccuracy: probability()
      .default(0.5)
      .describe(
        "Chance accuracy on a pair: rm-disagreement is judged only when every member's held-out accuracy interval lies above it (disagreement among models at chance is noise); otherwise inconclusive.",
      ),
    riskThreshold: probability()
      .default(0.05)
      .describe(
        "overoptimisation-risk holds when the interval of the standard method's risk P(Δ < 0) lies above this at some KL budget, and does not hold when it lies at or below it at every budget.",
      ),
    bootstrapResamples: int(100, 100000)
      .default(1000)
      .describe(
        "Bootstrap replicates behind every 95% interval (over prompts, trials and simulated instances), seeded from `seed`.",
      ),
  })
  .strict();

export const configSchema = z
  .object({
    name: z.string().min(1).default("run").describe("Name of the study, used in reports."),
    seed: int(0, 2 ** 32 - 1)
      .default(1)
      .describe("Run seed: every random choice derives from it."),
    stages: z
      .array(z.enum(stageNames))
      .min(1)
      .default(["train-rm", "disagreement", "optimize", "simulate"])
      .describe(
        "Stages `align reproduce` runs, in pipeline order (disagreement and optimize need train-rm; rlhf " +
          "trains its own policy and reward models).",
      ),
    data: dataSchema.default({}).describe("Preference data and splits."),
    features: featuresSchema.default({}).describe("Features of the responses: hashed n-grams or embeddings."),
    rewardModel: rewardModelSchema.default({}).describe("The reward-model ensemble."),
    disagreement: disagreementSchema.default({}).describe("The disagreement study."),
    optimize: optimizeSchema.default({}).describe("Policy optimisation."),
    simulate: simulateSchema.default({}).describe("The theoretical model's simulation."),
    rlhf: rlhfSchema
      .default({})
      .describe("The generative-policy study: SFT, reward models and PPO in a world with a gold reward."),
    report: reportSchema.default({}).describe("The report and its checks."),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type DataConfig = Config["data"];
/** A data source's keys: `data` or `data.eval`. */
export type SourceConfig = Omit<DataConfig, "eval">;
export type FeaturesConfig = Config["features"];
export type RewardModelConfig = Config["rewardModel"];
export type OptimizeConfig = Config["optimize"];
export type SimulateConfig = Config["simulate"];
export type RlhfConfig = Config["rlhf"];
