import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { align, repoRoot, tempDir, tinyConfig } from "./run-cli.js";

const fixture = (path: string) => join(repoRoot, "test/fixtures/data", path);

/**
 * Each bad file, its source, and what the one-line message must say (file and line, or file alone).
 * Empty responses are not here: data.onEmptyResponse decides (test/data/empty-response.test.ts).
 */
const badData: [string, string, RegExp][] = [
  ["jsonl", "jsonl/malformed.jsonl", /malformed\.jsonl:\d+: /],
  ["jsonl", "jsonl/missing-field.jsonl", /missing-field\.jsonl:\d+: .*chosen|rejected|prompt/],
  ["jsonl", "jsonl/wrong-type.jsonl", /wrong-type\.jsonl:\d+: /],
  ["jsonl", "jsonl/empty.jsonl", /empty\.jsonl: no records/],
  ["jsonl", "jsonl/empty-prompt.jsonl", /empty-prompt\.jsonl:\d+: .*empty/],
  ["jsonl", "jsonl/all-identical.jsonl", /all-identical\.jsonl: every record was dropped/],
  ["jsonl", "jsonl/non-utf8.jsonl", /non-utf8\.jsonl:\d+: .*UTF-8/],
  ["jsonl", "jsonl/truncated.jsonl.gz", /truncated\.jsonl\.gz: /],
  ["jsonl", "jsonl/not-gzip.jsonl.gz", /not-gzip\.jsonl\.gz: /],
  ["csv", "csv/missing-column.csv", /missing-column\.csv: .*column/],
  ["csv", "csv/ragged.csv", /ragged\.csv:\d+: /],
  ["hh-rlhf", "hh-rlhf/missing-field.jsonl", /missing-field\.jsonl:\d+: /],
  ["alpaca-eval", "alpaca-eval/nan-preference.jsonl", /nan-preference\.jsonl:\d+: /],
  [
    "alpaca-eval",
    "alpaca-eval/preference-out-of-range.jsonl",
    /out-of-range\.jsonl:2: .*must be in \[0, 1\], got 1\.5/,
  ],
  ["jsonl", "jsonl/does-not-exist.jsonl", /does-not-exist\.jsonl: /],
];

for (const [source, path, message] of badData) {
  test(`train-rm on ${path} exits 2 with one clear message and writes no results`, () => {
    const out = tempDir("bad");
    const result = align(
      "train-rm",
      "--config",
      tinyConfig,
      "--out",
      out,
      "--set",
      `data.source=${source}`,
      "--set",
      `data.path=${fixture(path)}`,
    );
    assert.equal(result.status, 2, result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `expected one line, got:\n${result.stderr}`);
    assert.match(lines[0], /^align: error: /);
    assert.match(lines[0], message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    assert.ok(!existsSync(join(out, "reward-models/summary.json")));
    assert.ok(!existsSync(join(out, "reward-models/complete.json")));
  });
}

/** Config mistakes, each with the key path or file position its message must name. */
const badConfigs: [string, string, RegExp][] = [
  ["unknown key", "name: x\nrewardModel:\n  memebers: 3\n", /unknown key 'rewardModel\.memebers'/],
  ["YAML syntax", "name: x\nrewardModel: [1, 2\n", /bad\.yaml:\d+:\d+: YAML syntax error/],
  ["zero size", "rewardModel:\n  members: 0\n", /rewardModel\.members: /],
  ["negative size", "rewardModel:\n  batchSize: -4\n", /rewardModel\.batchSize: /],
  ["NaN", "rewardModel:\n  learningRate: .nan\n", /rewardModel\.learningRate: /],
  ["Infinity", "rewardModel:\n  l2: .inf\n", /rewardModel\.l2: /],
  ["wrong type", "features:\n  ngramMax: two\n", /features\.ngramMax: Expected number/],
];

for (const [what, yaml, message] of badConfigs) {
  test(`a config with ${what} exits 2 naming the key`, () => {
    const dir = tempDir("config");
    const file = join(dir, "bad.yaml");
    writeFileSync(file, yaml);
    const out = join(dir, "out");
    const result = align("train-rm", "--config", file, "--out", out);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^align: error: /);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.ok(!existsSync(out), "nothing is written for an invalid config");
  });
}

test("an unknown command or flag exits 2", () => {
  assert.equal(align("train-everything").status, 2);
  assert.equal(align("train-rm", "--out", tempDir("flag"), "--no-such-flag").status, 2);
  assert.equal(align("train-rm", "--out", tempDir("flag"), "--backend", "tpu").status, 2);
});
