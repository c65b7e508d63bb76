import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { after, before, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { readAlpacaEvalSets } from "../../src/data/alpaca-eval.js";
import { readHhRlhfPairs } from "../../src/data/hh-rlhf.js";
import { collectRecords } from "../../src/data/records.js";
import { repoPath } from "./paths.js";

/**
 * Runs scripts/fetch-data.sh against a local HTTP server that serves test/fixtures/fetch/ the way Hugging Face
 * and GitHub serve the real files, so the whole download, check and conversion path runs offline.
 */

const SCRIPT = repoPath("scripts/fetch-data.sh");
const FIXTURES = repoPath("test/fixtures/fetch");
const MODELS = "alpaca-7b,vicuna-7b,gpt4_1106_preview";
const HAS_CURL = spawnSync("curl", ["--version"]).error === undefined;

/** Serves FIXTURES; /not-gzip/… answers 200 with an HTML page, as a captive portal or an error page would. */
const server = createServer((request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname));
  if (path.startsWith("/not-gzip/")) {
    response.writeHead(200, { "content-type": "text/html" }).end("<html>Sign in to continue</html>");
    return;
  }
  const file = join(FIXTURES, path);
  if (!file.startsWith(`${FIXTURES}/`) || !existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404).end("Not Found");
    return;
  }
  response.writeHead(200);
  createReadStream(file).pipe(response);
});
let base = "";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the script into DEST (asynchronously: the server answers on this process's event loop). */
function fetchData(dest: string, env: Record<string, string> = {}): Promise<Result> {
  const inherited = { ...process.env };
  // A proxy set in the environment would route 127.0.0.1 away from the test server.
  for (const key of ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]) {
    delete inherited[key];
  }
  return new Promise((resolve) => {
    execFile(
      "bash",
      [SCRIPT, dest],
      {
        env: {
          ...inherited,
          ALIGN_HH_RLHF_URL: `${base}/hh-rlhf`,
          ALIGN_ALPACA_EVAL_URL: `${base}/alpaca-eval`,
          ALIGN_ALPACA_EVAL_MODELS: MODELS,
          ...env,
        },
      },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : 1,
          stdout,
          stderr,
        });
      },
    );
  });
}

/** Every path under `dir`, relative, sorted: shows leftovers such as temporary files. */
function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

const skip = HAS_CURL ? false : "curl is not installed: scripts/fetch-data.sh needs it";

describe("scripts/fetch-data.sh", { skip }, () => {
  let temporary = "";
  before(async () => {
    temporary = mkdtempSync(join(tmpdir(), "align-fetch-"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    rmSync(temporary, { recursive: true, force: true });
  });

  test("downloads HH-RLHF, converts AlpacaEval annotations, and the readers read both", async () => {
    const dest = join(temporary, "ok");
    const result = await fetchData(dest);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(listTree(dest), [
      "alpaca-eval",
      "alpaca-eval/candidates.jsonl.gz",
      "hh-rlhf",
      "hh-rlhf/harmless-base-test.jsonl.gz",
      "hh-rlhf/helpful-base-test.jsonl.gz",
    ]);
    for (const file of ["hh-rlhf/helpful-base-test.jsonl.gz", "alpaca-eval/candidates.jsonl.gz"]) {
      assert.match(result.stdout, new RegExp(`wrote ${join(dest, file)} \\(\\d+ bytes\\)`));
    }
    assert.match(result.stdout, /3 instructions, 8 candidates \(dropped no-preference: 1\)/);

    const helpful = join(dest, "hh-rlhf/helpful-base-test.jsonl.gz");
    assert.deepEqual(
      readFileSync(helpful),
      readFileSync(join(FIXTURES, "hh-rlhf/helpful-base/test.jsonl.gz")),
    );
    const pairs = await collectRecords(readHhRlhfPairs(helpful, "drop"), helpful);
    assert.equal(pairs.values.length, 2);
    assert.deepEqual(pairs.dropped, { "identical-chosen-rejected": 1 });
    assert.equal(pairs.values[1].chosen, "Rome.");
    const harmless = join(dest, "hh-rlhf/harmless-base-test.jsonl.gz");
    assert.equal((await collectRecords(readHhRlhfPairs(harmless, "drop"), harmless)).values.length, 2);

    const candidates = join(dest, "alpaca-eval/candidates.jsonl.gz");
    const sets = (await collectRecords(readAlpacaEvalSets(candidates, "drop"), candidates)).values;
    // Instructions sorted, candidates sorted by generator; preference = alpaca_eval's preference − 1
    // (1.0000114788 → 0.000011, 1.75 → 0.75, 2 → 1, 1.25 → 0.25, 1.5 → 0.5, the legacy draw 0 → 0.5, null dropped).
    const rewards = sets.map((set) => [set.id, set.prompt, set.candidates.map((c) => [c.id, c.trueReward])]);
    assert.deepEqual(rewards, [
      [
        "alpaca-eval-0000",
        "How many legs does a spider have?",
        [
          ["alpaca-7b", 0.000011],
          ["gpt4_1106_preview", 0.5],
          ["vicuna-7b", 0.75],
        ],
      ],
      [
        "alpaca-eval-0001",
        "Name a primary colour.",
        [
          ["alpaca-7b", 1],
          ["gpt4_1106_preview", 0.5],
          ["vicuna-7b", 0.5],
        ],
      ],
      [
        "alpaca-eval-0002",
        "Write a haiku about rain.",
        [
          ["gpt4_1106_preview", 0.5],
          ["vicuna-7b", 0.25],
        ],
      ],
    ]);
    const [first] = gunzipSync(readFileSync(candidates)).toString("utf8").split("\n");
    const line = JSON.parse(first);
    assert.deepEqual(Object.keys(line), [
      "id",
      "instruction",
      "dataset",
      "reference_generator",
      "reference_output",
      "candidates",
    ]);
    assert.equal(line.dataset, "helpful_base");
    assert.equal(line.reference_generator, "gpt4_1106_preview");
    assert.equal(line.reference_output, "A spider has eight legs.");
    assert.equal(line.candidates[2].output, "Eight: spiders are arachnids, not insects, which have six.");

    // A second run keeps what is there (without any server: nothing is downloaded).
    const again = await fetchData(dest, { ALIGN_HH_RLHF_URL: "http://127.0.0.1:9/none" });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.match(/^kept .* \(already present\)$/gm)?.length, 3);
  });

  test("a 404 on an annotation file fails with the URL and leaves no candidate file", async () => {
    const dest = join(temporary, "missing-model");
    const result = await fetchData(dest, { ALIGN_ALPACA_EVAL_MODELS: "alpaca-7b,no-such-model" });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /404/);
    assert.match(
      result.stderr,
      /fetch-data: error: could not download http:\/\/127\.0\.0\.1:\d+\/alpaca-eval\/no-such-model\/weighted_alpaca_eval_gpt4_turbo\/annotations\.json/,
    );
    // The HH-RLHF files came first and are complete; nothing of the AlpacaEval step remains.
    assert.deepEqual(listTree(dest), [
      "alpaca-eval",
      "hh-rlhf",
      "hh-rlhf/harmless-base-test.jsonl.gz",
      "hh-rlhf/helpful-base-test.jsonl.gz",
    ]);
  });

  test("a 404 on HH-RLHF fails before writing anything", async () => {
    const dest = join(temporary, "missing-hh");
    const result = await fetchData(dest, { ALIGN_HH_RLHF_URL: `${base}/nowhere` });
    assert.notEqual(result.code, 0);
    assert.match(
      result.stderr,
      /could not download http:\/\/127\.0\.0\.1:\d+\/nowhere\/helpful-base\/test\.jsonl\.gz/,
    );
    assert.deepEqual(listTree(dest), ["alpaca-eval", "hh-rlhf"]);
  });

  test("a download that is not gzip (an HTML page) is refused and not kept", async () => {
    const dest = join(temporary, "not-gzip");
    const result = await fetchData(dest, { ALIGN_HH_RLHF_URL: `${base}/not-gzip` });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /helpful-base-test\.jsonl\.gz is not a valid gzip file/);
    assert.deepEqual(listTree(dest), ["alpaca-eval", "hh-rlhf"]);
  });

  test("a model name that could escape the URL or the folder is refused", async () => {
    const dest = join(temporary, "bad-model");
    const result = await fetchData(dest, { ALIGN_ALPACA_EVAL_MODELS: "alpaca-7b,../secrets" });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /invalid model name '\.\.\/secrets'/);
    assert.equal(existsSync(dest), false);
  });
});
