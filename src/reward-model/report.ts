import type { SectionView } from "../run/stage.js";
import { formatNumber as f, markdownTable, textTable } from "../runtime/table.js";
import type { EnsembleSummary } from "./ensemble.js";

function memberRows(rm: EnsembleSummary): string[][] {
  return rm.members.map((m) => [
    String(m.member),
    f(m.testAccuracy),
    f(m.finalTrainLoss),
    JSON.stringify(m.seeds),
  ]);
}

const MEMBER_HEADER = ["member", "test accuracy", "final train loss", "seeds"];

function overview(rm: EnsembleSummary): string {
  const dropped = Object.entries(rm.dropped).map(([why, n]) => `${n} ${why}`);
  return (
    `${rm.members.length} ${rm.head} heads trained on ${rm.pairs.train} pairs${rm.source ? ` of ${rm.source}` : ""} (validation ${rm.pairs.validation}, ` +
    `test ${rm.pairs.test})${dropped.length > 0 ? `; dropped while reading: ${dropped.join(", ")}` : ""}. ` +
    `Test accuracy ${f(rm.testAccuracy.mean)} ± ${f(rm.testAccuracy.std)} (min ${f(rm.testAccuracy.min)}, max ${f(rm.testAccuracy.max)}).`
  );
}

/** The ensemble's members for the terminal. */
export function rewardModelsTable(rm: EnsembleSummary): string {
  return `${overview(rm)}\n${textTable([MEMBER_HEADER, ...memberRows(rm)])}`;
}

/** The reward-models section of the report. */
export function rewardModelsSection(rm: EnsembleSummary, view: SectionView): string {
  return [
    "## Reward models",
    overview(rm),
    markdownTable(MEMBER_HEADER, memberRows(rm)),
    `Regenerate (from the run folder): \`${view.regenerate}\``,
    view.plots.map((p) => `![${p}](${p})`).join("\n\n"),
  ].join("\n\n");
}
