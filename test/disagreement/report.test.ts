import assert from "node:assert/strict";
import { test } from "node:test";
import { summaryTable } from "../../src/disagreement/report.js";
import { analyseDisagreement } from "../../src/disagreement/stats.js";
import { tinyEnsemble } from "./fixture.js";

test("summaryTable lists every headline statistic with its basis, in aligned columns", () => {
  const { metrics } = analyseDisagreement(tinyEnsemble(), { examples: 1, seed: 1, resamples: 200 });
  const [header, columns, ...lines] = summaryTable(metrics).split("\n");
  assert.equal(
    header,
    "Reward-model disagreement: 3 members, 5 pairs, 3 prompts (std: n-1; [95% bootstrap over prompts])",
  );
  const basisColumn = columns.indexOf("basis");
  const valueColumn = columns.indexOf("value [95%]");
  for (const line of lines) {
    assert.match(line.slice(basisColumn), /^(raw|centred) /, line);
    assert.equal(line[valueColumn - 1], " ", line);
  }
  const row = (name: string, basis: string) =>
    lines.find((line) => line.startsWith(name) && line.includes(` ${basis} `));
  assert.match(row("member accuracy", "raw") ?? "", /0\.700 ± 0\.100 \[0\.600, 0\.800\]$/);
  assert.match(row("ensemble-mean accuracy", "raw") ?? "", /0\.800 \[0\.\d{3}, [01]\.\d{3}\]$/);
  assert.match(row("sign disagreement rate", "raw") ?? "", /0\.600 \[0\.\d{3}, [01]\.\d{3}\]$/);
  assert.match(row("minority contradiction rate", "raw") ?? "", /0\.400 \[0\.\d{3}, [01]\.\d{3}\]$/);
  assert.match(row("Pearson r", "centred") ?? "", /0\.469$/);
  assert.match(row("Kendall tau-b", "centred") ?? "", /0\.282$/);
  // Margin std mean (2 + 8/√3)/5 = 1.3238, median 2/√3 = 1.1547.
  assert.match(row("margin std", "raw") ?? "", /1\.324 \/ 1\.155$/);
  assert.match(row("reward std", "centred") ?? "", /0\.700 \/ 0\.591$/);
});
