import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { configSchema } from "../../src/config/schema.js";
import { readAlpacaEvalSets } from "../../src/data/alpaca-eval.js";
import { readHhRlhfPairs } from "../../src/data/hh-rlhf.js";
import { loadDataset, pairReader } from "../../src/data/load.js";
import { readLines } from "../../src/data/read-lines.js";
import { collectRecords } from "../../src/data/records.js";
import { dataDir } from "../../src/runtime/paths.js";
import { transcriptMessages, writeParquet } from "./parquet-files.js";

const total = (dropped: Record<string, number>) => Object.values(dropped).reduce((a, b) => a + b, 0);

function realFile(relative: string): string | undefined {
  const file = join(dataDir(), relative);
  return existsSync(file) ? file : undefined;
}

const skipMessage = (relative: string) =>
  `real data not found at ${join(dataDir(), relative)}: set ALIGN_DATA_DIR`;

test("real data: HH-RLHF helpful-base test, 2,354 lines, a few pairs dropped and counted", async (t) => {
  const file = realFile("hh-rlhf/helpful-base-test.jsonl.gz");
  if (file === undefined) return t.skip(skipMessage("hh-rlhf/helpful-base-test.jsonl.gz"));
  const { values, dropped } = await collectRecords(readHhRlhfPairs(file, "drop"), file);
  assert.equal(values.length + total(dropped), 2354);
  // The published file: 2 identical pairs, 2 whose rejected does not share chosen's prefix, 4 empty final turns.
  assert.deepEqual(dropped, { "identical-chosen-rejected": 2, "prefix-mismatch": 2, "empty-response": 4 });
  assert.equal(values.length, 2346);
  for (const pair of values) {
    assert.ok(pair.prompt.startsWith("\n\nHuman:") && pair.prompt.endsWith("\n\nAssistant:"), pair.id);
    assert.ok(pair.chosen !== pair.rejected && pair.chosen.trim() === pair.chosen, pair.id);
  }
});

test("real data: HH-RLHF harmless-base test reads to 2,312 lines", async (t) => {
  const file = realFile("hh-rlhf/harmless-base-test.jsonl.gz");
  if (file === undefined) return t.skip(skipMessage("hh-rlhf/harmless-base-test.jsonl.gz"));
  const { values, dropped } = await collectRecords(readHhRlhfPairs(file, "drop"), file);
  assert.equal(values.length + total(dropped), 2312);
  assert.ok(values.length > 2290);
});

test("real data: AlpacaEval, 805 instructions of about 43 judged candidates", async (t) => {
  const file = realFile("alpaca-eval/candidates.jsonl.gz");
  if (file === undefined) return t.skip(skipMessage("alpaca-eval/candidates.jsonl.gz"));
  const { values, dropped } = await collectRecords(readAlpacaEvalSets(file, "drop"), file);
  assert.equal(values.length, 805);
  // 24 answers in the file are empty: dropped, leaving 34,609 - 24 candidates.
  assert.deepEqual(dropped, { "empty-response": 24 });
  assert.equal(
    values.reduce((sum, set) => sum + set.candidates.length, 0),
    34609 - 24,
  );
  for (const set of values) {
    assert.ok(set.candidates.length >= 41 && set.candidates.length <= 44, set.id);
    assert.ok(set.candidates.every((c) => (c.trueReward as number) >= 0 && (c.trueReward as number) <= 1));
  }
});

test("real data: loadDataset on AlpacaEval splits instructions and draws pairs per split", async (t) => {
  const file = realFile("alpaca-eval/candidates.jsonl.gz");
  if (file === undefined) return t.skip(skipMessage("alpaca-eval/candidates.jsonl.gz"));
  const data = configSchema.parse({ data: { source: "alpaca-eval", path: file } }).data;
  const dataset = await loadDataset(data, 1);
  // 805 instructions: round(563.5) = 564 train, round(644) - 564 = 80 validation, 161 test; 6 pairs each.
  assert.equal(dataset.candidateSets.length, 161);
  assert.deepEqual(
    [dataset.pairs.train.length, dataset.pairs.validation.length, dataset.pairs.test.length],
    [564 * 6, 80 * 6, 161 * 6],
  );
});

test("real data: HH-RLHF as jsonl (format auto) and as conversational parquet reads as the hh-rlhf reader reads it", async (t) => {
  const file = realFile("hh-rlhf/helpful-base-test.jsonl.gz");
  if (file === undefined) return t.skip(skipMessage("hh-rlhf/helpful-base-test.jsonl.gz"));
  const oracle = await collectRecords(readHhRlhfPairs(file, "drop"), file);
  const data = (extra: Record<string, unknown>) =>
    configSchema.parse({ data: { onEmptyResponse: "drop", ...extra } }).data;
  const auto = await collectRecords(pairReader(data({ source: "jsonl", path: file }), file), file);
  assert.deepEqual(auto, oracle);
  // Each transcript as messages, parsed apart from the reader, in a parquet file of implicit-prompt dialogues.
  const rows: { chosen: string; rejected: string }[] = [];
  for await (const { text } of readLines(file)) rows.push(JSON.parse(text));
  const parquet = join(mkdtempSync(join(tmpdir(), "align-real-parquet-")), "helpful-base-test.parquet");
  writeParquet(
    parquet,
    { chosen: "messages", rejected: "messages" },
    rows.map((row) => ({
      chosen: transcriptMessages(row.chosen),
      rejected: transcriptMessages(row.rejected),
    })),
    1000,
  );
  const read = await collectRecords(pairReader(data({ source: "parquet", path: parquet }), parquet), parquet);
  const byLine = (pairs: { id: string }[]) =>
    pairs.map((pair) => ({ ...pair, id: pair.id.replace(/^.*:/, "") }));
  // Messages are stricter than text: in 7 pairs rejected runs on for one more assistant turn after chosen's
  // last; the transcript reader keeps both turns as its response, the message reader drops the pair.
  const kept = new Set(byLine(read.values).map((pair) => pair.id));
  assert.deepEqual(
    byLine(read.values),
    byLine(oracle.values).filter((pair) => kept.has(pair.id)),
  );
  assert.equal(oracle.values.length - read.values.length, 7);
  assert.deepEqual(read.dropped, {
    ...oracle.dropped,
    "prefix-mismatch": oracle.dropped["prefix-mismatch"] + 7,
  });
});
