/** `align compare`: run folders side by side: where their configs differ, every claim, the key metrics. */

import { resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { disagreementStage } from "../disagreement/stage.js";
import { optimizeStage } from "../optimize/stage.js";
import { configDifferences, flatten } from "../run/folder.js";
import { markdownTable, textTable } from "../runtime/table.js";
import { simulateStage } from "../simulate/stage.js";
import type { Interval } from "../stats/bootstrap.js";
import { type Claim, evaluateClaims, formatInterval, verdictTally } from "./claims.js";
import { type RunFiles, readRunFiles, summaryOf } from "./run-files.js";

export interface ComparedRun {
  out: string;
  config: Config;
  files: RunFiles;
  claims: Claim[];
}

/** Reads each folder and judges its claims with its own config's thresholds, from the metrics on disk. */
export function readComparedRun(out: string): ComparedRun {
  const files = readRunFiles(out);
  const config = loadConfig(resolve(out, "config.yaml"));
  const claims = evaluateClaims({
    disagreement: summaryOf(files, disagreementStage),
    optimize: summaryOf(files, optimizeStage),
    simulate: summaryOf(files, simulateStage),
    report: config.report,
  });
  return { out, config, files, claims };
}

const MISSING = "—";
const pct = (i: Interval | undefined) =>
  i === undefined ? MISSING : `${(100 * i.estimate).toFixed(1)}% ${formatInterval(i)}`;
const points = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}`;
const pp = (i: Interval | undefined) =>
  i === undefined ? MISSING : `${points(i.estimate)} ${formatInterval(i, points)} pp`;

/** Keys whose values differ between any two runs, with each run's value; header first. */
export function differenceRows(runs: readonly ComparedRun[]): string[][] {
  const keys = new Set<string>();
  for (const run of runs.slice(1)) for (const k of configDifferences(runs[0].config, run.config)) keys.add(k);
  const flat = runs.map((r) => flatten(r.config));
  return [
    ["config key", ...runs.map((_, i) => `run ${i + 1}`)],
    ...[...keys].sort().map((key) => [key, ...flat.map((f) => f.get(key) ?? MISSING)]),
  ];
}

/** Each claim's verdict and the interval that decides it, per run; header first. */
export function claimRows(runs: readonly ComparedRun[]): string[][] {
  const ids = [...new Set(runs.flatMap((r) => r.claims.map((c) => c.id)))];
  const cell = (claim: Claim | undefined) => {
    if (claim === undefined || claim.verdict === "not measured") return "not measured";
    const i = claim.interval;
    if (i === null) return claim.verdict;
    return `${claim.verdict}: ${i.kind === "difference" ? pp(i) : pct(i)}`;
  };
  return [
    ["claim", ...runs.map((_, i) => `run ${i + 1}`)],
    ...ids.map((id) => [id, ...runs.map((r) => cell(r.claims.find((c) => c.id === id)))]),
    ["tally", ...runs.map((r) => verdictTally(r.claims))],
  ];
}

/** The metrics behind the claims, per run, each with its 95% interval; header first. */
export function metricRows(runs: readonly ComparedRun[]): string[][] {
  const rows: [string, (r: ComparedRun) => string][] = [
    ["reward models", (r) => String(summaryOf(r.files, disagreementStage)?.members ?? MISSING)],
    [
      "held-out pairs (prompts)",
      (r) => {
        const d = summaryOf(r.files, disagreementStage);
        return d ? `${d.pairs} (${d.prompts})` : MISSING;
      },
    ],
    ["mean member accuracy", (r) => pct(summaryOf(r.files, disagreementStage)?.intervals?.accuracyMean)],
    [
      "sign-disagreement rate",
      (r) => pct(summaryOf(r.files, disagreementStage)?.intervals?.signDisagreementRate),
    ],
  ];
  const budgets = [
    ...new Set(
      runs.flatMap((r) =>
        (summaryOf(r.files, optimizeStage)?.methods.standard?.budgets ?? []).map((b) => b.kl),
      ),
    ),
  ].sort((a, b) => a - b);
  for (const kl of budgets) {
    const standard = (r: ComparedRun) =>
      summaryOf(r.files, optimizeStage)?.methods.standard?.budgets.find((b) => b.kl === kl);
    rows.push([`standard prompt risk, KL ${kl}`, (r) => pct(standard(r)?.intervals?.promptRisk)]);
    rows.push([
      `variance-aware − standard prompt risk, KL ${kl}`,
      (r) =>
        pp(
          summaryOf(r.files, optimizeStage)?.differences?.["variance-aware"]?.budgets.find((b) => b.kl === kl)
            ?.promptRisk,
        ),
    ]);
  }
  const simulated = [
    ...new Set(runs.flatMap((r) => (summaryOf(r.files, simulateStage)?.budgets ?? []).map((b) => b.kl))),
  ];
  for (const kl of simulated.sort((a, b) => a - b)) {
    rows.push([
      `theory: variance-aware − standard risk, KL ${kl}`,
      (r) => pp(summaryOf(r.files, simulateStage)?.budgets.find((b) => b.kl === kl)?.difference),
    ]);
  }
  return [
    ["metric [95% interval]", ...runs.map((_, i) => `run ${i + 1}`)],
    ...rows.map(([name, f]) => [name, ...runs.map(f)]),
  ];
}

function legend(runs: readonly ComparedRun[]): string[] {
  return runs.map((r, i) => `run ${i + 1}: ${r.out} (${r.config.name}, seed ${r.config.seed})`);
}

/** The comparison as plain-text tables for the terminal. */
export function compareText(runs: readonly ComparedRun[]): string {
  const differences = differenceRows(runs);
  return [
    legend(runs).join("\n"),
    differences.length > 1 ? `Config differences\n${textTable(differences)}` : "Config differences: none",
    `Claims (verdict: effect [95% interval])\n${textTable(claimRows(runs))}`,
    `Key metrics\n${textTable(metricRows(runs))}`,
  ].join("\n\n");
}

/** The comparison as markdown, for the HTML page. */
export function compareMarkdown(runs: readonly ComparedRun[]): string {
  const table = (rows: string[][]) => markdownTable(rows[0], rows.slice(1));
  const differences = differenceRows(runs);
  return [
    "# align compare",
    legend(runs)
      .map((line) => `- ${line}`)
      .join("\n"),
    "## Config differences",
    differences.length > 1 ? table(differences) : "None: the runs share every config key.",
    "## Claims",
    "Verdict: the effect that decides it, with its 95% interval (see each run's report for the criteria).",
    table(claimRows(runs)),
    "## Key metrics",
    table(metricRows(runs)),
  ].join("\n\n");
}
