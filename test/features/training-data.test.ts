import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { loadConfig } from "../../src/config/load.js";
import { loadDataset } from "../../src/data/load.js";
import { SPLITS } from "../../src/data/split.js";
import { generateSynthetic } from "../../src/data/synthetic.js";
import { featurize } from "../../src/features/hashing.js";
import { poolRow, type RowPool } from "../../src/features/pool.js";
import { loadTrainingData, trainingDataFromDataset } from "../../src/features/training-data.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/data");

/** The synthetic pairs of 40 prompts written in each file format the streaming reader handles. */
function writeFormats(): Record<"jsonl" | "hh-rlhf" | "csv", string> {
  const dir = mkdtempSync(join(tmpdir(), "align-stream-"));
  const { pairs } = generateSynthetic(loadConfig(undefined, ["data.synthetic.prompts=40"]).data.synthetic, 1);
  const jsonl = join(dir, "pairs.jsonl.gz");
  writeFileSync(jsonl, gzipSync(pairs.map((p) => `${JSON.stringify(p)}\n`).join("")));
  const transcript = (prompt: string, response: string) => `\n\nHuman: ${prompt}\n\nAssistant: ${response}`;
  const hh = join(dir, "hh.jsonl");
  writeFileSync(
    hh,
    pairs
      .map(
        (p) =>
          `${JSON.stringify({ chosen: transcript(p.prompt, p.chosen), rejected: transcript(p.prompt, p.rejected) })}\n`,
      )
      .join(""),
  );
  const csv = join(dir, "pairs.csv");
  writeFileSync(
    csv,
    ["prompt,chosen,rejected", ...pairs.map((p) => `${p.prompt},${p.chosen},${p.rejected}`)].join("\n"),
  );
  return { jsonl, "hh-rlhf": hh, csv };
}

const files = writeFormats();

for (const source of ["jsonl", "hh-rlhf", "csv"] as const) {
  test(`streamed ${source} data has loadDataset's splits and counts, pair for pair`, async () => {
    const config = loadConfig(undefined, [`data.source=${source}`, `data.path=${files[source]}`]);
    const streamed = await loadTrainingData(config);
    const dataset = await loadDataset(config.data, config.seed);
    assert.deepEqual(streamed.dropped, dataset.dropped);
    assert.equal(streamed.source, dataset.source);
    for (const split of SPLITS) {
      const pairs = dataset.pairs[split];
      assert.ok(pairs.length > 0);
      assert.equal(streamed.splits[split].length, pairs.length, split);
      streamed.splits[split].forEach((p, i) => {
        const want = featurize(pairs[i].prompt, pairs[i].chosen, config.features);
        assert.deepEqual(poolRow(streamed.pool as RowPool, 2 * p), want, `${split} pair ${i} chosen`);
        const other = featurize(pairs[i].prompt, pairs[i].rejected, config.features);
        assert.deepEqual(poolRow(streamed.pool as RowPool, 2 * p + 1), other, `${split} pair ${i} rejected`);
      });
    }
  });
}

test("streaming honours data.maxPairs and in-memory data keeps each split's order", async () => {
  const config = loadConfig(undefined, ["data.source=jsonl", `data.path=${files.jsonl}`, "data.maxPairs=50"]);
  const limited = await loadTrainingData(config);
  assert.equal(limited.pool.rows, 100);
  const synthetic = loadConfig(undefined, ["data.synthetic.prompts=20"]);
  const dataset = await loadDataset(synthetic.data, synthetic.seed);
  const data = trainingDataFromDataset(dataset, synthetic.features);
  for (const split of SPLITS) {
    assert.equal(data.splits[split].length, dataset.pairs[split].length);
    const first = dataset.pairs[split][0];
    assert.deepEqual(
      poolRow(data.pool as RowPool, 2 * data.splits[split][0]),
      featurize(first.prompt, first.chosen, synthetic.features),
    );
  }
});

test("a duplicate id in a streamed file is an error naming its line", async () => {
  const config = loadConfig(undefined, [
    "data.source=jsonl",
    `data.path=${join(fixtures, "jsonl/duplicate-id.jsonl")}`,
  ]);
  await assert.rejects(loadTrainingData(config), /duplicate-id\.jsonl:\d+: duplicate id/);
});
