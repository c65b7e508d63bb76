import { join } from "node:path";
import type { Config } from "../config/schema.js";
import { disagreementStage } from "../disagreement/stage.js";
import { optimizeStage } from "../optimize/stage.js";
import { rlhfStage } from "../rlhf/stage.js";
import { writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { simulateStage } from "../simulate/stage.js";
import { type Claim, evaluateClaims, verdictTally } from "./claims.js";
import { markdownToHtml } from "./html.js";
import { reportMarkdown } from "./markdown.js";
import { readRunFiles, summaryOf } from "./run-files.js";

/** Writes report.md, report.html and claims.json from the metrics on disk; recomputes nothing. */
export function writeReport(out: string, report: Config["report"]): { claims: Claim[]; path: string } {
  const files = readRunFiles(out);
  const claims = evaluateClaims({
    disagreement: summaryOf(files, disagreementStage),
    optimize: summaryOf(files, optimizeStage),
    simulate: summaryOf(files, simulateStage),
    rlhf: summaryOf(files, rlhfStage),
    report,
  });
  const markdown = reportMarkdown(files, claims);
  writeJsonAtomic(join(out, "claims.json"), { tally: verdictTally(claims), claims });
  writeFileAtomic(join(out, "report.md"), markdown);
  writeFileAtomic(
    join(out, "report.html"),
    markdownToHtml(markdown, out, `align report: ${files.run.name ?? "run"}`),
  );
  return { claims, path: join(out, "report.md") };
}
