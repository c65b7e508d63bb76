import assert from "node:assert/strict";
import { test } from "node:test";
import { readHhRlhfPairs, splitTranscripts } from "../../src/data/hh-rlhf.js";
import { collectRecords } from "../../src/data/records.js";
import { fixture, userError } from "./fixture.js";

const read = (name: string) => collectRecords(readHhRlhfPairs(fixture(name), "drop"), fixture(name));

test("splitTranscripts: the prompt runs to the last Assistant marker of chosen; responses are trimmed", () => {
  const prompt = "\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Bye\n\nAssistant:";
  assert.deepEqual(splitTranscripts(`${prompt} See you!\n`, `${prompt} Whatever.`), {
    prompt,
    chosen: "See you!",
    rejected: "Whatever.",
  });
});

test("splitTranscripts: drops a rejected that does not share the prefix; an empty final turn is an empty response", () => {
  assert.deepEqual(splitTranscripts("\n\nHuman: Hi\n\nAssistant: A", "\n\nHuman: Hey\n\nAssistant: B"), {
    dropped: "prefix-mismatch",
  });
  assert.deepEqual(splitTranscripts("\n\nHuman: Hi\n\nAssistant: A", "\n\nHuman: Hi\n\nAssistant:  "), {
    prompt: "\n\nHuman: Hi\n\nAssistant:",
    chosen: "A",
    rejected: "",
  });
  assert.deepEqual(splitTranscripts("\n\nHuman: Hi\n\nAssistant:", "\n\nHuman: Hi\n\nAssistant: B"), {
    prompt: "\n\nHuman: Hi\n\nAssistant:",
    chosen: "",
    rejected: "B",
  });
  assert.equal(splitTranscripts("\n\nHuman: Hi", "\n\nHuman: Hi"), undefined);
});

test("hh-rlhf: reads transcripts into pairs with ids <basename>:<line>", async () => {
  const { values, dropped } = await read("hh-rlhf/good.jsonl");
  assert.deepEqual(dropped, {});
  assert.deepEqual(values, [
    {
      id: "good.jsonl:1",
      prompt:
        "\n\nHuman: How do I boil an egg?\n\nAssistant: Put it in boiling water.\n\nHuman: For how long?\n\nAssistant:",
      chosen: "About nine minutes for a hard yolk.",
      rejected: "Forever.",
    },
    {
      id: "good.jsonl:2",
      prompt: "\n\nHuman: Hi\n\nAssistant:",
      chosen: "Hello! How can I help?",
      rejected: "What?",
    },
  ]);
});

test("hh-rlhf: prefix mismatches, empty responses and identical pairs are dropped and counted", async () => {
  const { values, dropped } = await read("hh-rlhf/quirks.jsonl");
  assert.deepEqual(
    values.map((pair) => pair.id),
    ["quirks.jsonl:1", "quirks.jsonl:5"],
  );
  assert.deepEqual(dropped, { "prefix-mismatch": 1, "empty-response": 1, "identical-chosen-rejected": 1 });
});

test("hh-rlhf: a file of mismatched prefixes only is an error saying why every pair was dropped", async () => {
  await assert.rejects(
    read("hh-rlhf/prefix-mismatch.jsonl"),
    userError(/prefix-mismatch\.jsonl: every record was dropped \(prefix-mismatch: 1\)/),
  );
});

test("hh-rlhf: bad input names the file and line", async () => {
  await assert.rejects(
    read("hh-rlhf/no-marker.jsonl"),
    userError(/no-marker\.jsonl:2: .*no "\\n\\nAssistant:" turn/),
  );
  await assert.rejects(
    read("hh-rlhf/missing-field.jsonl"),
    userError(/missing-field\.jsonl:1: missing field "rejected"/),
  );
});
