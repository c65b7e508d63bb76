import type { OptimizeSummary } from "../optimize/run.js";
import { formatNumber as f, textTable } from "../runtime/table.js";
import type { SimulationSummary } from "../simulate/run.js";

/** The spread over trials, n/a where one trial leaves it undefined. */
function spread(b: { trials: number; stdImprovement: number }): string {
  return b.trials < 2 ? "n/a" : f(b.stdImprovement, 4);
}

/** Per method and KL budget: true improvement, risks and proxy improvement; the first row is the header. */
export function optimizeRows(summary: OptimizeSummary): string[][] {
  const rows = [["method", "KL", "trials", "mean Δ", "std Δ", "risk", "prompt risk", "CVaR10", "proxy Δ"]];
  for (const [method, result] of Object.entries(summary.methods)) {
    for (const b of result?.budgets ?? []) {
      rows.push([
        method,
        String(b.kl),
        String(b.trials),
        f(b.meanImprovement, 4),
        spread(b),
        f(b.risk),
        f(b.promptRisk),
        f(b.cvar10, 4),
        f(b.proxyImprovement, 4),
      ]);
    }
  }
  return rows;
}

/** Standard versus variance-aware at each shared budget: the trade-off behind claim 3; header first. */
export function comparisonRows(summary: OptimizeSummary): string[][] {
  const standard = summary.methods.standard?.budgets ?? [];
  const aware = summary.methods["variance-aware"]?.budgets ?? [];
  const rows = [
    ["KL", "prompt risk (std / VA)", "std Δ (std / VA)", "mean Δ (std / VA)", "CVaR10 (std / VA)"],
  ];
  for (const s of standard) {
    const v = aware.find((b) => b.kl === s.kl);
    if (v === undefined) continue;
    rows.push([
      String(s.kl),
      `${f(s.promptRisk)} / ${f(v.promptRisk)}`,
      `${spread(s)} / ${spread(v)}`,
      `${f(s.meanImprovement, 4)} / ${f(v.meanImprovement, 4)}`,
      `${f(s.cvar10, 4)} / ${f(v.cvar10, 4)}`,
    ]);
  }
  return rows;
}

/** Monte-Carlo risk of both methods per budget; the first row is the header. */
export function simulateRows(s: SimulationSummary): string[][] {
  const rows = [["KL", "risk standard", "± se", "risk variance-aware", "± se"]];
  for (const b of s.budgets) {
    rows.push([
      String(b.kl),
      f(b.standard.risk),
      f(b.standard.standardError),
      f(b.varianceAware.risk),
      f(b.varianceAware.standardError),
    ]);
  }
  return rows;
}

export function closedFormLine(s: SimulationSummary): string {
  return `closed forms (linearised): standard ${f(s.closedForm.standard)}, variance-aware ${f(s.closedForm.varianceAware)}`;
}

export function optimizeTable(summary: OptimizeSummary): string {
  return `Policy optimisation at matched KL (Δ = true-reward improvement over the reference policy)\n${textTable(optimizeRows(summary))}`;
}

export function simulateTable(s: SimulationSummary): string {
  const title = `Theoretical model: K = ${s.responses}, ${s.instances} instances × ${s.draws} draws`;
  return [title, textTable(simulateRows(s)), closedFormLine(s)].join("\n");
}
