import assert from "node:assert/strict";
import { existsSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { dump } from "npyjs";
import { makeEmbeddingWorld, writeNpy } from "../features/embedding-world.js";
import { align, tempDir, tinyConfig } from "./run-cli.js";

const embeddingRun = (out: string, pairs: string, path: string, index: string, extra: string[] = []) =>
  align(
    "train-rm",
    "--config",
    tinyConfig,
    "--out",
    out,
    ...[
      "data.source=jsonl",
      `data.path=${pairs}`,
      "features.source=embeddings",
      `features.embeddings.path=${path}`,
      `features.embeddings.index=${index}`,
      "rewardModel.epochs=8",
      "rewardModel.learningRate=0.05",
      ...extra,
    ].flatMap((s) => ["--set", s]),
  );

const summary = (out: string) => JSON.parse(readFileSync(join(out, "reward-models/summary.json"), "utf8"));

for (const head of ["linear", "mlp"] as const) {
  test(`${head} heads on embeddings with a planted linear reward rank held-out pairs well above chance`, () => {
    const dir = tempDir("emb");
    const world = makeEmbeddingWorld(dir);
    const { path, index } = writeNpy(world, dir);
    const out = join(dir, "out");
    const result = embeddingRun(out, world.pairs, path, index, [`rewardModel.head=${head}`]);
    assert.equal(result.status, 0, result.stderr);
    const s = summary(out);
    assert.equal(s.features, "embeddings");
    assert.equal(s.featureDimension, world.dimension);
    // Chance is 0.5; with 224 training pairs on 16 dimensions the linear head gets about 0.91, the mlp 0.88.
    assert.ok(s.testAccuracy.min > 0.75, `test accuracy ${JSON.stringify(s.testAccuracy)}`);
    // Later stages score texts through the same embeddings.
    const disagreement = align(
      "disagreement",
      "--config",
      tinyConfig,
      "--out",
      out,
      ...[
        "data.source=jsonl",
        `data.path=${world.pairs}`,
        "features.source=embeddings",
        `features.embeddings.path=${path}`,
        `features.embeddings.index=${index}`,
        "rewardModel.epochs=8",
        "rewardModel.learningRate=0.05",
        `rewardModel.head=${head}`,
      ].flatMap((s) => ["--set", s]),
    );
    assert.equal(disagreement.status, 0, disagreement.stderr);
  });
}

test("mlp heads on embeddings with the prompt's embedding concatenated: --jobs 2 gives the bytes of --jobs 1", () => {
  const dir = tempDir("emb-jobs");
  const world = makeEmbeddingWorld(dir, 8, 40);
  const { path, index } = writeNpy(world, dir);
  const extra = ["rewardModel.head=mlp", "features.includePrompt=true", "rewardModel.epochs=3"];
  const outs = ["1", "2"].map((jobs) => {
    const out = join(dir, `jobs-${jobs}`);
    const result = align(
      "train-rm",
      "--config",
      tinyConfig,
      "--out",
      out,
      "--jobs",
      jobs,
      ...[
        "data.source=jsonl",
        `data.path=${world.pairs}`,
        "features.source=embeddings",
        `features.embeddings.path=${path}`,
        `features.embeddings.index=${index}`,
        ...extra,
      ].flatMap((s) => ["--set", s]),
    );
    assert.equal(result.status, 0, result.stderr);
    return out;
  });
  assert.equal(summary(outs[0]).featureDimension, 16, "prompt and response embeddings side by side");
  for (let m = 0; m < 3; m++) {
    const bytes = (out: string) => readFileSync(join(out, `reward-models/member-${m}/weights.bin`));
    assert.ok(bytes(outs[0]).equals(bytes(outs[1])), `member ${m}`);
  }
});

/** Each bad embeddings input, how to make it, and what the one-line message must say. */
const badInputs: [string, (dir: string, path: string, index: string, texts: string[]) => void, RegExp][] = [
  [
    "a response without an embedding",
    (_, __, index, texts) =>
      writeFileSync(
        index,
        texts.map((t) => `${JSON.stringify({ text: t === "response 2.3" ? "other" : t })}\n`).join(""),
      ),
    /embeddings\.index\.jsonl: no embedding for the response "response 2\.3"/,
  ],
  [
    "an index with fewer texts than rows",
    (_, __, index, texts) =>
      writeFileSync(
        index,
        texts
          .slice(1)
          .map((t) => `${JSON.stringify({ text: t })}\n`)
          .join(""),
      ),
    /embeddings\.index\.jsonl: 479 texts, but .*embeddings\.npy has 480 rows/,
  ],
  [
    "a NaN in a row",
    (_, path, __, texts) => {
      const values = new Float32Array(texts.length * 16).fill(0.5);
      values[7 * 16 + 3] = Number.NaN;
      writeFileSync(path, Buffer.from(dump(values, [texts.length, 16])));
    },
    /embeddings\.npy: row 7 \("response 1\.0", .*embeddings\.index\.jsonl:8\) holds NaN at column 3/,
  ],
  [
    "an infinity in a row",
    (_, path, __, texts) => {
      const values = new Float32Array(texts.length * 16).fill(0.5);
      values[100] = Number.POSITIVE_INFINITY;
      writeFileSync(path, Buffer.from(dump(values, [texts.length, 16])));
    },
    /embeddings\.npy: row 6 .* holds Infinity at column 4/,
  ],
  ["a truncated .npy", (_, path) => truncateSync(path, 1000), /embeddings\.npy: .*truncated/],
  ["a truncated .npy cut mid-value", (_, path) => truncateSync(path, 1003), /embeddings\.npy: .*truncated/],
  ["not an .npy", (_, path) => writeFileSync(path, "hello"), /embeddings\.npy: not a readable \.npy file/],
];

for (const [what, spoil, message] of badInputs) {
  test(`train-rm with ${what} exits 2 with one clear message and writes no results`, () => {
    const dir = tempDir("emb-bad");
    const world = makeEmbeddingWorld(dir);
    const { path, index } = writeNpy(world, dir);
    spoil(dir, path, index, world.texts);
    const out = join(dir, "out");
    const result = embeddingRun(out, world.pairs, path, index);
    assert.equal(result.status, 2, result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `expected one line, got:\n${result.stderr}`);
    assert.match(lines[0], /^align: error: /);
    assert.match(lines[0], message);
    assert.ok(!existsSync(join(out, "reward-models/summary.json")));
    assert.ok(!existsSync(join(out, "reward-models/member-0")));
  });
}
