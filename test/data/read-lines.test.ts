import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { readLines } from "../../src/data/read-lines.js";
import { fixture, userError } from "./fixture.js";

async function allLines(file: string): Promise<{ line: number; text: string }[]> {
  const lines: { line: number; text: string }[] = [];
  for await (const line of readLines(file)) lines.push(line);
  return lines;
}

test("readLines numbers lines, strips CR, keeps blank lines and a last line without newline", async () => {
  const lines = await allLines(fixture("jsonl/good.jsonl"));
  assert.deepEqual(
    lines.map((l) => l.line),
    [1, 2, 3, 4],
  );
  assert.equal(lines[1].text, "");
  assert.ok(lines[2].text.endsWith("}"), "the CR of a CRLF ending is removed");
  assert.ok(lines[3].text.startsWith('{"prompt": "Say hi'));
});

test("readLines reads .gz files to the same lines", async () => {
  assert.deepEqual(
    await allLines(fixture("jsonl/good.jsonl.gz")),
    await allLines(fixture("jsonl/good.jsonl")),
  );
});

test("readLines joins lines and multi-byte characters split across stream chunks", async () => {
  const dir = mkdtempSync(join(tmpdir(), "align-lines-"));
  try {
    // ~300 KiB of lines of varying length with 2-, 3- and 4-byte characters: many chunk boundaries fall mid-line.
    const expected = Array.from({ length: 3000 }, (_, i) => `${i} é€😀 ${"x".repeat(i % 157)}`);
    const text = `${expected.join("\n")}\n`;
    writeFileSync(join(dir, "big.txt"), text);
    writeFileSync(join(dir, "big.txt.gz"), gzipSync(text));
    for (const name of ["big.txt", "big.txt.gz"]) {
      const lines = await allLines(join(dir, name));
      assert.deepEqual(
        lines.map((l) => l.text),
        expected,
      );
      assert.equal(lines[2999].line, 3000);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("readLines names the line holding bytes that are not UTF-8", async () => {
  await assert.rejects(
    allLines(fixture("jsonl/non-utf8.jsonl")),
    userError(/non-utf8\.jsonl:2: .*not valid UTF-8/),
  );
});

test("readLines names a truncated or non-gzip .gz file", async () => {
  await assert.rejects(
    allLines(fixture("jsonl/truncated.jsonl.gz")),
    userError(/truncated\.jsonl\.gz: not a valid gzip/),
  );
  await assert.rejects(
    allLines(fixture("jsonl/not-gzip.jsonl.gz")),
    userError(/not-gzip\.jsonl\.gz: not a valid gzip/),
  );
});

test("readLines names a missing file", async () => {
  await assert.rejects(allLines(fixture("jsonl/absent.jsonl")), userError(/absent\.jsonl: no such file/));
  await assert.rejects(
    allLines(fixture("jsonl/absent.jsonl.gz")),
    userError(/absent\.jsonl\.gz: no such file/),
  );
});
