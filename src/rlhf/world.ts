import { assignSplits, splitPairs } from "../data/split.js";
import { preferenceProbability } from "../data/synthetic.js";
import type { Dataset, PreferencePair, Split } from "../data/types.js";
import { createRng, deriveSeed, permutation, type Rng } from "../runtime/random.js";

/**
 * The world of the generative-policy study: a vocabulary of made-up words, prompts that name a few topic words,
 * reference responses written by a known process, and a gold reward g(x, y) that is known exactly.
 *
 *   g(x, y) = topicWeight·#(distinct topic words of x in y) + Σ_{distinct traits t in y} weight_t
 *             − repeatPenalty·#(repeated topic or trait tokens) − markerPenalty·max(0, #markers − markerThreshold)
 *
 * Two kinds of reward-model error, each with its knob:
 * - variance-type: rare traits (rareTraitRate) with large weights (rareWeightScale·N(0, 1)) appear in few
 *   training pairs, so members trained on different seeds estimate them differently;
 * - bias-type: style markers that the reference writers put into better answers (markerCorrelation: the
 *   logit of including a marker rises with the answer's content gold). Gold gives markers nothing and
 *   penalises their count beyond markerThreshold; writers use each marker at most once, so with the
 *   threshold at the number of markers no training pair shows the penalty, and every member learns the same
 *   wrong lesson.
 * Reference writers never repeat a topic or trait word either, so repeatPenalty is unseen in training too.
 */

export interface WorldConfig {
  prompts: number;
  topicWords: number;
  topicsPerPrompt: number;
  fillerWords: number;
  commonTraits: number;
  commonTraitRate: number;
  rareTraits: number;
  rareTraitRate: number;
  rareWeightScale: number;
  topicWeight: number;
  topicRate: number;
  markers: number;
  markerRate: number;
  markerCorrelation: number;
  markerThreshold: number;
  markerPenalty: number;
  repeatPenalty: number;
  minLength: number;
  maxLength: number;
  referencesPerPrompt: number;
  pairsPerPrompt: number;
  temperature: number;
}

export type TokenKind = "end" | "filler" | "topic" | "trait" | "marker";

export interface World {
  config: WorldConfig;
  /** Word of each token id; id 0 is the end token "<end>". */
  vocabulary: string[];
  kind: TokenKind[];
  /** Gold weight of each trait token (0 for the others) and whether it is a rare trait. */
  traitWeight: number[];
  rare: boolean[];
  prompts: { id: string; text: string; topics: number[] }[];
  /** references[x]: the reference responses to prompt x, token ids without the end token. */
  references: number[][][];
}

export const END = 0;
const CONSONANTS = "bdfgklmnprstvz";
const VOWELS = "aeiou";

/** New pronounceable words of two or three syllables, none in `taken` (which they join). */
function pseudoWords(count: number, rng: Rng, taken: Set<string>): string[] {
  const words: string[] = [];
  while (words.length < count) {
    let word = "";
    for (let s = 2 + rng.int(2); s > 0; s--)
      word += CONSONANTS[rng.int(CONSONANTS.length)] + VOWELS[rng.int(VOWELS.length)];
    if (taken.has(word)) continue;
    taken.add(word);
    words.push(word);
  }
  return words;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

/** g(x, y) of DESIGN.md's world (formula in the module comment). */
export function goldReward(world: World, prompt: number, tokens: readonly number[]): number {
  const { config, kind, traitWeight } = world;
  const topics = new Set(world.prompts[prompt].topics);
  const seen = new Set<number>();
  let gold = 0;
  let markers = 0;
  for (const token of tokens) {
    const k = kind[token];
    if (k === "marker") markers++;
    if (k !== "topic" && k !== "trait") continue;
    if (seen.has(token)) {
      gold -= config.repeatPenalty;
      continue;
    }
    seen.add(token);
    if (k === "trait") gold += traitWeight[token];
    else if (topics.has(token)) gold += config.topicWeight;
  }
  return gold - config.markerPenalty * Math.max(0, markers - config.markerThreshold);
}

/** Space-separated words of a response (the end token dropped): what the reward models read. */
export function responseText(world: World, tokens: readonly number[]): string {
  return tokens
    .filter((t) => t !== END)
    .map((t) => world.vocabulary[t])
    .join(" ");
}

/** One reference answer: topics and traits by their rates, then markers by content quality, filler to the length. */
function writeReference(world: World, prompt: number, rng: Rng): number[] {
  const { config, kind } = world;
  const content: number[] = [];
  let contentGold = 0;
  for (const topic of world.prompts[prompt].topics) {
    if (rng.next() < config.topicRate) {
      content.push(topic);
      contentGold += config.topicWeight;
    }
  }
  kind.forEach((k, token) => {
    if (k !== "trait") return;
    if (rng.next() < (world.rare[token] ? config.rareTraitRate : config.commonTraitRate)) {
      content.push(token);
      contentGold += world.traitWeight[token];
    }
  });
  const markerLogit = logit(config.markerRate) + config.markerCorrelation * contentGold;
  kind.forEach((k, token) => {
    if (k === "marker" && rng.next() < sigmoid(markerLogit)) content.push(token);
  });
  const length = config.minLength + rng.int(config.maxLength - config.minLength + 1);
  const kept = permutation(content.length, rng)
    .slice(0, length)
    .map((i) => content[i]);
  const filler = kind.flatMap((k, token) => (k === "filler" ? [token] : []));
  while (kept.length < length) kept.push(filler[rng.int(filler.length)]);
  return permutation(kept.length, rng).map((i) => kept[i]);
}

/** The whole world, pure and deterministic from the seed. */
export function generateWorld(config: WorldConfig, seed: number): World {
  const rng = createRng(deriveSeed(seed, "world", "vocabulary"));
  const taken = new Set<string>();
  const vocabulary = ["<end>"];
  const kind: TokenKind[] = ["end"];
  const add = (count: number, k: TokenKind) => {
    const first = vocabulary.length;
    for (const word of pseudoWords(count, rng, taken)) {
      vocabulary.push(word);
      kind.push(k);
    }
    return Array.from({ length: count }, (_, i) => first + i);
  };
  add(config.fillerWords, "filler");
  const topics = add(config.topicWords, "topic");
  const common = add(config.commonTraits, "trait");
  const rareTokens = add(config.rareTraits, "trait");
  add(config.markers, "marker");
  const weightRng = createRng(deriveSeed(seed, "world", "weights"));
  const traitWeight = new Array<number>(vocabulary.length).fill(0);
  const rare = new Array<boolean>(vocabulary.length).fill(false);
  for (const t of common) traitWeight[t] = weightRng.normal();
  for (const t of rareTokens) {
    traitWeight[t] = config.rareWeightScale * weightRng.normal();
    rare[t] = true;
  }
  const world: World = { config, vocabulary, kind, traitWeight, rare, prompts: [], references: [] };
  for (let x = 0; x < config.prompts; x++) {
    const promptRng = createRng(deriveSeed(seed, "world", "prompt", x));
    const chosen = permutation(topics.length, promptRng)
      .slice(0, config.topicsPerPrompt)
      .map((i) => topics[i]);
    world.prompts.push({
      id: `world-${x}`,
      text: `tell me about ${chosen.map((t) => vocabulary[t]).join(" ")}`,
      topics: chosen,
    });
    world.references.push(
      Array.from({ length: config.referencesPerPrompt }, () => writeReference(world, x, promptRng)),
    );
  }
  return world;
}

/** Preference pairs of reference responses, labelled by Bradley-Terry sampling from the gold reward. */
export function worldPairs(world: World, seed: number): PreferencePair[] {
  const pairs: PreferencePair[] = [];
  world.prompts.forEach((prompt, x) => {
    const rng = createRng(deriveSeed(seed, "world", "pairs", x));
    const refs = world.references[x];
    const texts = refs.map((r) => responseText(world, r));
    for (let k = 0; k < world.config.pairsPerPrompt; k++) {
      const a = rng.int(refs.length);
      const b = (a + 1 + rng.int(refs.length - 1)) % refs.length;
      if (texts[a] === texts[b]) continue;
      const p = preferenceProbability(
        goldReward(world, x, refs[a]),
        goldReward(world, x, refs[b]),
        world.config.temperature,
      );
      const [chosen, rejected] = rng.next() < p ? [a, b] : [b, a];
      pairs.push({
        id: `${prompt.id}:${k}`,
        prompt: prompt.text,
        chosen: texts[chosen],
        rejected: texts[rejected],
      });
    }
  });
  return pairs;
}

/** The reward models' dataset: the world's pairs split by prompt; also which split each prompt is in. */
export function worldDataset(
  world: World,
  seed: number,
  fractions: { train: number; validation: number; test: number },
): { dataset: Dataset; splitOf: Split[] } {
  const assignment = assignSplits(
    world.prompts.map((p) => p.text),
    seed,
    fractions,
  );
  const pairs = splitPairs(worldPairs(world, seed), assignment);
  return {
    dataset: {
      pairs,
      candidateSets: [],
      dropped: {},
      source: `rlhf world: ${world.prompts.length} prompts, ${world.vocabulary.length} tokens, seed ${seed}`,
    },
    splitOf: world.prompts.map((p) => assignment.get(p.text) as Split),
  };
}
