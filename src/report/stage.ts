import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { type Claim, evaluateClaims } from "./claims.js";
import { markdownToHtml } from "./html.js";
import { reportMarkdown } from "./markdown.js";
import { readRunFiles } from "./run-files.js";

/** Writes report.md, report.html and claims.json from the metrics on disk; recomputes nothing. */
export function writeReport(out: string, disagreementThreshold: number): { claims: Claim[]; path: string } {
  const files = readRunFiles(out);
  const claims = evaluateClaims({
    disagreement: files.disagreement,
    optimize: files.optimize,
    simulate: files.simulate,
    rlhf: files.rlhf,
    disagreementThreshold,
  });
  const markdown = reportMarkdown(files, claims);
  writeJsonAtomic(join(out, "claims.json"), { claims });
  writeFileAtomic(join(out, "report.md"), markdown);
  writeFileAtomic(
    join(out, "report.html"),
    markdownToHtml(markdown, out, `align report: ${files.run.name ?? "run"}`),
  );
  return { claims, path: join(out, "report.md") };
}
