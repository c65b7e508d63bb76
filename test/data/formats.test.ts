import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { configSchema, type DataConfig } from "../../src/config/schema.js";
import { readHhRlhfPairs } from "../../src/data/hh-rlhf.js";
import { readJsonlPairs } from "../../src/data/jsonl.js";
import { loadDataset, pairReader } from "../../src/data/load.js";
import { collectRecords, type EmptyResponsePolicy } from "../../src/data/records.js";
import type { PreferencePair } from "../../src/data/types.js";
import { tempDir } from "../cli/run-cli.js";
import { fixture, userError } from "./fixture.js";
import { type ColumnKind, jsonLines, transcriptMessages, writeParquet } from "./parquet-files.js";

/** TRL's formats and rated completions, in JSONL and parquet, against the readers of their JSONL equivalents. */

const dir = tempDir("formats");

function dataConfig(data: Record<string, unknown>): DataConfig {
  return configSchema.parse({ data }).data;
}

const readPairs = (data: Record<string, unknown>) => {
  const config = dataConfig(data);
  return collectRecords(pairReader(config, config.path as string), config.path as string);
};

function writeJsonl(name: string, rows: object[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`);
  return file;
}

function parquetFile(
  name: string,
  columns: Record<string, ColumnKind>,
  rows: Record<string, unknown>[],
): string {
  const file = join(dir, name);
  writeParquet(file, columns, rows);
  return file;
}

/** Pairs with the file part of their default id (`<basename>:<line>`) removed, to compare two files' pairs. */
const byLine = (pairs: PreferencePair[]) =>
  pairs.map((pair) => ({ ...pair, id: pair.id.replace(/^.*:/, "") }));

const hhGood = jsonLines(fixture("hh-rlhf/good.jsonl")) as { chosen: string; rejected: string }[];
const hhQuirks = jsonLines(fixture("hh-rlhf/quirks.jsonl")) as { chosen: string; rejected: string }[];
const hhOracle = async (name: string) => {
  const { values, dropped } = await collectRecords(readHhRlhfPairs(fixture(name), "drop"), name);
  return { values: byLine(values), dropped };
};

test("standard: parquet reads to the pairs of its JSONL equivalent, ids from data.columns.id", async () => {
  const rows = [
    { id: "p1", prompt: "What is 2 + 2?", chosen: "It is 4.", rejected: "It is 5." },
    { id: "p2", prompt: "Name a colour.", chosen: "Blue — like the sky.", rejected: "Seven." },
    { id: "p3", prompt: "Say hi in French.", chosen: "Bonjour !", rejected: "Hola." },
  ];
  const jsonl = await collectRecords(readJsonlPairs(writeJsonl("standard.jsonl", rows), "keep"), "x");
  const columns = { id: "string", prompt: "string", chosen: "string", rejected: "string" } as const;
  const path = parquetFile("standard.parquet", columns, rows);
  for (const format of ["standard", "auto"]) {
    const parquet = await readPairs({ source: "parquet", path, format, columns: { id: "id" } });
    assert.deepEqual(parquet, jsonl, format);
  }
  // Other column names, as CSV maps them; without data.columns.id, ids are <basename>:<row>.
  const renamed = rows.map((row) => ({ question: row.prompt, good: row.chosen, bad: row.rejected }));
  const other = parquetFile(
    "renamed.parquet",
    { question: "string", good: "string", bad: "string" },
    renamed,
  );
  const mapped = await readPairs({
    source: "parquet",
    path: other,
    columns: { prompt: "question", chosen: "good", rejected: "bad" },
  });
  assert.deepEqual(
    mapped.values,
    jsonl.values.map((pair, i) => ({ ...pair, id: `renamed.parquet:${i + 1}` })),
  );
});

test("implicit prompt: HH-RLHF transcripts and whole conversations read as the hh-rlhf reader reads them", async () => {
  const oracle = await hhOracle("hh-rlhf/quirks.jsonl");
  const asMessages = hhQuirks.map((row) => ({
    chosen: transcriptMessages(row.chosen),
    rejected: transcriptMessages(row.rejected),
  }));
  const files = {
    transcripts: parquetFile("implicit.parquet", { chosen: "string", rejected: "string" }, hhQuirks),
    messagesParquet: parquetFile(
      "implicit-messages.parquet",
      { chosen: "messages", rejected: "messages" },
      asMessages,
    ),
  };
  const messagesJsonl = writeJsonl("implicit-messages.jsonl", asMessages);
  for (const format of ["implicit-prompt", "auto"]) {
    for (const [what, path] of Object.entries(files)) {
      const read = await readPairs({ source: "parquet", path, format, onEmptyResponse: "drop" });
      assert.deepEqual({ values: byLine(read.values), dropped: read.dropped }, oracle, `${what}, ${format}`);
    }
    const read = await readPairs({ source: "jsonl", path: messagesJsonl, format, onEmptyResponse: "drop" });
    assert.deepEqual({ values: byLine(read.values), dropped: read.dropped }, oracle, `jsonl, ${format}`);
  }
});

test("conversational: the prompt's messages and the final assistant turns, rendered as HH-RLHF transcripts", async () => {
  const oracle = await hhOracle("hh-rlhf/good.jsonl");
  const records = hhGood.map((row, i) => {
    const chosen = transcriptMessages(row.chosen);
    const rejected = transcriptMessages(row.rejected);
    const prompt = chosen.slice(0, -1);
    // Row 2 as HuggingFaceH4/ultrafeedback_binarized: the prompt a string, the responses whole conversations.
    return i === 1
      ? { prompt: prompt[0].content, chosen, rejected }
      : { prompt, chosen: chosen.slice(-1), rejected: rejected.slice(-1) };
  });
  const jsonl = writeJsonl("conversational.jsonl", records);
  const listPrompts = records.map((row) => ({
    ...row,
    prompt: typeof row.prompt === "string" ? [{ role: "user", content: row.prompt }] : row.prompt,
  }));
  const parquet = parquetFile(
    "conversational.parquet",
    { prompt: "messages", chosen: "messages", rejected: "messages" },
    listPrompts,
  );
  for (const format of ["conversational", "auto"]) {
    for (const [source, path] of [
      ["jsonl", jsonl],
      ["parquet", parquet],
    ]) {
      const read = await readPairs({ source, path, format });
      assert.deepEqual(
        { values: byLine(read.values), dropped: read.dropped },
        oracle,
        `${source}, ${format}`,
      );
    }
  }
});

test("a folder of parquet shards reads as the concatenation of its shards, in name order", async () => {
  const shards = join(dir, "shards");
  mkdirSync(shards);
  const columns = { prompt: "string", chosen: "string", rejected: "string" } as const;
  const row = (i: number) => ({ prompt: `question ${i}`, chosen: `good ${i}`, rejected: `bad ${i}` });
  const sizes = [3, 1, 4];
  let next = 0;
  for (const [s, size] of sizes.entries()) {
    const rows = Array.from({ length: size }, () => row(next++));
    writeParquet(join(shards, `train-0000${s}-of-00003.parquet`), columns, rows);
  }
  writeFileSync(join(shards, "README.md"), "not a shard\n");
  const whole = await readPairs({ source: "parquet", path: shards });
  const each = [];
  for (let s = 0; s < sizes.length; s++) {
    each.push(
      ...(await readPairs({ source: "parquet", path: join(shards, `train-0000${s}-of-00003.parquet`) }))
        .values,
    );
  }
  assert.deepEqual(whole.values, each);
  assert.deepEqual(
    whole.values.map((pair) => pair.prompt),
    Array.from({ length: 8 }, (_, i) => `question ${i}`),
  );
  assert.equal(whole.values[3].id, "train-00001-of-00003.parquet:1");
});

test("parquet: columns streamed page by page (pages of each column apart) or a row group at a time", async () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ({
    prompt: `q${i % 700}`,
    chosen: `a longer good answer number ${i} ${"x".repeat(i % 50)}`,
    rejected: `bad ${i}`,
  }));
  const columns = { prompt: "string", chosen: "string", rejected: "string" } as const;
  const expected = rows.map((row, i) => ({ id: `${i + 1}`, ...row }));
  for (const offsetIndex of [true, false]) {
    const path = join(dir, `pages-${offsetIndex}.parquet`);
    writeParquet(path, columns, rows, 1200, { pageSize: 4096, offsetIndex });
    const read = await readPairs({ source: "parquet", path });
    assert.deepEqual(byLine(read.values), expected, `offset index ${offsetIndex}`);
  }
});

test("parquet: a byte string that is not UTF-8 is an error naming its row and column, on any page", async () => {
  const rows: Record<string, unknown>[] = Array.from({ length: 600 }, (_, i) => ({
    prompt: `question ${i}`,
    chosen: `good answer ${i}`,
    rejected: `bad answer ${i}`,
  }));
  rows[437].chosen = new Uint8Array([0x67, 0xff, 0x6f]);
  const path = join(dir, "not-utf8.parquet");
  writeParquet(path, { prompt: "string", chosen: "string", rejected: "string" }, rows, 600, {
    pageSize: 1024,
  });
  await assert.rejects(
    readPairs({ source: "parquet", path }),
    userError(/not-utf8\.parquet: row 438: column "chosen" holds bytes that are not valid UTF-8/),
  );
});

/** AlpacaEval's fixture as UltraFeedback-style rated completions: {id, instruction, completions: [...]}. */
const alpaca = jsonLines(fixture("alpaca-eval/good.jsonl")) as {
  id: string;
  instruction: string;
  candidates: { generator: string; output: string; preference: number }[];
}[];
const rated = alpaca.map((set) => ({
  id: set.id,
  instruction: set.instruction,
  completions: set.candidates.map((c) => ({
    model: c.generator,
    response: c.output,
    overall_score: c.preference,
  })),
}));
const ultraFeedback = {
  format: "rated",
  columns: { id: "id", prompt: "instruction" },
  completion: { text: "response", score: "overall_score", id: "model" },
};

test("rated completions: candidate sets with the rating as true reward, pairs drawn as alpaca-eval draws them", async () => {
  const halves = { train: 0.5, validation: 0, test: 0.5 };
  const settings = { splits: halves, onEmptyResponse: "drop", pairsPerPrompt: 2, minRewardGap: 0.3 };
  const oracle = await loadDataset(
    dataConfig({ source: "alpaca-eval", path: fixture("alpaca-eval/good.jsonl"), ...settings }),
    1,
  );
  const files = {
    jsonl: writeJsonl("rated.jsonl", rated),
    parquet: parquetFile(
      "rated.parquet",
      { id: "string", instruction: "string", completions: "rated" },
      rated,
    ),
  };
  for (const [source, path] of Object.entries(files)) {
    const dataset = await loadDataset(dataConfig({ source, path, ...ultraFeedback, ...settings }), 1);
    assert.deepEqual({ ...dataset, source: "" }, { ...oracle, source: "" }, source);
    assert.match(dataset.source, /\(2 prompts of rated completions\)/);
  }
  assert.ok(oracle.pairs.train.length + oracle.pairs.test.length > 0);
});

test("rated completions: the default layout {prompt, completions: [{text, score}]}, ids by position", async () => {
  const path = writeJsonl("rated-default.jsonl", [
    {
      prompt: "Say hi",
      completions: [
        { text: "hello", score: 9 },
        { text: "go away", score: 2 },
        { text: "hi", score: 7 },
      ],
    },
  ]);
  const dataset = await loadDataset(
    dataConfig({ source: "jsonl", path, format: "rated", splits: { train: 0, validation: 0, test: 1 } }),
    1,
  );
  assert.deepEqual(dataset.candidateSets, [
    {
      id: "rated-default.jsonl:1",
      prompt: "Say hi",
      candidates: [
        { id: "c0", text: "hello", trueReward: 9 },
        { id: "c1", text: "go away", trueReward: 2 },
        { id: "c2", text: "hi", trueReward: 7 },
      ],
    },
  ]);
  assert.deepEqual(dataset.pairs.test.map((pair) => pair.id).sort(), [
    "rated-default.jsonl:1:c0>c1",
    "rated-default.jsonl:1:c0>c2",
    "rated-default.jsonl:1:c2>c1",
  ]);
});

test("parquet: empty responses follow data.onEmptyResponse", async () => {
  const columns = { prompt: "string", chosen: "string", rejected: "string" } as const;
  const path = parquetFile("empty.parquet", columns, [
    { prompt: "a", chosen: "b", rejected: "c" },
    { prompt: "d", chosen: "e", rejected: "  " },
  ]);
  const read = (onEmptyResponse: EmptyResponsePolicy) =>
    readPairs({ source: "parquet", path, onEmptyResponse });
  assert.deepEqual([(await read("keep")).values.length, (await read("keep")).emptyKept], [2, 1]);
  assert.deepEqual((await read("drop")).dropped, { "empty-response": 1 });
  await assert.rejects(
    read("error"),
    userError(/empty\.parquet: row 2: column "rejected" is empty \(data\.onEmptyResponse/),
  );
});

test("bad records name file, row and column", async () => {
  const strings = { prompt: "string", chosen: "string", rejected: "string" } as const;
  const conversations = { prompt: "messages", chosen: "messages", rejected: "messages" } as const;
  const say = (content: string, role = "assistant") => [{ role, content }];
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      "missing column",
      () =>
        readPairs({
          source: "parquet",
          path: parquetFile("no-rejected.parquet", { prompt: "string", chosen: "string" }, [
            { prompt: "a", chosen: "b" },
          ]),
        }),
      /no-rejected\.parquet: missing column "rejected" \(the file has: prompt, chosen; see data\.columns\)/,
    ],
    [
      "a list where a string is expected",
      () =>
        readPairs({
          source: "parquet",
          format: "standard",
          path: parquetFile("list.parquet", { prompt: "string", chosen: "messages", rejected: "string" }, [
            { prompt: "a", chosen: say("b"), rejected: "c" },
          ]),
        }),
      /list\.parquet: row 1: column "chosen" must be a string, got an array \(messages\? set data\.format: conversational\)/,
    ],
    [
      "a string where messages are expected",
      () =>
        readPairs({
          source: "jsonl",
          format: "conversational",
          path: writeJsonl("string.jsonl", [{ prompt: say("a", "user"), chosen: "b", rejected: say("c") }]),
        }),
      /string\.jsonl:1: field "chosen" must be a list of \{role, content\} messages, got a string/,
    ],
    [
      "an empty conversation",
      () =>
        readPairs({
          source: "parquet",
          path: parquetFile("empty-conversation.parquet", conversations, [
            { prompt: say("a", "user"), chosen: say("b"), rejected: say("c") },
            { prompt: say("a", "user"), chosen: [], rejected: say("c") },
          ]),
        }),
      /empty-conversation\.parquet: row 2: column "chosen" is an empty conversation/,
    ],
    [
      "a conversation that does not end in an assistant turn",
      () =>
        readPairs({
          source: "jsonl",
          path: writeJsonl("user-last.jsonl", [{ chosen: say("a", "user"), rejected: say("b") }]),
        }),
      /user-last\.jsonl:1: field "chosen" must end in an assistant turn, got role "user"/,
    ],
    [
      "a message without content",
      () =>
        readPairs({
          source: "jsonl",
          path: writeJsonl("no-content.jsonl", [
            { prompt: [{ role: "user" }], chosen: say("b"), rejected: say("c") },
          ]),
        }),
      /no-content\.jsonl:1: missing field "prompt\[0\]\.content"/,
    ],
    [
      "malformed JSON",
      () => {
        const path = join(dir, "malformed.jsonl");
        writeFileSync(path, '{"chosen": [{"role": "user", "content": "a"}], \n');
        return readPairs({ source: "jsonl", format: "implicit-prompt", path });
      },
      /malformed\.jsonl:1: malformed JSON/,
    ],
    [
      "a null in a parquet column",
      () =>
        readPairs({
          source: "parquet",
          path: parquetFile("null.parquet", strings, [
            { prompt: "a", chosen: "b", rejected: "c" },
            { prompt: "d", chosen: "e" },
          ]),
        }),
      /null\.parquet: row 2: column "rejected" must be a string, got null/,
    ],
    [
      "a rating that is not a number",
      () => {
        const bad = [
          {
            ...rated[0],
            completions: [{ model: "m", response: "r", overall_score: "N/A" }, ...rated[0].completions],
          },
        ];
        return loadDataset(
          dataConfig({ source: "jsonl", path: writeJsonl("na.jsonl", bad), ...ultraFeedback }),
          1,
        );
      },
      /na\.jsonl:1: field "completions\[0\]\.overall_score" must be a finite number, got "N\/A"/,
    ],
    [
      "rated completions read as pairs",
      () =>
        readPairs({
          source: "parquet",
          path: parquetFile("rated-as-pairs.parquet", { instruction: "string", completions: "rated" }, rated),
          columns: { prompt: "instruction" },
        }),
      /rated-as-pairs\.parquet: missing column "chosen"/,
    ],
    [
      "rated completions in JSONL read as pairs",
      () =>
        readPairs({
          source: "jsonl",
          path: writeJsonl(
            "rated-lines.jsonl",
            rated.map(({ completions }) => ({ completions })),
          ),
        }),
      /rated-lines\.jsonl:1: field "completions" holds rated completions, not pairs: set data\.format: rated/,
    ],
    [
      "not a parquet file",
      () => {
        const path = join(dir, "fake.parquet");
        writeFileSync(path, "prompt,chosen,rejected\n");
        return readPairs({ source: "parquet", path });
      },
      /fake\.parquet: not a readable parquet file/,
    ],
    [
      "a folder without shards",
      () => {
        const path = join(dir, "no-shards");
        mkdirSync(path);
        return readPairs({ source: "parquet", path });
      },
      /no-shards: a folder without \.parquet files/,
    ],
  ];
  for (const [what, read, message] of cases) await assert.rejects(read, userError(message), what);
});

test("config: data.format is for jsonl and parquet only", () => {
  assert.throws(
    () => dataConfig({ source: "csv", path: "x.csv", format: "conversational" }),
    /data\.format applies/,
  );
});
