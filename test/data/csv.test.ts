import assert from "node:assert/strict";
import { test } from "node:test";
import { type CsvColumns, readCsvPairs } from "../../src/data/csv.js";
import { collectRecords } from "../../src/data/records.js";
import { fixture, userError } from "./fixture.js";

const defaults: CsvColumns = { prompt: "prompt", chosen: "chosen", rejected: "rejected" };
const mapped: CsvColumns = { id: "pair", prompt: "question", chosen: "good", rejected: "bad" };
const read = (name: string, columns = defaults) =>
  collectRecords(readCsvPairs(fixture(name), columns, "error"), fixture(name));

test("csv: maps columns, handles quotes, embedded newlines, CRLF and blank lines", async () => {
  assert.deepEqual(await read("csv/good.csv", mapped), {
    values: [
      { id: "c1", prompt: "What is 2 + 2?", chosen: "4", rejected: "5" },
      { id: "c2", prompt: 'Write a "haiku"', chosen: "old pond\nfrog jumps in", rejected: "no" },
      { id: "c3", prompt: "Say hi", chosen: "hello, there", rejected: "bye" },
    ],
    dropped: {},
    emptyKept: 0,
  });
});

test("csv: default columns after a BOM, ids from the line, identical pairs dropped and counted", async () => {
  assert.deepEqual(await read("csv/default-columns.csv"), {
    values: [
      { id: "default-columns.csv:2", prompt: "What is 2 + 2?", chosen: "4", rejected: "5" },
      { id: "default-columns.csv:3", prompt: "Say hi", chosen: "hello", rejected: "bye" },
    ],
    dropped: { "identical-chosen-rejected": 1 },
    emptyKept: 0,
  });
});

test("csv: a missing column is an error naming the column and the file", async () => {
  await assert.rejects(
    read("csv/missing-column.csv", mapped),
    userError(/missing-column\.csv: missing column "bad"/),
  );
  await assert.rejects(read("csv/good.csv"), userError(/good\.csv: missing column "prompt"/));
});

test("csv: a ragged row, an empty field or a bad byte names the line", async () => {
  await assert.rejects(read("csv/ragged.csv"), userError(/ragged\.csv:3: ragged row/));
  await assert.rejects(
    read("csv/empty-field.csv"),
    userError(/empty-field\.csv:3: column "chosen" is empty/),
  );
  await assert.rejects(read("csv/non-utf8.csv"), userError(/non-utf8\.csv:3: .*UTF-8/));
  await assert.rejects(
    read("csv/unclosed-quote.csv"),
    userError(/unclosed-quote\.csv:\d+: Quote Not Closed/),
  );
});

test("csv: a header without rows has no records", async () => {
  await assert.rejects(read("csv/header-only.csv"), userError(/header-only\.csv: no records$/));
});
