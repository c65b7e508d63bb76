import type { OptimizeSummary } from "../optimize/run.js";
import { formatNumber as f, textTable } from "../runtime/table.js";
import type { SimulationSummary } from "../simulate/run.js";
import type { Interval } from "../stats/bootstrap.js";

/** A value with its 95% interval, e.g. "0.031 [0.012, 0.055]"; the bare value when there is none. */
export function withInterval(value: number, interval: Interval | undefined, digits = 3): string {
  if (interval === undefined) return f(value, digits);
  return `${f(value, digits)} [${f(interval.lo, digits)}, ${f(interval.hi, digits)}]`;
}

/** Per method and KL budget: true improvement, risks and proxy improvement; the first row is the header. */
export function optimizeRows(summary: OptimizeSummary): string[][] {
  const rows = [
    [
      "method",
      "KL",
      "trials",
      "mean Δ [95%]",
      "std Δ [95%]",
      "risk [95%]",
      "prompt risk [95%]",
      "CVaR10",
      "proxy Δ",
    ],
  ];
  for (const [method, result] of Object.entries(summary.methods)) {
    for (const b of result?.budgets ?? []) {
      rows.push([
        method,
        String(b.kl),
        String(b.trials),
        withInterval(b.meanImprovement, b.intervals?.meanImprovement, 4),
        withInterval(b.stdImprovement, b.intervals?.stdImprovement, 4),
        withInterval(b.risk, b.intervals?.risk),
        withInterval(b.promptRisk, b.intervals?.promptRisk),
        f(b.cvar10, 4),
        f(b.proxyImprovement, 4),
      ]);
    }
  }
  return rows;
}

/**
 * Standard versus variance-aware at each shared budget: the trade-off behind claim 3, with the paired
 * interval of each difference (variance-aware − standard); header first.
 */
export function comparisonRows(summary: OptimizeSummary): string[][] {
  const standard = summary.methods.standard?.budgets ?? [];
  const aware = summary.methods["variance-aware"]?.budgets ?? [];
  const differences = summary.differences?.["variance-aware"]?.budgets ?? [];
  const rows = [
    [
      "KL",
      "prompt risk (std / VA)",
      "VA − std [95%]",
      "std Δ (std / VA)",
      "VA − std [95%]",
      "mean Δ (std / VA)",
      "VA − std [95%]",
    ],
  ];
  for (const s of standard) {
    const v = aware.find((b) => b.kl === s.kl);
    if (v === undefined) continue;
    const d = differences.find((b) => b.kl === s.kl);
    const diff = (interval: Interval | undefined, digits = 3) =>
      interval === undefined ? "n/a" : withInterval(interval.estimate, interval, digits);
    rows.push([
      String(s.kl),
      `${f(s.promptRisk)} / ${f(v.promptRisk)}`,
      diff(d?.promptRisk),
      `${f(s.stdImprovement, 4)} / ${f(v.stdImprovement, 4)}`,
      diff(d?.stdImprovement, 4),
      `${f(s.meanImprovement, 4)} / ${f(v.meanImprovement, 4)}`,
      diff(d?.meanImprovement, 4),
    ]);
  }
  return rows;
}

/** Monte-Carlo risk of both methods per budget, with intervals and their paired difference; header first. */
export function simulateRows(s: SimulationSummary): string[][] {
  const rows = [["KL", "risk standard [95%]", "risk variance-aware [95%]", "VA − standard [95%]"]];
  for (const b of s.budgets) {
    rows.push([
      String(b.kl),
      withInterval(b.standard.risk, b.standard.interval, 4),
      withInterval(b.varianceAware.risk, b.varianceAware.interval, 4),
      b.difference === undefined ? "n/a" : withInterval(b.difference.estimate, b.difference, 4),
    ]);
  }
  return rows;
}

export function closedFormLine(s: SimulationSummary): string {
  return `closed forms (linearised): standard ${f(s.closedForm.standard)}, variance-aware ${f(s.closedForm.varianceAware)}`;
}

export function optimizeTable(summary: OptimizeSummary): string {
  return `Policy optimisation at matched KL (Δ = true-reward improvement over the reference policy; [95% bootstrap interval])\n${textTable(optimizeRows(summary))}`;
}

export function simulateTable(s: SimulationSummary): string {
  const title = `Theoretical model: K = ${s.responses}, ${s.instances} instances × ${s.draws} draws; [95% bootstrap over instances]`;
  return [title, textTable(simulateRows(s)), closedFormLine(s)].join("\n");
}
