import type { Dataset } from "../data/types.js";
import { writeFileAtomic } from "../runtime/files.js";

/** Every distinct prompt and response of a dataset (pairs of all splits, candidate sets), in first-seen order. */
export function datasetTexts(dataset: Dataset): string[] {
  const texts = new Set<string>();
  for (const pairs of Object.values(dataset.pairs)) {
    for (const p of pairs) for (const text of [p.prompt, p.chosen, p.rejected]) texts.add(text);
  }
  for (const set of dataset.candidateSets) {
    texts.add(set.prompt);
    for (const c of set.candidates) texts.add(c.text);
  }
  return [...texts];
}

/** Writes texts as the JSONL index that scripts/embed.py embeds: one {"text": ...} a line. */
export function writeTextIndex(path: string, texts: string[]): void {
  writeFileAtomic(path, texts.map((text) => `${JSON.stringify({ text })}\n`).join(""));
}
