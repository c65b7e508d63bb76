import { summaryRows } from "../disagreement/summary.js";
import { rlhfFinalRows, rlhfRows } from "../rlhf/table.js";
import { formatNumber as f, markdownTable } from "../runtime/table.js";
import type { Claim } from "./claims.js";
import type { RunFiles, StageFolder } from "./run-files.js";
import { closedFormLine, comparisonRows, optimizeRows, simulateRows } from "./tables.js";

/** The command that regenerates a stage's numbers from the run folder's own resolved config. */
export function regenerateCommand(out: string, stage: StageFolder): string {
  if (stage === "rlhf") {
    return `npx align optimize --policy generative --config ${out}/config.yaml --out ${out} --force`;
  }
  const command = stage === "reward-models" ? "train-rm" : stage;
  const extra =
    stage === "optimize" ? " --methods standard,variance-aware,mean,worst-case,uncertainty-weighted" : "";
  return `npx align ${command} --config ${out}/config.yaml --out ${out}${extra} --force`;
}

const CLAIM_STAGE: Record<Claim["id"], StageFolder> = {
  "rm-disagreement": "disagreement",
  "overoptimisation-risk": "optimize",
  "variance-aware-lowers-risk": "optimize",
  "theory-variance-aware-risk": "simulate",
};

const verdict = (holds: boolean | null) =>
  holds === null ? "not measured" : holds ? "**holds**" : "**does not hold**";

function fromTable(rows: string[][]): string {
  return markdownTable(rows[0], rows.slice(1));
}

function images(files: RunFiles, stage: StageFolder): string {
  return (files.plots[stage] ?? []).map((p) => `![${p}](${p})`).join("\n\n");
}

function regenerate(files: RunFiles, stage: StageFolder): string {
  return `Regenerate: \`${regenerateCommand(files.out, stage)}\``;
}

function claimsSection(files: RunFiles, claims: Claim[]): string {
  const stageOf = (c: Claim) => (c.study === "generative policy" ? "rlhf" : CLAIM_STAGE[c.id]);
  const rows = claims.map((c) => [
    c.id,
    c.statement,
    c.study === undefined ? c.measured : `[${c.study}] ${c.measured}`,
    verdict(c.holds),
    c.criterion,
  ]);
  const commands = claims
    .filter((c) => c.holds !== null)
    .map(
      (c) => `- ${c.id}${c.study ? ` (${c.study})` : ""}: \`${regenerateCommand(files.out, stageOf(c))}\``,
    );
  return [
    "## The paper's claims on this run",
    markdownTable(["claim", "statement", "measured", "verdict", "criterion"], rows),
    commands.length > 0
      ? `Each verdict is computed from the metrics files; to regenerate them:\n\n${commands.join("\n")}`
      : "",
  ].join("\n\n");
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
    ].join("\n"),
    stages.length > 0 ? markdownTable(["stage", "time"], stages) : "",
    "<details><summary>Resolved config</summary>\n\n```yaml\n" +
      files.configText.trimEnd() +
      "\n```\n\n</details>",
  ].join("\n\n");
}

function rewardModelsSection(files: RunFiles): string {
  const rm = files.rewardModels;
  if (rm === undefined) return "";
  const dropped = Object.entries(rm.dropped).map(([why, n]) => `${n} ${why}`);
  const rows = rm.members.map((m) => [
    String(m.member),
    f(m.testAccuracy),
    f(m.finalTrainLoss),
    JSON.stringify(m.seeds),
  ]);
  return [
    "## Reward models",
    `${rm.members.length} ${rm.head} heads trained on ${rm.pairs.train} pairs (validation ${rm.pairs.validation}, ` +
      `test ${rm.pairs.test})${dropped.length > 0 ? `; dropped while reading: ${dropped.join(", ")}` : ""}. ` +
      `Test accuracy ${f(rm.testAccuracy.mean)} ± ${f(rm.testAccuracy.std)} (min ${f(rm.testAccuracy.min)}, max ${f(rm.testAccuracy.max)}).`,
    markdownTable(["member", "test accuracy", "final train loss", "seeds"], rows),
    regenerate(files, "reward-models"),
  ].join("\n\n");
}

function disagreementSection(files: RunFiles): string {
  const d = files.disagreement;
  if (d === undefined) return "";
  return [
    "## Disagreement between reward models (claim 1)",
    `${d.members} members on ${d.pairs} held-out pairs (${d.prompts} prompts). Margins are the same on raw and ` +
      "per-prompt-centred rewards; correlations use centred rewards, since Bradley-Terry rewards are defined only up to a shift.",
    fromTable(summaryRows(d)),
    regenerate(files, "disagreement"),
    images(files, "disagreement"),
  ].join("\n\n");
}

function optimizeSection(files: RunFiles): string {
  const o = files.optimize;
  if (o === undefined) return "";
  const comparison = comparisonRows(o);
  return [
    "## Policy optimisation: standard versus variance-aware (claims 2 and 3)",
    "Δ is the improvement of the policy over the reference policy under the true reward (true-reward units); " +
      "risk is the fraction of trials with Δ < 0, prompt risk the mean fraction of prompts whose own Δ is negative; " +
      "CVaR10 the mean of the worst 10% of per-prompt Δ; proxy Δ the same improvement measured by the reward estimate " +
      "the method optimised (reward-model units, so compare its shape, not its scale, with Δ).",
    fromTable(optimizeRows(o)),
    comparison.length > 1
      ? `Standard (std) versus variance-aware (VA) at matched KL:\n\n${fromTable(comparison)}`
      : "",
    regenerate(files, "optimize"),
    images(files, "optimize"),
  ].join("\n\n");
}

function simulateSection(files: RunFiles): string {
  const s = files.simulate;
  if (s === undefined) return "";
  return [
    "## Theoretical model (simulation)",
    `K = ${s.responses} responses, ${s.instances} instances × ${s.draws} noise draws of r̂ ~ N(r*, Σ).`,
    fromTable(simulateRows(s)),
    closedFormLine(s),
    regenerate(files, "simulate"),
    images(files, "simulate"),
  ].join("\n\n");
}

function rlhfSection(files: RunFiles): string {
  const r = files.rlhf;
  if (r === undefined) return "";
  const sft = r.sft as Record<string, number>;
  return [
    "## Generative policy: SFT, reward models and PPO (claims 2 and 3)",
    `π0: a GRU of ${sft.parameters} parameters after SFT; held-out log-likelihood per token ${f(sft.heldOutLogLikelihood)} ` +
      `(unigram ${f(sft.unigramLogLikelihood)}); J(π0) = ${f(sft.baselineGold)}; mean reference variance σ̄² ` +
      `${f(sft.meanReferenceVariance, 4)}. Δ is the gold improvement on held-out prompts, interpolated along each PPO ` +
      "trajectory at each matched KL; prompt risk includes the sampling noise of each prompt's Δ. " +
      `${r.note}`,
    fromTable(rlhfRows(r)),
    "Last checkpoint of each trial:",
    fromTable(rlhfFinalRows(r)),
    regenerate(files, "rlhf"),
    images(files, "rlhf"),
  ].join("\n\n");
}

/** The whole report as markdown: claims first, then what was run, then each stage with its plots. */
export function reportMarkdown(files: RunFiles, claims: Claim[]): string {
  const title = `# align report: ${files.run.name ?? "run"}`;
  const intro =
    `Run folder \`${files.out}\`. Rebuild this report without recomputing: \`npx align report --out ${files.out}\`. ` +
    "Claims from *Towards Reliable, Uncertainty-Aware Alignment* (arXiv 2507.15906).";
  return [
    title,
    intro,
    claimsSection(files, claims),
    runSection(files),
    rewardModelsSection(files),
    disagreementSection(files),
    optimizeSection(files),
    simulateSection(files),
    rlhfSection(files),
  ]
    .filter(Boolean)
    .join("\n\n")
    .concat("\n");
}
