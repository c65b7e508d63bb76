/**
 * Feature hashing against its reference: featurize (src/features/hashing.ts) and the n-grams built as text and
 * hashed whole (scripts/reference-hashing.ts, the oracle of its tests), in one process on the same texts.
 * Usage: node dist/scripts/bench-featurize.js [--pairs N] [--rounds K]
 * N pairs (default 50,000) as bench-parquet-rss.ts writes them (a prompt of 12 words shared by 4 pairs, responses
 * of 20-40 words from 2,000), both responses of each featurised with the prompt, at the shipped configs'
 * setting (D 16384, 1-2-grams); K rounds (default 3) alternate the two, and each round's times and ratio are
 * printed, after a check that both give the same rows.
 */
import { deepStrictEqual } from "node:assert/strict";
import { featurize, type SparseRow } from "../src/features/hashing.js";
import { createRng } from "../src/runtime/random.js";
import { referenceRow } from "./reference-hashing.js";

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

const pairs = Number(option("pairs", "50000"));
const rounds = Number(option("rounds", "3"));
const config = { dimension: 16384, ngramMax: 2, includePrompt: true };

const rng = createRng(7);
const words = Array.from({ length: 2000 }, (_, i) => `w${i.toString(36)}`);
const text = (length: number) => Array.from({ length }, () => words[rng.int(words.length)]).join(" ");
const data = Array.from({ length: pairs / 4 }, (_, q) => {
  const prompt = `question ${q}: ${text(12)}`;
  return Array.from({ length: 4 }, () => ({
    prompt,
    chosen: text(20 + rng.int(20)),
    rejected: text(20 + rng.int(20)),
  }));
}).flat();

type Featurize = (prompt: string, response: string, options: typeof config) => SparseRow;

/** Seconds to featurise every response once. */
function seconds(f: Featurize): number {
  const started = performance.now();
  for (const pair of data) {
    f(pair.prompt, pair.chosen, config);
    f(pair.prompt, pair.rejected, config);
  }
  return (performance.now() - started) / 1000;
}

for (const pair of data.slice(0, 1000)) {
  deepStrictEqual(
    featurize(pair.prompt, pair.chosen, config),
    referenceRow(pair.prompt, pair.chosen, config),
  );
}
console.log(
  `${2 * data.length} rows (D ${config.dimension}, 1-${config.ngramMax}-grams, prompt included); same rows`,
);
for (let round = 1; round <= rounds; round++) {
  const reference = seconds(referenceRow);
  const ours = seconds(featurize);
  console.log(
    `round ${round}: featurize ${ours.toFixed(3)} s, reference ${reference.toFixed(3)} s, reference / featurize ${(reference / ours).toFixed(2)}x`,
  );
}
