import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { align, tempDir, tinyConfig } from "./run-cli.js";

test("labels without signal: rm-disagreement is inconclusive, members at chance, and the report says why", () => {
  const out = tempDir("chance");
  const run = align(
    "reproduce",
    "--config",
    tinyConfig,
    "--out",
    out,
    "--set",
    "stages=[train-rm,disagreement]",
    "--set",
    "data.synthetic.labelFlipRate=0.5",
    "--set",
    "report.requiredClaims=[rm-disagreement]",
    "--check",
  );
  assert.equal(run.status, 0, "inconclusive is not a failure of --check");
  assert.match(run.stderr, /required claim\(s\) inconclusive \(not a failure\): rm-disagreement/);
  assert.match(run.stdout, /rm-disagreement \(required\): inconclusive — sign-disagreement rate: [\d.]+% \[/);
  assert.match(run.stdout, /why: members at chance accuracy/);
  const { claims, tally } = JSON.parse(readFileSync(join(out, "claims.json"), "utf8"));
  const claim = claims[0];
  assert.equal(claim.verdict, "inconclusive");
  assert.equal(claim.holds, false);
  assert.match(claim.reason, /chance/);
  assert.equal(tally, "0 of 4 hold, 1 inconclusive, 3 not measured");
  assert.match(
    readFileSync(join(out, "report.md"), "utf8"),
    /verdict-inconclusive">inconclusive<\/span>: members at chance accuracy/,
  );
});
