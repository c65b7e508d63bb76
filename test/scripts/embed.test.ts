import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readEmbeddings } from "../../src/features/embeddings.js";
import { align, tempDir, tinyConfig } from "../cli/run-cli.js";
import { makeEmbeddingWorld, writeNpy } from "../features/embedding-world.js";
import { repoPath } from "./paths.js";

/** A python with numpy: Debian's (python3-numpy) or the one on PATH. */
const python = ["/usr/bin/python3", "python3"].find(
  (p) => spawnSync(p, ["-c", "import numpy"], { stdio: "ignore" }).status === 0,
);
const skip = python === undefined ? "no python3 with numpy (apt-get install python3-numpy)" : false;

/** Writes the world's vectors through scripts/embed.py's writer, in the row order of its own text reader. */
const writer = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import embed
pairs, world_index, vectors, dimension, out = sys.argv[2:7]
rows = {json.loads(line)["text"]: i for i, line in enumerate(open(world_index, encoding="utf-8"))}
matrix = np.fromfile(vectors, dtype="<f4").reshape(len(rows), int(dimension))
texts = embed.read_texts(pairs)
assert sorted(texts) == sorted(rows), "read_texts finds every prompt and response of the pairs"
ordered = matrix[[rows[t] for t in texts]]
for name, dtype in [("f32.npy", "float32"), ("f16.npy", "float16"), ("f32.safetensors", "float32"), ("f16.safetensors", "float16")]:
    embed.write_embeddings(ordered, texts, f"{out}/{name}", f"{out}/{name}.index.jsonl", dtype)
`;

test("scripts/embed.py writes .npy and .safetensors, float32 and float16, that align reads back row for row", {
  skip,
}, () => {
  const dir = tempDir("embed-py");
  const world = makeEmbeddingWorld(dir);
  const { index } = writeNpy(world, dir);
  const vectors = join(dir, "vectors.f32");
  writeFileSync(vectors, Buffer.from(world.vectors.buffer));
  const script = join(dir, "writer.py");
  writeFileSync(script, writer);
  const result = spawnSync(
    python as string,
    [script, repoPath("scripts"), world.pairs, index, vectors, String(world.dimension), dir],
    { encoding: "utf8" },
  );
  assert.equal(result.status, 0, result.stderr);
  const rowOf = new Map(world.texts.map((t, i) => [t, i]));
  for (const name of ["f32.npy", "f16.npy", "f32.safetensors", "f16.safetensors"]) {
    const table = readEmbeddings({ path: join(dir, name), index: join(dir, `${name}.index.jsonl`) });
    assert.equal(table.rows, world.texts.length, name);
    assert.equal(table.dimension, world.dimension, name);
    const tolerance = name.startsWith("f16") ? 2e-3 : 0;
    for (const [text, r] of table.rowOf) {
      const want = world.vectors.subarray(
        (rowOf.get(text) as number) * world.dimension,
        ((rowOf.get(text) as number) + 1) * world.dimension,
      );
      const got = table.data.subarray(r * world.dimension, (r + 1) * world.dimension);
      got.forEach((v, j) => {
        assert.ok(
          Math.abs(v - want[j]) <= tolerance * Math.max(1, Math.abs(want[j])),
          `${name} ${text}[${j}]`,
        );
      });
    }
  }
  const out = join(dir, "out");
  const trained = align(
    "train-rm",
    "--config",
    tinyConfig,
    "--out",
    out,
    ...[
      "data.source=jsonl",
      `data.path=${world.pairs}`,
      "features.source=embeddings",
      `features.embeddings.path=${join(dir, "f16.safetensors")}`,
      `features.embeddings.index=${join(dir, "f16.safetensors.index.jsonl")}`,
      "rewardModel.epochs=8",
      "rewardModel.learningRate=0.05",
    ].flatMap((s) => ["--set", s]),
  );
  assert.equal(trained.status, 0, trained.stderr);
  const summary = JSON.parse(readFileSync(join(out, "reward-models/summary.json"), "utf8"));
  assert.ok(summary.testAccuracy.min > 0.75, JSON.stringify(summary.testAccuracy));
});

test("scripts/embed.py's --help documents the command", { skip }, () => {
  const result = spawnSync(python as string, [repoPath("scripts/embed.py"), "--help"], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /--model/);
});
