import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { writeParquet } from "../data/parquet-files.js";
import { align, tempDir, tinyConfig } from "./run-cli.js";

/** train-rm and the policy study on parquet files, as a user runs them. */

const dir = tempDir("data-formats");

test("train-rm on conversational parquet pairs, and exit 2 naming file, row and column on a bad row", () => {
  const say = (role: string, content: string) => [{ role, content }];
  const rows = Array.from({ length: 60 }, (_, i) => ({
    prompt: say("user", `question ${i}`),
    chosen: say("assistant", `a fine answer ${i % 7}`),
    rejected: say("assistant", `bad ${i % 3}`),
  }));
  const path = join(dir, "pairs.parquet");
  writeParquet(path, { prompt: "messages", chosen: "messages", rejected: "messages" }, rows, 16);
  const run = (file: string, out: string) =>
    align(
      "train-rm",
      "--config",
      tinyConfig,
      "--out",
      out,
      "--set",
      "data.source=parquet",
      "--set",
      `data.path=${file}`,
    );
  const out = join(dir, "run");
  const trained = run(path, out);
  assert.equal(trained.status, 0, trained.stderr);
  assert.match(readFileSync(join(out, "run.log"), "utf8"), /parquet: .*pairs\.parquet \(60 pairs\)/);

  const bad = join(dir, "bad.parquet");
  writeParquet(bad, { prompt: "messages", chosen: "messages", rejected: "messages" }, [
    ...rows.slice(0, 2),
    { ...rows[2], rejected: [] },
  ]);
  const refused = run(bad, join(dir, "refused"));
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(
    refused.stderr.trim(),
    /^align: error: .*bad\.parquet: row 3: column "rejected" is an empty conversation$/,
  );
  assert.ok(!existsSync(join(dir, "refused", "reward-models")));
});

test("the policy study on rated completions in parquet: the ratings are the true reward", () => {
  const completions = (i: number) =>
    Array.from({ length: 4 }, (_, c) => ({
      model: `m${c}`,
      response: `answer ${c} to ${i % 5}`,
      overall_score: (c * 7 + i) % 10,
    }));
  const rows = Array.from({ length: 40 }, (_, i) => ({
    instruction: `task ${i}`,
    completions: completions(i),
  }));
  const path = join(dir, "rated.parquet");
  writeParquet(path, { instruction: "string", completions: "rated" }, rows, 16);
  const out = join(dir, "rated-run");
  const sets = [
    "data.source=parquet",
    `data.path=${path}`,
    "data.format=rated",
    "data.columns.prompt=instruction",
    "data.completion.text=response",
    "data.completion.score=overall_score",
    "data.completion.id=model",
  ].flatMap((set) => ["--set", set]);
  for (const stage of ["train-rm", "optimize"]) {
    const result = align(stage, "--config", tinyConfig, "--out", out, ...sets);
    assert.equal(result.status, 0, `${stage}: ${result.stderr}`);
  }
  assert.match(readFileSync(join(out, "run.log"), "utf8"), /\(40 prompts of rated completions\)/);
  assert.ok(existsSync(join(out, "optimize/summary.json")));
});
