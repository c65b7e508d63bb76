import type { SectionView } from "../run/stage.js";
import { formatNumber as f, markdownTable, textTable } from "../runtime/table.js";
import { withInterval } from "../stats/format.js";
import type { SimulationSummary } from "./run.js";

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

export function simulateTable(s: SimulationSummary): string {
  const title = `Theoretical model: K = ${s.responses}, ${s.instances} instances × ${s.draws} draws; [95% bootstrap over instances]`;
  return [title, textTable(simulateRows(s)), closedFormLine(s)].join("\n");
}

/** The theoretical model's section of the report. */
export function simulateSection(s: SimulationSummary, view: SectionView): string {
  const [header, ...rows] = simulateRows(s);
  return [
    "## Theoretical model (simulation)",
    `K = ${s.responses} responses, ${s.instances} instances × ${s.draws} noise draws of r̂ ~ N(r*, Σ).`,
    markdownTable(header, rows),
    closedFormLine(s),
    `Regenerate (from the run folder): \`${view.regenerate}\``,
    view.plots.map((p) => `![${p}](${p})`).join("\n\n"),
  ].join("\n\n");
}
