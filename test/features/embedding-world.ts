import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dump } from "npyjs";
import { createRng } from "../../src/runtime/random.js";

/**
 * A world with a planted linear reward on embeddings: every text gets a random Gaussian vector, the
 * reward of a response is x·w*, and each pair's chosen response is the one with the higher reward.
 * A linear head on these embeddings can learn the ranking exactly; hashed n-grams of the texts (which
 * are only numbers) cannot.
 */
export interface EmbeddingWorld {
  pairs: string;
  texts: string[];
  vectors: Float32Array;
  dimension: number;
}

export function makeEmbeddingWorld(dir: string, dimension = 16, prompts = 80, seed = 7): EmbeddingWorld {
  const rng = createRng(seed);
  const texts: string[] = [];
  const rows: number[][] = [];
  const rewardOf = new Map<string, number>();
  const wStar = Array.from({ length: dimension }, () => rng.normal());
  const add = (text: string) => {
    const x = Array.from({ length: dimension }, () => rng.normal());
    texts.push(text);
    rows.push(x);
    rewardOf.set(
      text,
      x.reduce((s, v, i) => s + v * wStar[i], 0),
    );
  };
  const lines: string[] = [];
  for (let p = 0; p < prompts; p++) {
    const prompt = `prompt ${p}`;
    add(prompt);
    const responses = Array.from({ length: 5 }, (_, j) => `response ${p}.${j}`);
    for (const r of responses) add(r);
    for (let k = 0; k < 4; k++) {
      const a = responses[k];
      const b = responses[k + 1];
      const [chosen, rejected] = (rewardOf.get(a) as number) > (rewardOf.get(b) as number) ? [a, b] : [b, a];
      lines.push(JSON.stringify({ id: `${p}-${k}`, prompt, chosen, rejected }));
    }
  }
  const pairs = join(dir, "pairs.jsonl");
  writeFileSync(pairs, `${lines.join("\n")}\n`);
  return { pairs, texts, vectors: Float32Array.from(rows.flat()), dimension };
}

/** Writes the world's embeddings as .npy (with npyjs) and its index; returns their paths. */
export function writeNpy(
  world: EmbeddingWorld,
  dir: string,
  texts = world.texts,
): { path: string; index: string } {
  const path = join(dir, "embeddings.npy");
  const index = join(dir, "embeddings.index.jsonl");
  writeFileSync(path, Buffer.from(dump(world.vectors, [world.texts.length, world.dimension])));
  writeFileSync(index, texts.map((text) => `${JSON.stringify({ text })}\n`).join(""));
  return { path, index };
}
