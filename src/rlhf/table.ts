import { formatNumber as f, textTable } from "../runtime/table.js";
import type { RlhfSummary } from "./summary.js";

/** Per method and matched KL: trials reached, gold Δ (mean, std), risk, prompt risk, CVaR10, proxy Δ; header first. */
export function rlhfRows(summary: RlhfSummary): string[][] {
  const rows = [
    ["method", "KL", "trials", "unreached", "mean Δ", "std Δ", "risk", "prompt risk", "CVaR10", "proxy Δ"],
  ];
  for (const [method, result] of Object.entries(summary.methods)) {
    for (const b of result?.budgets ?? []) {
      rows.push([
        method,
        String(b.kl),
        String(b.trials),
        String(b.unreached),
        f(b.meanImprovement),
        f(b.stdImprovement),
        f(b.risk),
        f(b.promptRisk),
        f(b.cvar10),
        f(b.proxyImprovement),
      ]);
    }
  }
  return rows;
}

/** Per method: each trial's final KL, gold J(π) ± se and proxy. */
export function rlhfFinalRows(summary: RlhfSummary): string[][] {
  const rows = [["method", "trial", "KL", "gold J(π)", "± se", "proxy"]];
  for (const [method, result] of Object.entries(summary.methods)) {
    (result?.final ?? []).forEach((c, trial) => {
      rows.push([method, String(trial), f(c.kl), f(c.gold), f(c.goldSe), f(c.proxy)]);
    });
  }
  return rows;
}

export function rlhfTable(summary: RlhfSummary | undefined): string {
  if (summary === undefined) return "";
  return `${textTable(rlhfRows(summary))}\n\nfinal checkpoints:\n${textTable(rlhfFinalRows(summary))}`;
}
