import type { DataConfig } from "../config/schema.js";
import { writeFileAtomic } from "../runtime/files.js";
import { createRng, deriveSeed, permutation, type Rng } from "../runtime/random.js";
import type { CandidateSet, PreferencePair } from "./types.js";

/**
 * The embedded default dataset. Responses are bags of made-up words: filler, the prompt's topic words, common
 * traits (each present with probability COMMON_TRAIT_RATE) and rare traits (each with probability rareTraitRate).
 * The gold reward sums the weights of the traits present; rare traits weigh more but are seen in few training
 * pairs, so reward models learn them poorly and disagree on them.
 */

export type SyntheticConfig = DataConfig["synthetic"];

export interface Trait {
  word: string;
  weight: number;
  rare: boolean;
}

export interface SyntheticData {
  /** One set per prompt: the candidate responses with their gold reward as true reward. */
  sets: CandidateSet[];
  /** Training pairs labelled by Bradley-Terry sampling from the gold reward, then label flips. */
  pairs: PreferencePair[];
  traits: Trait[];
}

const FILLER_WORDS = 50;
const TOPIC_WORDS = 60;
const TOPICS_PER_PROMPT = 3;
const TOPIC_WORD_RATE = 0.5;
const COMMON_TRAIT_RATE = 0.4;
const RARE_WEIGHT_SCALE = 1.5;
const CONSONANTS = "bdfgklmnprstvz";
const VOWELS = "aeiou";

/** `count` new pronounceable words of two or three syllables, none already in `taken` (which they join). */
function pseudoWords(count: number, rng: Rng, taken: Set<string>): string[] {
  const words: string[] = [];
  while (words.length < count) {
    const syllables = 2 + rng.int(2);
    let word = "";
    for (let s = 0; s < syllables; s++)
      word += CONSONANTS[rng.int(CONSONANTS.length)] + VOWELS[rng.int(VOWELS.length)];
    if (taken.has(word)) continue;
    taken.add(word);
    words.push(word);
  }
  return words;
}

/** sigmoid(x) = 1 / (1 + e^(−x)) */
function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Bradley-Terry: P(a ≻ b) = sigmoid((g_a − g_b) / temperature) */
export function preferenceProbability(goldA: number, goldB: number, temperature: number): number {
  return sigmoid((goldA - goldB) / temperature);
}

/** g(y) = Σ_t w_t · [trait t occurs in y] */
export function goldReward(words: string[], weights: Map<string, number>): number {
  let total = 0;
  for (const word of new Set(words)) total += weights.get(word) ?? 0;
  return total;
}

/** The words of one response: traits and topic words by their rates, filler up to the length, shuffled. */
function responseWords(
  topics: string[],
  filler: string[],
  traits: Trait[],
  config: SyntheticConfig,
  rng: Rng,
): string[] {
  const content: string[] = [];
  for (const trait of traits) {
    if (rng.next() < (trait.rare ? config.rareTraitRate : COMMON_TRAIT_RATE)) content.push(trait.word);
  }
  for (const topic of topics) if (rng.next() < TOPIC_WORD_RATE) content.push(topic);
  const kept = permutation(content.length, rng)
    .slice(0, config.responseLength)
    .map((i) => content[i]);
  while (kept.length < config.responseLength) kept.push(filler[rng.int(filler.length)]);
  return permutation(kept.length, rng).map((i) => kept[i]);
}

/** The index pairs (i, j), i < j, of candidates whose texts differ. */
function distinctPairs(texts: string[]): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) if (texts[i] !== texts[j]) pairs.push([i, j]);
  }
  return pairs;
}

/** `count` labelled pairs for one prompt: distinct candidate pairs in random order (cycled if too few). */
function labelPairs(set: CandidateSet, count: number, config: SyntheticConfig, rng: Rng): PreferencePair[] {
  const texts = set.candidates.map((candidate) => candidate.text);
  const gold = set.candidates.map((candidate) => candidate.trueReward ?? 0);
  const available = distinctPairs(texts);
  const order = permutation(available.length, rng);
  const pairs: PreferencePair[] = [];
  for (let k = 0; k < count && available.length > 0; k++) {
    const [a, b] = available[order[k % order.length]];
    const aWins = rng.next() < preferenceProbability(gold[a], gold[b], config.temperature);
    const flipped = rng.next() < config.labelFlipRate;
    const [chosen, rejected] = aWins !== flipped ? [a, b] : [b, a];
    pairs.push({
      id: `${set.id}:${k}`,
      prompt: set.prompt,
      chosen: texts[chosen],
      rejected: texts[rejected],
    });
  }
  return pairs;
}

/** Generates the whole synthetic dataset; pure and deterministic from `seed`. Each prompt draws from its own seed. */
export function generateSynthetic(config: SyntheticConfig, seed: number): SyntheticData {
  const vocabularyRng = createRng(deriveSeed(seed, "synthetic", "vocabulary"));
  const taken = new Set<string>();
  const filler = pseudoWords(FILLER_WORDS, vocabularyRng, taken);
  const topicWords = pseudoWords(TOPIC_WORDS, vocabularyRng, taken);
  const weightRng = createRng(deriveSeed(seed, "synthetic", "weights"));
  const traits: Trait[] = [
    ...pseudoWords(config.commonTraits, vocabularyRng, taken).map((word) => ({
      word,
      weight: weightRng.normal(),
      rare: false,
    })),
    ...pseudoWords(config.rareTraits, vocabularyRng, taken).map((word) => ({
      word,
      weight: RARE_WEIGHT_SCALE * weightRng.normal(),
      rare: true,
    })),
  ];
  const weights = new Map(traits.map((trait) => [trait.word, trait.weight]));
  const sets: CandidateSet[] = [];
  const pairs: PreferencePair[] = [];
  for (let p = 0; p < config.prompts; p++) {
    const rng = createRng(deriveSeed(seed, "synthetic", "prompt", p));
    const topics = permutation(topicWords.length, rng)
      .slice(0, TOPICS_PER_PROMPT)
      .map((i) => topicWords[i]);
    const set: CandidateSet = {
      id: `synthetic-${p}`,
      prompt: `tell me about ${topics.join(" ")}`,
      candidates: [],
    };
    for (let c = 0; c < config.candidatesPerPrompt; c++) {
      const words = responseWords(topics, filler, traits, config, rng);
      set.candidates.push({ id: `c${c}`, text: words.join(" "), trueReward: goldReward(words, weights) });
    }
    sets.push(set);
    pairs.push(...labelPairs(set, config.pairsPerPrompt, config, rng));
  }
  return { sets, pairs, traits };
}

/** Writes every synthetic training pair as JSONL `{id, prompt, chosen, rejected}`; returns the number written. */
export function writeSyntheticJsonl(path: string, config: SyntheticConfig, seed: number): number {
  const { pairs } = generateSynthetic(config, seed);
  writeFileAtomic(path, pairs.map((pair) => `${JSON.stringify(pair)}\n`).join(""));
  return pairs.length;
}
