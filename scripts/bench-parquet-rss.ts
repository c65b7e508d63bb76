/**
 * Peak memory of `align train-rm` streaming the same pairs from parquet and from JSONL.
 * Usage: node dist/scripts/bench-parquet-rss.js [--pairs N] [--dir D] [--row-group R] [--rounds K] [--reuse]
 * Writes N pairs (default 1,000,000) as pairs.jsonl and pairs.parquet (row groups of R rows, snappy, as
 * pyarrow writes them) under D (default a new folder in the system's temp folder), then runs train-rm on
 * each, interleaved, K rounds (default 1), with a small ensemble, and prints each run's peak RSS
 * (/usr/bin/time -v) and wall time; then the same for reading alone (loadDataset, as train-rm reads its data),
 * where the reader is all that differs: train-rm's peak is mostly its features, and noisy by tens of MB.
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fileWriter, ParquetWriter } from "hyparquet-writer";

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]["schema"][number];

import { createRng } from "../src/runtime/random.js";

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

const pairs = Number(option("pairs", "1000000"));
const rowGroup = Number(option("row-group", "100000"));
const rounds = Number(option("rounds", "1"));
const dir = option("dir", mkdtempSync(join(tmpdir(), "align-bench-parquet-")));
mkdirSync(dir, { recursive: true });
const root = fileURLToPath(new URL("../../", import.meta.url));

const WORDS = Array.from({ length: 2000 }, (_, i) => `w${i.toString(36)}`);

/** Pair i: a prompt shared by 4 pairs and two responses of 20-40 words, deterministic. */
function* generatePairs(): Generator<{ prompt: string; chosen: string; rejected: string }> {
  const rng = createRng(7);
  const text = (words: number) => Array.from({ length: words }, () => WORDS[rng.int(WORDS.length)]).join(" ");
  let prompt = "";
  for (let i = 0; i < pairs; i++) {
    if (i % 4 === 0) prompt = `question ${i / 4}: ${text(12)}`;
    yield { prompt, chosen: text(20 + rng.int(20)), rejected: text(20 + rng.int(20)) };
  }
}

async function writeJsonl(file: string): Promise<void> {
  const out = createWriteStream(file);
  for (const pair of generatePairs()) {
    if (!out.write(`${JSON.stringify(pair)}\n`))
      await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

function writeParquetFile(file: string): void {
  const column = (name: string): SchemaElement => ({
    name,
    type: "BYTE_ARRAY",
    converted_type: "UTF8",
    repetition_type: "REQUIRED",
  });
  const schema = [{ name: "root", num_children: 3 }, column("prompt"), column("chosen"), column("rejected")];
  const writer = new ParquetWriter({ writer: fileWriter(file), schema });
  let batch: { prompt: string; chosen: string; rejected: string }[] = [];
  const flush = () => {
    const columnData = (["prompt", "chosen", "rejected"] as const).map((name) => ({
      name,
      data: batch.map((pair) => pair[name]),
    }));
    writer.write({ columnData, rowGroupSize: rowGroup });
    batch = [];
  };
  for (const pair of generatePairs()) {
    batch.push(pair);
    if (batch.length === rowGroup) flush();
  }
  if (batch.length > 0) flush();
  writer.finish();
}

function config(source: string, path: string): string {
  const file = join(dir, `${source}.yaml`);
  writeFileSync(
    file,
    [
      `name: rss-${source}`,
      "seed: 1",
      "data:",
      `  source: ${source}`,
      `  path: ${path}`,
      "features:",
      "  dimension: 4096",
      "rewardModel:",
      "  members: 1",
      "  epochs: 1",
      "  batchSize: 1024",
      "",
    ].join("\n"),
  );
  return file;
}

/** Peak RSS (MB) and wall time (s) of a node process run with `args`. */
function measure(what: string, args: string[]): { rssMb: number; seconds: number } {
  const started = Date.now();
  const result = spawnSync("/usr/bin/time", ["-v", process.execPath, ...args], {
    encoding: "utf8",
    env: { ...process.env, ALIGN_LOG_LEVEL: "warn", CI: "true" },
  });
  if (result.status !== 0) throw new Error(`${what} failed:\n${result.stderr}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1]);
  return { rssMb: kb / 1024, seconds: (Date.now() - started) / 1000 };
}

function trainRm(source: string, path: string): { rssMb: number; seconds: number } {
  const out = join(dir, `run-${source}`);
  // A fresh run folder: train-rm skips finished members.
  rmSync(out, { recursive: true, force: true });
  const args = ["train-rm", "--config", config(source, path), "--out", out, "--jobs", "1"];
  return measure(`train-rm on ${source}`, [join(root, "bin/align.js"), ...args]);
}

const module = (file: string) => JSON.stringify(pathToFileURL(join(root, "dist/src", file)).href);
/** The data as train-rm loads it, and nothing else. */
const readingScript = `
const { configSchema } = await import(${module("config/schema.js")});
const { loadDataset } = await import(${module("data/load.js")});
const [source, path] = process.argv.slice(1);
await loadDataset(configSchema.parse({ data: { source, path } }).data, 1);
`;

function reading(source: string, path: string): { rssMb: number; seconds: number } {
  return measure(`reading ${source}`, ["--input-type=module", "-e", readingScript, source, path]);
}

const jsonl = join(dir, "pairs.jsonl");
const parquet = join(dir, "pairs.parquet");
// --reuse: the files of an earlier run in --dir, as they are.
if (!process.argv.includes("--reuse")) {
  await writeJsonl(jsonl);
  writeParquetFile(parquet);
}
const mb = (file: string) => (statSync(file).size / 2 ** 20).toFixed(0);
console.log(
  `${pairs} pairs in ${dir}: pairs.jsonl ${mb(jsonl)} MB, pairs.parquet ${mb(parquet)} MB (row groups of ${rowGroup})`,
);
for (const [what, run] of [
  ["train-rm", trainRm],
  ["reading", reading],
] as const) {
  for (let round = 0; round < rounds; round++) {
    for (const [source, path] of [
      ["jsonl", jsonl],
      ["parquet", parquet],
    ] as const) {
      const { rssMb, seconds } = run(source, path);
      console.log(
        `${what} round ${round + 1}: ${source.padEnd(7)} peak RSS ${rssMb.toFixed(0)} MB, ${seconds.toFixed(1)} s`,
      );
    }
  }
}
