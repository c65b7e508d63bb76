import type { SectionView } from "../run/stage.js";
import { formatNumber as f, markdownTable, textTable } from "../runtime/table.js";
import type { Interval } from "../stats/bootstrap.js";
import { withInterval } from "../stats/format.js";
import type { RlhfSummary } from "./summary.js";

/** A statistic with its interval; n/a where no trial reached the KL (or, for a spread, where one did). */
function shown(value: number | null, interval: Interval | undefined): string {
  return value === null ? "n/a" : withInterval(value, interval);
}

/**
 * Per method and matched KL: trials reached, gold Δ (mean, std), risk, prompt risk with their 95%
 * intervals, CVaR10, proxy Δ; header first.
 */
export function rlhfRows(summary: RlhfSummary): string[][] {
  const rows = [
    [
      "method",
      "KL",
      "trials",
      "unreached",
      "mean Δ [95%]",
      "std Δ",
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
        String(b.unreached),
        shown(b.meanImprovement, b.intervals?.meanImprovement),
        b.trials < 2 ? "n/a" : f(b.stdImprovement),
        shown(b.risk, b.intervals?.risk),
        shown(b.promptRisk, b.intervals?.promptRisk),
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

export function rlhfTable(summary: RlhfSummary): string {
  return `${textTable(rlhfRows(summary))}\n\nfinal checkpoints:\n${textTable(rlhfFinalRows(summary))}`;
}

/** The generative-policy section of the report. */
export function rlhfSection(r: RlhfSummary, view: SectionView): string {
  const sft = r.sft as Record<string, number>;
  const [header, ...rows] = rlhfRows(r);
  const [finalHeader, ...finals] = rlhfFinalRows(r);
  return [
    "## Generative policy: SFT, reward models and PPO (claims 2 and 3)",
    `π0: a GRU of ${sft.parameters} parameters after SFT; held-out log-likelihood per token ${f(sft.heldOutLogLikelihood)} ` +
      `(unigram ${f(sft.unigramLogLikelihood)}); J(π0) = ${f(sft.baselineGold)}; mean reference variance σ̄² ` +
      `${f(sft.meanReferenceVariance, 4)}. Δ is the gold improvement on held-out prompts, interpolated along each PPO ` +
      "trajectory at each matched KL; prompt risk includes the sampling noise of each prompt's Δ. " +
      `${r.note}`,
    markdownTable(header, rows),
    "Last checkpoint of each trial:",
    markdownTable(finalHeader, finals),
    `Regenerate (from the run folder): \`${view.regenerate}\``,
    view.plots.map((p) => `![${p}](${p})`).join("\n\n"),
  ].join("\n\n");
}
