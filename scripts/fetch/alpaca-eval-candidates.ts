/**
 * Converts downloaded AlpacaEval annotation files into one candidate-set file (gzipped JSONL).
 * Usage: node dist/scripts/fetch/alpaca-eval-candidates.js OUT.jsonl.gz ANNOTATIONS.json...
 * scripts/fetch-data.sh calls it with a temporary OUT and renames the file once it is complete.
 */
import { createWriteStream, readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { UserError } from "../../src/runtime/errors.js";
import {
  type Annotation,
  buildCandidateSets,
  type CandidateSetLine,
  parseAnnotations,
} from "./annotations.js";

function readAnnotations(file: string): Annotation[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(`${file}: cannot read (${(error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file}: malformed JSON (${(error as Error).message})`);
  }
  return parseAnnotations(value, file);
}

async function writeGzipJsonl(out: string, sets: CandidateSetLine[]): Promise<void> {
  const lines = (function* () {
    for (const set of sets) yield `${JSON.stringify(set)}\n`;
  })();
  await pipeline(Readable.from(lines), createGzip(), createWriteStream(out));
}

async function main(args: string[]): Promise<void> {
  const [out, ...inputs] = args;
  if (out === undefined || inputs.length === 0) {
    throw new UserError("usage: alpaca-eval-candidates OUT.jsonl.gz ANNOTATIONS.json...");
  }
  const { sets, dropped } = buildCandidateSets(
    inputs.map((file) => ({ file, annotations: readAnnotations(file) })),
  );
  if (sets.length === 0)
    throw new UserError(`no annotation with a usable preference in ${inputs.join(", ")}`);
  await writeGzipJsonl(out, sets);
  const candidates = sets.reduce((sum, set) => sum + set.candidates.length, 0);
  const drops = Object.entries(dropped).map(([reason, count]) => `${reason}: ${count}`);
  console.log(
    `converted ${inputs.length} annotation files: ${sets.length} instructions, ${candidates} candidates` +
      (drops.length > 0 ? ` (dropped ${drops.join(", ")})` : ""),
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UserError) {
    console.error(`alpaca-eval-candidates: error: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
});
