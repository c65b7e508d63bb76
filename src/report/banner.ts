import { basename } from "node:path";
import type { Claim } from "./claims.js";
import type { RunFiles } from "./run-files.js";

/**
 * The report's first screen: the tally of verdicts, each verdict coloured and beside the settings it
 * was measured under, and a table of contents.
 */

/**
 * A claim's verdict as a word. Read from a `verdict` string when the claim carries one (holds, does not
 * hold, inconclusive, ...), else from `holds`; any other word is tallied and shown as it is.
 */
export function verdictOf(claim: Claim): string {
  const given = (claim as { verdict?: unknown }).verdict;
  if (typeof given === "string" && given !== "") return given;
  return claim.holds === null ? "not measured" : claim.holds ? "holds" : "does not hold";
}

/** A CSS class for a verdict: verdict-holds, verdict-does-not-hold, verdict-inconclusive, ... */
export function verdictClass(verdict: string): string {
  return `verdict-${verdict.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}

/** The verdict as a coloured badge (plain text where HTML is not rendered). */
export function verdictBadge(verdict: string): string {
  return `<span class="verdict ${verdictClass(verdict)}">${verdict}</span>`;
}

const ORDER = ["holds", "does not hold", "inconclusive", "not measured"];

/** "2 hold · 1 does not hold · 1 not measured": verdicts in a fixed order, then any others. */
export function tally(claims: Claim[]): { verdict: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const claim of claims) counts.set(verdictOf(claim), (counts.get(verdictOf(claim)) ?? 0) + 1);
  const known = ORDER.filter((v) => counts.has(v));
  const others = [...counts.keys()].filter((v) => !ORDER.includes(v)).sort();
  return [...known, ...others].map((verdict) => ({ verdict, count: counts.get(verdict) ?? 0 }));
}

type Section = Record<string, unknown> | undefined;

function section(config: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = (config as Record<string, Section>)[key];
  return value ?? {};
}

/** The settings a verdict depends on, in a few words: study, data, members, bootstrap (or the theory's sizes). */
export function claimSettings(files: RunFiles, claim: Claim): string {
  const { config } = files;
  const study = `study ${String(config.name ?? files.run.name ?? "?")}`;
  if (claim.id === "theory-variance-aware-risk") {
    const s = section(config, "simulate");
    return `${study}; theory: K = ${s.responses}, ${s.instances} instances × ${s.draws} draws`;
  }
  const rm = section(config, "rewardModel");
  if (claim.study === "generative policy") {
    const r = section(config, "rlhf");
    return `${study}; generative policy: world of ${section(r, "world").prompts} prompts, ${rm.members} members, ${r.iterations} PPO iterations, estimate ${r.estimate}`;
  }
  const data = section(config, "data");
  const named = (d: Record<string, unknown>) =>
    `${String(d.source ?? "synthetic")}${typeof d.path === "string" ? ` (${basename(d.path)})` : ""}`;
  const evaluation = section(data, "eval");
  const parts = [
    study,
    `data ${named(data)}${data.eval === undefined ? "" : `, evaluated on data.eval ${named(evaluation)}`}`,
    `${rm.members} members`,
    `bootstrap ${rm.bootstrap ? "on" : "off"}`,
  ];
  if (claim.id !== "rm-disagreement") {
    const o = section(config, "optimize");
    parts.push(`estimate ${o.estimate}`, `${o.repeats} repeat(s)`);
  }
  return parts.join("; ");
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, "")
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .trim()
    .replace(/\s/g, "-");
}

/**
 * The banner: the tally of verdicts, each claim's verdict beside its settings, then a linked table of
 * contents of `headings`.
 */
export function bannerMarkdown(files: RunFiles, claims: Claim[], headings: string[]): string {
  const counts = tally(claims)
    .map(({ verdict, count }) => `${verdictBadge(verdict)} × ${count}`)
    .join(" · ");
  const each = claims.map(
    (c) =>
      `- ${verdictBadge(verdictOf(c))} **${c.id}**${c.study ? ` (${c.study})` : ""}: ${claimSettings(files, c)}`,
  );
  const contents = headings.map((h) => `- [${h}](#${headingSlug(h)})`).join("\n");
  return [`**Verdicts on this run:** ${counts}`, each.join("\n"), `**Contents**\n\n${contents}`].join("\n\n");
}
