import type { SectionView } from "../run/stage.js";
import { formatNumber as f, markdownTable, textTable } from "../runtime/table.js";
import type { SimulationSummary } from "./run.js";

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

export function simulateTable(s: SimulationSummary): string {
  const title = `Theoretical model: K = ${s.responses}, ${s.instances} instances × ${s.draws} draws`;
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
    `Regenerate: \`${view.regenerate}\``,
    view.plots.map((p) => `![${p}](${p})`).join("\n\n"),
  ].join("\n\n");
}
