import { dirname, resolve } from "node:path";
import { compareMarkdown, compareText, readComparedRun } from "../report/compare.js";
import { markdownToHtml } from "../report/html.js";
import { UserError } from "../runtime/errors.js";
import { writeFileAtomic } from "../runtime/files.js";

/** `align compare D1 D2 ...`: prints the comparison and writes it as an HTML page. */
export function compareCommand(dirs: string[], html: string): void {
  if (dirs.length < 2) throw new UserError(`compare: give at least two run folders (got ${dirs.length})`);
  const runs = dirs.map((dir) => readComparedRun(resolve(dir)));
  console.log(compareText(runs));
  const page = resolve(html);
  writeFileAtomic(page, markdownToHtml(compareMarkdown(runs), dirname(page), "align compare"));
  console.log(`\ncomparison: ${page}`);
}
