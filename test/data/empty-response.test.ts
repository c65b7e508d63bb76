import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readAlpacaEvalSets } from "../../src/data/alpaca-eval.js";
import { readCsvPairs } from "../../src/data/csv.js";
import { readHhRlhfPairs } from "../../src/data/hh-rlhf.js";
import { readJsonlPairs } from "../../src/data/jsonl.js";
import { collectRecords, type EmptyResponsePolicy } from "../../src/data/records.js";
import { featurize } from "../../src/features/hashing.js";
import { align, tempDir, tinyConfig } from "../cli/run-cli.js";
import { fixture, userError } from "./fixture.js";

/** data.onEmptyResponse in every reader: keep (the default), drop (counted), error (naming the line). */

const columns = { prompt: "prompt", chosen: "chosen", rejected: "rejected" };
const readers: Record<
  string,
  (policy: EmptyResponsePolicy) => ReturnType<typeof collectRecords<{ id: string }>>
> = {
  jsonl: (p) => collectRecords(readJsonlPairs(fixture("jsonl/empty-response.jsonl"), p), "jsonl"),
  csv: (p) => collectRecords(readCsvPairs(fixture("csv/empty-field.csv"), columns, p), "csv"),
  "hh-rlhf": (p) => collectRecords(readHhRlhfPairs(fixture("hh-rlhf/quirks.jsonl"), p), "hh"),
  "alpaca-eval": (p) => collectRecords(readAlpacaEvalSets(fixture("alpaca-eval/good.jsonl"), p), "alpaca"),
};

/** Per reader: records kept and empty responses among them under keep; records and drops under drop; the error. */
const expected: Record<
  string,
  { keep: [number, number]; drop: [number, Record<string, number>]; error: RegExp }
> = {
  jsonl: {
    keep: [2, 1],
    drop: [1, { "empty-response": 1 }],
    error: /empty-response\.jsonl:2: field "rejected" is empty/,
  },
  csv: {
    keep: [2, 1],
    drop: [1, { "empty-response": 1 }],
    error: /empty-field\.csv:3: column "chosen" is empty/,
  },
  "hh-rlhf": {
    keep: [3, 1],
    drop: [2, { "prefix-mismatch": 1, "empty-response": 1, "identical-chosen-rejected": 1 }],
    error: /quirks\.jsonl:3: the final turn of "rejected" is empty/,
  },
  "alpaca-eval": {
    keep: [3, 2],
    drop: [2, { "empty-response": 2, "too-few-candidates": 1 }],
    error: /good\.jsonl:2: field "candidates\[2\]\.output" is empty \(data\.onEmptyResponse is error/,
  },
};

for (const [source, read] of Object.entries(readers)) {
  test(`${source}: empty responses are kept, dropped and counted, or an error, as data.onEmptyResponse says`, async () => {
    const kept = await read("keep");
    assert.deepEqual([kept.values.length, kept.emptyKept], expected[source].keep);
    const dropped = await read("drop");
    assert.deepEqual([dropped.values.length, dropped.dropped], expected[source].drop);
    assert.equal(dropped.emptyKept, 0);
    await assert.rejects(read("error"), userError(expected[source].error));
  });
}

test("a missing response field is an error whatever data.onEmptyResponse says", async () => {
  await assert.rejects(
    collectRecords(readJsonlPairs(fixture("jsonl/missing-field.jsonl"), "keep"), "x"),
    userError(/missing field/),
  );
});

test("an empty response has a featurisation: the empty row", () => {
  const row = featurize("a prompt", " \t ", { dimension: 64, ngramMax: 2, includePrompt: false });
  assert.equal(row.indices.length, 0);
});

test("train-rm and disagreement on pairs with empty responses: kept by default and reported", () => {
  const dir = tempDir("empty-responses");
  const data = join(dir, "pairs.jsonl");
  const lines = Array.from({ length: 60 }, (_, i) =>
    JSON.stringify({
      prompt: `question ${i}`,
      chosen: `a fine answer ${i % 7}`,
      rejected: i % 5 === 0 ? "" : `bad ${i % 3}`,
    }),
  );
  writeFileSync(data, `${lines.join("\n")}\n`);
  const out = join(dir, "run");
  const args = [
    "--config",
    tinyConfig,
    "--out",
    out,
    "--set",
    "data.source=jsonl",
    "--set",
    `data.path=${data}`,
  ];
  const trained = align("train-rm", ...args, "--jobs", "1");
  assert.equal(trained.status, 0, trained.stderr);
  const scored = align("disagreement", ...args);
  assert.equal(scored.status, 0, scored.stderr);
  const log = readFileSync(join(out, "run.log"), "utf8");
  assert.match(log, /60 pairs, 12 empty response\(s\) kept/);
  const refused = align(
    "train-rm",
    "--config",
    tinyConfig,
    "--out",
    join(dir, "strict"),
    "--set",
    "data.source=jsonl",
    "--set",
    `data.path=${data}`,
    "--set",
    "data.onEmptyResponse=error",
  );
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /pairs\.jsonl:1: field "rejected" is empty/);
});
