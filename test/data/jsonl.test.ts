import assert from "node:assert/strict";
import { test } from "node:test";
import { readJsonlPairs } from "../../src/data/jsonl.js";
import { collectRecords } from "../../src/data/records.js";
import { fixture, userError } from "./fixture.js";

const read = (name: string, limit?: number) =>
  collectRecords(readJsonlPairs(fixture(name), "error"), fixture(name), limit);

const expected = [
  { id: "p1", prompt: "What is 2 + 2?", chosen: "It is 4.", rejected: "It is 5." },
  { id: "good.jsonl:3", prompt: "Name a colour.", chosen: "Blue — like the sky.", rejected: "Seven." },
  { id: "good.jsonl:4", prompt: "Say hi in French.", chosen: "Bonjour !", rejected: "Hola." },
];

test("jsonl: reads pairs, skipping blank lines; a missing id is <basename>:<line>", async () => {
  assert.deepEqual(await read("jsonl/good.jsonl"), { values: expected, dropped: {}, emptyKept: 0 });
});

test("jsonl: .jsonl.gz gives the same pairs (ids name the .gz file)", async () => {
  const { values } = await read("jsonl/good.jsonl.gz");
  assert.deepEqual(
    values,
    expected.map((pair) => ({ ...pair, id: pair.id.replace("good.jsonl:", "good.jsonl.gz:") })),
  );
});

test("jsonl: a limit stops after that many kept pairs", async () => {
  assert.deepEqual((await read("jsonl/good.jsonl", 2)).values, expected.slice(0, 2));
});

test("jsonl: an identical pair among good ones is dropped and counted", async () => {
  const { values, dropped } = await read("jsonl/one-identical.jsonl");
  assert.deepEqual(
    values.map((pair) => pair.id),
    ["p1", "one-identical.jsonl:3"],
  );
  assert.deepEqual(dropped, { "identical-chosen-rejected": 1 });
});

test("jsonl: bad input names the file, the line and the reason", async () => {
  const cases: [string, RegExp][] = [
    ["malformed", /malformed\.jsonl:2: malformed JSON/],
    ["missing-field", /missing-field\.jsonl:2: missing field "rejected"/],
    ["wrong-type", /wrong-type\.jsonl:2: field "chosen" must be a string, got a number/],
    ["not-object", /not-object\.jsonl:2: the line must be a JSON object, got an array/],
    ["empty-response", /empty-response\.jsonl:2: field "rejected" is empty/],
    ["empty-prompt", /empty-prompt\.jsonl:1: field "prompt" is empty/],
    ["id-number", /id-number\.jsonl:1: field "id" must be a string/],
    ["duplicate-id", /duplicate-id\.jsonl:2: duplicate id "p1" \(first on line 1\)/],
    ["non-utf8", /non-utf8\.jsonl:2: .*UTF-8/],
  ];
  for (const [name, pattern] of cases)
    await assert.rejects(read(`jsonl/${name}.jsonl`), userError(pattern), name);
});

test("jsonl: an empty file, or one of blank lines, has no records", async () => {
  await assert.rejects(read("jsonl/empty.jsonl"), userError(/empty\.jsonl: no records$/));
  await assert.rejects(read("jsonl/blank-lines.jsonl"), userError(/blank-lines\.jsonl: no records$/));
});

test("jsonl: a file whose pairs are all identical says every record was dropped, and why", async () => {
  await assert.rejects(
    read("jsonl/all-identical.jsonl"),
    userError(/all-identical\.jsonl: every record was dropped \(identical-chosen-rejected: 2\)/),
  );
});

test("jsonl: a truncated .gz is an error naming the file", async () => {
  await assert.rejects(read("jsonl/truncated.jsonl.gz"), userError(/truncated\.jsonl\.gz: not a valid gzip/));
});
