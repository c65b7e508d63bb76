import type { StageName } from "../config/schema.js";
import { disagreementStage } from "../disagreement/stage.js";
import { optimizeStage } from "../optimize/stage.js";
import { pipeline, stageNamed } from "../pipeline.js";
import { trainRmStage } from "../reward-model/stage.js";
import { markdownTable } from "../runtime/table.js";
import { bannerMarkdown, claimSettings, verdictBadge, verdictOf } from "./banner.js";
import { type Claim, intervalPhrase, verdictTally } from "./claims.js";
import { type RunFiles, summaryOf } from "./run-files.js";

/**
 * The command that regenerates a stage's numbers from the run folder's own resolved config, run from
 * inside the run folder: paths are relative, so the folder can be moved, zipped and opened elsewhere.
 */
export function regenerateCommand(name: StageName): string {
  const stage = stageNamed(name);
  const extra = stage.regenerateFlags === undefined ? "" : ` ${stage.regenerateFlags}`;
  return `npx align ${stage.name} --config config.yaml --out .${extra} --force`;
}

const CLAIM_STAGE: Record<Claim["id"], StageName> = {
  "rm-disagreement": "disagreement",
  "overoptimisation-risk": "optimize",
  "variance-aware-lowers-risk": "optimize",
  "theory-variance-aware-risk": "simulate",
};

/** The stage whose numbers decide a claim: its own, or the rlhf stage for a claim judged on the generative policy. */
const stageOf = (c: Claim): StageName => (c.study === "generative policy" ? "rlhf" : CLAIM_STAGE[c.id]);

const CLAIMS_HEADING = "The paper's claims on this run";

function claimsSection(files: RunFiles, claims: Claim[]): string {
  const rows = claims.map((c) => [
    c.id,
    `${verdictBadge(verdictOf(c))}${c.reason ? `: ${c.reason}` : ""}`,
    intervalPhrase(c),
    claimSettings(files, c),
    c.statement,
    c.study === undefined ? c.measured : `[${c.study}] ${c.measured}`,
    `${c.criterion} (test: ${c.test})`,
  ]);
  const commands = claims
    .filter((c) => c.verdict !== "not measured")
    .map((c) => `- ${c.id}${c.study ? ` (${c.study})` : ""}: \`${regenerateCommand(stageOf(c))}\``);
  return [
    `## ${CLAIMS_HEADING}`,
    `${verdictTally(claims)}. A verdict holds when the 95% interval of its effect lies on the claimed side of ` +
      "its threshold, does not hold when it lies on the other side, and is inconclusive otherwise.",
    markdownTable(
      ["claim", "verdict", "effect (95% interval)", "settings", "statement", "measured", "criterion"],
      rows,
    ),
    commands.length > 0
      ? `Each verdict is computed from the metrics files; to regenerate them, from the run folder:\n\n${commands.join("\n")}`
      : "",
  ].join("\n\n");
}

/**
 * Where the data came from: the training source of the reward models and the evaluation source of
 * the disagreement and optimize stages (the same file's test split unless data.eval is set), with sizes.
 */
function dataLines(files: RunFiles): string[] {
  const rm = summaryOf(files, trainRmStage);
  const disagreement = summaryOf(files, disagreementStage);
  const optimize = summaryOf(files, optimizeStage);
  const lines: string[] = [];
  if (rm?.source !== undefined) {
    const { train, validation, test } = rm.pairs;
    lines.push(
      `- training data (reward models): ${rm.source}; pairs: train ${train}, validation ${validation}, test ${test}`,
    );
  }
  const evaluation = disagreement?.source ?? optimize?.source;
  if (evaluation !== undefined) {
    const sizes = [
      disagreement?.source === undefined ? "" : `${disagreement.pairs} pairs for disagreement`,
      optimize?.source === undefined ? "" : `${optimize.prompts} candidate sets for optimisation`,
    ].filter(Boolean);
    const hasEval = typeof (files.config.data as Record<string, unknown> | undefined)?.eval === "object";
    const which = hasEval ? "data.eval" : "the test split of the training data";
    lines.push(`- evaluation data (${which}): ${evaluation}; used: ${sizes.join(", ")}`);
  }
  return lines;
}

function runSection(files: RunFiles): string {
  const { run } = files;
  const versions = Object.entries(run.versions ?? {}).map(([name, v]) => `${name} ${v}`);
  const stages = Object.entries(run.stages ?? {}).map(([stage, s]) => [stage, `${s.seconds.toFixed(1)} s`]);
  return [
    "## What was run",
    [
      `- name: ${run.name ?? "?"}; seed: ${run.seed ?? "?"}; backend: ${run.backend ?? "?"}`,
      `- versions: ${versions.join(", ")}`,
      `- git commit: ${run.gitCommit ?? "unknown"}`,
      ...dataLines(files),
    ].join("\n"),
    stages.length > 0 ? markdownTable(["stage", "time"], stages) : "",
    "<details><summary>Resolved config</summary>\n\n```yaml\n" +
      files.configText.trimEnd() +
      "\n```\n\n</details>",
  ].join("\n\n");
}

/** The whole report as markdown: the banner, the claims, what was run, then each stage with its plots. */
export function reportMarkdown(files: RunFiles, claims: Claim[]): string {
  const title = `# align report: ${files.run.name ?? "run"}`;
  const intro =
    "Rebuild this report without recomputing, from the run folder: `npx align report --out .`. " +
    "Claims from *Towards Reliable, Uncertainty-Aware Alignment* (arXiv 2507.15906).";
  const stages = pipeline.map((stage) => {
    const summary = files.summaries[stage.name];
    if (summary === undefined) return "";
    return stage.section(summary, {
      plots: files.plots[stage.name] ?? [],
      regenerate: regenerateCommand(stage.name),
    });
  });
  const sections = [claimsSection(files, claims), runSection(files), ...stages].filter(Boolean);
  const headings = sections.map((s) => s.slice(3, s.indexOf("\n")));
  return [title, bannerMarkdown(files, claims, headings), intro, ...sections].join("\n\n").concat("\n");
}
