import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type Annotation,
  buildCandidateSets,
  judgedPreference,
  parseAnnotations,
} from "../../scripts/fetch/annotations.js";

const REFERENCE = "gpt4_1106_preview";

function annotation(instruction: string, generator: string, preference: number | null): Annotation {
  return {
    instruction,
    dataset: "koala",
    generator_1: REFERENCE,
    output_1: `reference answer to ${instruction}`,
    generator_2: generator,
    output_2: `${generator}'s answer to ${instruction}`,
    preference,
  };
}

test("judgedPreference: alpaca_eval's [1, 2] becomes the probability that the model's answer wins", () => {
  assert.equal(judgedPreference(1), 0);
  assert.equal(judgedPreference(2), 1);
  assert.equal(judgedPreference(1.5), 0.5);
  assert.equal(judgedPreference(1.25), 0.25);
  // Float noise of the weighted judge, rounded away as in the shared copy of the data.
  assert.equal(judgedPreference(1.0000114788), 0.000011);
  assert.equal(judgedPreference(1.9999999999), 1);
});

test("judgedPreference: 0 is alpaca_eval's legacy draw; null or outside [1, 2] is no preference", () => {
  assert.equal(judgedPreference(0), 0.5);
  assert.equal(judgedPreference(null), undefined);
  assert.equal(judgedPreference(Number.NaN), undefined);
  assert.equal(judgedPreference(0.5), undefined);
  assert.equal(judgedPreference(2.5), undefined);
});

test("parseAnnotations: keeps the needed fields and names the file and record of a bad one", () => {
  const [parsed] = parseAnnotations(
    [{ ...annotation("Hi", "m", 1.5), annotator: "x", raw_completion: {} }],
    "a.json",
  );
  assert.deepEqual(parsed, annotation("Hi", "m", 1.5));
  assert.equal(
    parseAnnotations([{ ...annotation("Hi", "m", 1.5), dataset: undefined }], "a.json")[0].dataset,
    undefined,
  );
  assert.throws(() => parseAnnotations({}, "a.json"), /a\.json: expected a JSON array/);
  assert.throws(
    () => parseAnnotations([1], "a.json"),
    /a\.json: annotation 0: must be a JSON object, got number/,
  );
  assert.throws(
    () =>
      parseAnnotations([annotation("Hi", "m", 1), { ...annotation("Yo", "m", 1), output_2: null }], "a.json"),
    { name: "UserError", message: /a\.json: annotation 1: field "output_2" must be a string, got null/ },
  );
  assert.throws(
    () => parseAnnotations([{ ...annotation("Hi", "m", 1), preference: "2" }], "a.json"),
    /field "preference" must be a number or null, got string/,
  );
});

test("buildCandidateSets: one set per instruction, sorted, ids in instruction order, drops counted", () => {
  const { sets, dropped } = buildCandidateSets([
    { file: "b.json", annotations: [annotation("Zebra?", "b", 2), annotation("Apple?", "b", 1)] },
    { file: "a.json", annotations: [annotation("Apple?", "a", 1.5), annotation("Zebra?", "a", null)] },
    { file: "a2.json", annotations: [annotation("Apple?", "a", 2)] },
  ]);
  assert.deepEqual(dropped, { "no-preference": 1, "duplicate-generator": 1 });
  assert.deepEqual(sets, [
    {
      id: "alpaca-eval-0000",
      instruction: "Apple?",
      dataset: "koala",
      reference_generator: REFERENCE,
      reference_output: "reference answer to Apple?",
      candidates: [
        { generator: "a", output: "a's answer to Apple?", preference: 0.5 },
        { generator: "b", output: "b's answer to Apple?", preference: 0 },
      ],
    },
    {
      id: "alpaca-eval-0001",
      instruction: "Zebra?",
      dataset: "koala",
      reference_generator: REFERENCE,
      reference_output: "reference answer to Zebra?",
      candidates: [{ generator: "b", output: "b's answer to Zebra?", preference: 1 }],
    },
  ]);
});

test("buildCandidateSets: the same instruction judged against two references is an error naming both files", () => {
  const other = { ...annotation("Apple?", "b", 2), generator_1: "text_davinci_003" };
  assert.throws(
    () =>
      buildCandidateSets([
        { file: "a.json", annotations: [annotation("Apple?", "a", 1)] },
        { file: "b.json", annotations: [other] },
      ]),
    {
      name: "UserError",
      message: /b\.json: .*"text_davinci_003", but a\.json judges it against "gpt4_1106_preview"/,
    },
  );
});
