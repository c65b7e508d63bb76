import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface AlpacaFileSpec {
  instructions: number;
  generators: string[];
  /** Prefix of the instructions' ids and texts, so two files can share or not share prompts. */
  prefix?: string;
}

/**
 * Writes a small AlpacaEval-style file: every instruction answered by every generator. An answer's judged
 * preference is its number of "good" words over 5, which varies with instruction and generator, so that
 * reward models can learn it from the text and every instruction has pairs at a gap of 0.1 or more.
 */
export function writeAlpacaFile(dir: string, name: string, spec: AlpacaFileSpec): string {
  const prefix = spec.prefix ?? "task";
  const lines = Array.from({ length: spec.instructions }, (_, i) => {
    const candidates = spec.generators.map((generator, g) => {
      const good = (i * 3 + g * 2) % 6;
      const words = [...Array(good).fill("good"), ...Array(6 - good).fill("meh"), `topic${i % 7}`, generator];
      return { generator, output: words.join(" "), preference: good / 5 };
    });
    return JSON.stringify({ id: `${prefix}-${i}`, instruction: `${prefix} instruction ${i}`, candidates });
  });
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}
