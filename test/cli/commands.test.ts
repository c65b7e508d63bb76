import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { align, tempDir, tinyConfig } from "./run-cli.js";

const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));

test("--help lists every subcommand with a description", () => {
  const { status, stdout } = align("--help");
  assert.equal(status, 0);
  for (const command of [
    "train-rm",
    "disagreement",
    "optimize",
    "simulate",
    "reproduce",
    "report",
    "compare",
    "sweep",
    "data",
  ]) {
    assert.match(stdout, new RegExp(`\\n  ${command}\\b.*\\S`), command);
  }
  const sub = align("optimize", "--help");
  assert.equal(sub.status, 0);
  assert.match(sub.stdout, /--variance-aware/);
  assert.match(sub.stdout, /--methods <list>/);
});

test("train-rm writes the members, their curves and the documented summary", () => {
  const out = tempDir("train");
  const { status, stderr } = align("train-rm", "--config", tinyConfig, "--out", out);
  assert.equal(status, 0, stderr);
  const summary = json(join(out, "reward-models/summary.json"));
  assert.match(summary.backend, /^(wasm|cpu|tensorflow)$/);
  assert.equal(summary.members.length, 3);
  for (const [m, member] of summary.members.entries()) {
    assert.equal(member.member, m);
    assert.ok(Number.isInteger(member.seeds.init) && Number.isInteger(member.seeds.order));
    assert.ok(Number.isInteger(member.seeds.bootstrap));
    assert.ok(member.testAccuracy >= 0 && member.testAccuracy <= 1);
    assert.ok(Number.isFinite(member.finalTrainLoss));
    const dir = join(out, `reward-models/member-${m}`);
    for (const file of ["weights.json", "weights.bin", "history.csv", "metrics.json"]) {
      assert.ok(existsSync(join(dir, file)), `${dir}/${file}`);
    }
    assert.equal(readFileSync(join(dir, "history.csv"), "utf8").trim().split("\n").length, 1 + 2);
  }
  // Live metrics: one line per member and epoch, finally in (member, epoch) order, as in history.csv.
  const live = readFileSync(join(out, "reward-models/metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    live.map((r: { member: number; epoch: number }) => [r.member, r.epoch]),
    [0, 1, 2].flatMap((m) => [1, 2].map((e) => [m, e])),
  );
  const [, firstRow] = readFileSync(join(out, "reward-models/member-0/history.csv"), "utf8")
    .trim()
    .split("\n");
  assert.equal(firstRow.split(",").map(Number)[1], live[0].trainLoss);
  const run = json(join(out, "run.json"));
  assert.equal(run.backend, summary.backend);
  assert.ok(existsSync(join(out, "config.yaml")) && existsSync(join(out, "run.log")));
});

test("the same seed gives byte-identical weights; another seed different ones", () => {
  const runs = ["a", "b"].map(() => tempDir("seed"));
  const other = tempDir("seed");
  for (const out of runs) assert.equal(align("train-rm", "--config", tinyConfig, "--out", out).status, 0);
  assert.equal(align("train-rm", "--config", tinyConfig, "--out", other, "--set", "seed=4").status, 0);
  const weights = (out: string, m: number) =>
    readFileSync(join(out, `reward-models/member-${m}/weights.bin`));
  const withoutTimings = (out: string) => {
    const summary = json(join(out, "reward-models/summary.json"));
    for (const member of summary.members) delete member.seconds;
    return summary;
  };
  for (let m = 0; m < 3; m++) {
    assert.ok(weights(runs[0], m).equals(weights(runs[1], m)), `member ${m} differs between identical runs`);
    assert.ok(!weights(runs[0], m).equals(weights(other, m)), `member ${m} is the same under another seed`);
  }
  assert.deepEqual(withoutTimings(runs[0]), withoutTimings(runs[1]));
});

test("data synth writes the embedded synthetic pairs as JSONL", () => {
  const file = join(tempDir("synth"), "pairs.jsonl");
  const { status, stdout } = align("data", "synth", "--out", file, "--config", tinyConfig);
  assert.equal(status, 0);
  const lines = readFileSync(file, "utf8").trim().split("\n");
  assert.match(stdout, new RegExp(`wrote ${lines.length} pairs`));
  assert.equal(lines.length, 60 * 4, "prompts × pairsPerPrompt");
  for (const key of ["id", "prompt", "chosen", "rejected"]) assert.ok(key in JSON.parse(lines[0]), key);
});

test("later stages without an ensemble end with a clear error and exit 2", () => {
  for (const command of ["disagreement", "optimize"]) {
    const out = tempDir("empty");
    const { status, stderr } = align(command, "--config", tinyConfig, "--out", out);
    assert.equal(status, 2, command);
    assert.match(stderr, /no trained ensemble here \(run `align train-rm`/);
    assert.ok(!existsSync(join(out, command, "complete.json")));
  }
});

test("disagreement and optimize run on the ensemble; optimize runs accumulate methods", () => {
  const out = tempDir("stages");
  assert.equal(align("train-rm", "--config", tinyConfig, "--out", out).status, 0);
  const disagreement = align("disagreement", "--config", tinyConfig, "--out", out);
  assert.equal(disagreement.status, 0, disagreement.stderr);
  assert.match(disagreement.stdout, /sign disagreement rate/);
  const metrics = json(join(out, "disagreement/metrics.json"));
  for (const key of [
    "members",
    "pairs",
    "accuracy",
    "marginStd",
    "signDisagreementRate",
    "meanPairwiseFlipRate",
  ]) {
    assert.ok(key in metrics, key);
  }
  for (const key of ["correlation", "rewardStd", "uncertaintyVsError", "examples"])
    assert.ok(key in metrics, key);
  assert.ok(existsSync(join(out, "disagreement/per-pair.csv")));

  assert.equal(align("optimize", "--config", tinyConfig, "--out", out).status, 0);
  assert.deepEqual(Object.keys(json(join(out, "optimize/summary.json")).methods), ["standard"]);
  const second = align("optimize", "--config", tinyConfig, "--out", out, "--variance-aware");
  assert.equal(second.status, 0, second.stderr);
  const summary = json(join(out, "optimize/summary.json"));
  assert.deepEqual(Object.keys(summary.methods).sort(), ["standard", "variance-aware"]);
  for (const method of ["standard", "variance-aware"]) {
    const budgets = summary.methods[method].budgets;
    assert.deepEqual(
      budgets.map((b: { kl: number }) => b.kl),
      [0.1, 0.5],
    );
    for (const b of budgets) {
      for (const key of ["trials", "meanImprovement", "stdImprovement", "risk", "promptRisk", "cvar10"]) {
        assert.ok(Number.isFinite(b[key]), `${method} ${key}`);
      }
      assert.equal(b.trials, 3);
    }
  }
  const trials = readFileSync(join(out, "optimize/trials.csv"), "utf8").trim().split("\n");
  assert.ok(trials[0].startsWith("method,"));
  assert.ok(trials.some((row) => row.startsWith("variance-aware,")));
  assert.equal(align("optimize", "--config", tinyConfig, "--out", out, "--methods", "bogus").status, 2);
});

test("optimize.repeats trains fresh ensembles and numbers their trials across repeats", () => {
  const out = tempDir("repeats");
  const repeats = ["--set", "optimize.repeats=2"];
  assert.equal(align("train-rm", "--config", tinyConfig, "--out", out, ...repeats).status, 0);
  const result = align(
    "optimize",
    "--config",
    tinyConfig,
    "--out",
    out,
    ...repeats,
    "--methods",
    "standard,mean",
  );
  assert.equal(result.status, 0, result.stderr);
  assert.ok(existsSync(join(out, "optimize/ensembles/repeat-1/summary.json")));
  const summary = json(join(out, "optimize/summary.json"));
  assert.equal(summary.methods.standard.budgets[0].trials, 6, "3 members × 2 repeats");
  assert.equal(summary.methods.mean.budgets[0].trials, 2, "one ensemble trial per repeat");
  const first = readFileSync(join(out, "reward-models/member-0/weights.bin"));
  const fresh = readFileSync(join(out, "optimize/ensembles/repeat-1/member-0/weights.bin"));
  assert.ok(!first.equals(fresh), "a repeat's members have their own seeds");
});

const escapeHtml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

test("reproduce runs every stage, writes the report and claims, and --check follows the required claims", () => {
  const out = tempDir("reproduce");
  const { status, stdout, stderr } = align("reproduce", "--config", tinyConfig, "--out", out, "--check");
  assert.equal(status, 0, stderr);
  assert.match(stdout, /report: .*report\.md/);
  const { claims } = json(join(out, "claims.json"));
  assert.deepEqual(
    claims.map((c: { id: string }) => c.id),
    ["rm-disagreement", "overoptimisation-risk", "variance-aware-lowers-risk", "theory-variance-aware-risk"],
  );
  for (const claim of claims) {
    assert.ok(typeof claim.holds === "boolean" && claim.statement && claim.evidence);
    assert.ok(["holds", "does not hold", "inconclusive"].includes(claim.verdict), claim.verdict);
    assert.equal(claim.holds, claim.verdict === "holds");
    assert.ok(claim.interval.lo <= claim.interval.estimate && claim.interval.estimate <= claim.interval.hi);
    assert.ok(claim.test && Object.keys(claim.sampleSizes).length > 0);
    // The same interval on the terminal and in the report.
    assert.ok(stdout.includes(`${claim.id}`) && stdout.includes(claim.measured), claim.id);
  }
  assert.match(stdout, /\d of 4 hold/);
  const report = readFileSync(join(out, "report.md"), "utf8");
  assert.match(report, /## The paper's claims on this run/);
  assert.match(report, /\d of 4 hold/);
  assert.match(report, /!\[disagreement\/example-scores\.png\]\(disagreement\/example-scores\.png\)/);
  const html = readFileSync(join(out, "report.html"), "utf8");
  assert.match(html, /<img[^>]+src="data:image\/png;base64,/);
  for (const claim of claims) assert.ok(html.includes(escapeHtml(claim.measured)), claim.id);

  // --check fails on a required claim that does not hold, and only says so for an inconclusive one.
  const required = (id: string) =>
    align(
      "reproduce",
      "--config",
      tinyConfig,
      "--out",
      out,
      "--check",
      "--set",
      `report.requiredClaims=[${id}]`,
      "--force",
    );
  const failing = claims.find((c: { verdict: string }) => c.verdict === "does not hold");
  if (failing !== undefined) {
    const check = required(failing.id);
    assert.equal(check.status, 3, check.stderr);
    assert.match(check.stderr, new RegExp(`required claim\\(s\\) that do not hold: ${failing.id}`));
  }
  const open = claims.find((c: { verdict: string }) => c.verdict === "inconclusive");
  if (open !== undefined) {
    const check = required(open.id);
    assert.equal(check.status, 0, check.stderr);
    assert.match(
      check.stderr,
      new RegExp(`required claim\\(s\\) inconclusive \\(not a failure\\): ${open.id}`),
    );
  }
  const rebuilt = align("report", "--out", out);
  assert.equal(rebuilt.status, 0, rebuilt.stderr);
});

test("simulate writes the Monte-Carlo risks beside the closed forms", () => {
  const out = tempDir("simulate");
  const { status, stdout } = align("simulate", "--config", tinyConfig, "--out", out);
  assert.equal(status, 0);
  assert.match(stdout, /closed forms/);
  const summary = json(join(out, "simulate/summary.json"));
  assert.equal(summary.budgets.length, 2);
  assert.ok(summary.closedForm.varianceAware <= summary.closedForm.standard);
  for (const plot of ["risk-vs-kl", "risk-vs-members"]) {
    const png = readFileSync(join(out, `simulate/${plot}.png`));
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.match(readFileSync(join(out, `simulate/${plot}.svg`), "utf8"), /^<svg/);
  }
});

test("a run folder made from another config is refused unless --force", () => {
  const out = tempDir("refuse");
  assert.equal(align("simulate", "--config", tinyConfig, "--out", out).status, 0);
  const refused = align("simulate", "--config", tinyConfig, "--out", out, "--set", "simulate.draws=21");
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /holds a run made from a different config \(differs at simulate\.draws\)/);
  const forced = align(
    "simulate",
    "--config",
    tinyConfig,
    "--out",
    out,
    "--set",
    "simulate.draws=21",
    "--force",
  );
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(json(join(out, "simulate/summary.json")).draws, 21);
});
