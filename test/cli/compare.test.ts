import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { align, tempDir, tinyConfig } from "./run-cli.js";

test("compare shows two runs' config differences, claims with intervals and metrics, on the terminal and as HTML", () => {
  const base = tempDir("compare");
  const [a, b] = [join(base, "a"), join(base, "b")];
  assert.equal(align("simulate", "--config", tinyConfig, "--out", a).status, 0);
  assert.equal(align("simulate", "--config", tinyConfig, "--out", b, "--set", "simulate.draws=30").status, 0);
  const page = join(base, "compare.html");
  const { status, stdout, stderr } = align("compare", a, b, "--html", page);
  assert.equal(status, 0, stderr);
  assert.match(stdout, /simulate\.draws\s+20\s+30/);
  assert.match(stdout, /theory-variance-aware-risk\s+(holds|inconclusive|does not hold): [−+]\d/);
  assert.match(stdout, /rm-disagreement\s+not measured\s+not measured/);
  assert.match(stdout, /theory: variance-aware − standard risk, KL 0\.01/);
  const html = readFileSync(page, "utf8");
  assert.match(html, /<td>simulate\.draws<\/td>\s*<td>20<\/td>\s*<td>30<\/td>/);
  assert.match(html, /<h2[^>]*>Claims<\/h2>/);
});

test("compare needs two run folders, and names a folder that is not one", () => {
  const one = align("compare", tempDir("compare-one"));
  assert.equal(one.status, 2);
  assert.match(one.stderr, /at least two run folders/);
  const dir = tempDir("compare-none");
  const none = align("compare", dir, dir);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /not a run folder \(no config\.yaml\)/);
});
