import type { SourceConfig } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";
import { suggestKey } from "../runtime/suggest.js";
import type { CandidateSet } from "./types.js";

/** data.generators: a list (the generators kept), `{include}` (the same) or `{exclude}` (all others kept). */
export type GeneratorSelection = NonNullable<SourceConfig["generators"]>;

/** Every generator (candidate id) of the sets, in code-point order. */
export function generatorsOf(sets: readonly CandidateSet[]): string[] {
  const names = new Set<string>();
  for (const set of sets) for (const candidate of set.candidates) names.add(candidate.id);
  return [...names].sort();
}

function selectionNames(selection: GeneratorSelection): { names: string[]; keep: boolean } {
  if (Array.isArray(selection)) return { names: selection, keep: true };
  if ("include" in selection) return { names: selection.include, keep: true };
  return { names: selection.exclude, keep: false };
}

export interface SelectedGenerators {
  /** The sets with only the selected generators' answers; sets left with fewer than two are gone. */
  sets: CandidateSet[];
  /** Sets dropped for having fewer than two selected answers. */
  tooFew: number;
  /** The selected generators, in code-point order. */
  kept: string[];
  /** Every generator of the sets read. */
  all: string[];
}

/**
 * Keeps the answers of the selected generators. Every name the selection gives must be a generator of
 * the sets (a typo would otherwise silently select nothing or everything): `key` (data or data.eval) and
 * `file` name the error.
 */
export function selectGenerators(
  sets: readonly CandidateSet[],
  selection: GeneratorSelection,
  key: string,
  file: string,
): SelectedGenerators {
  const all = generatorsOf(sets);
  const known = new Set(all);
  const { names, keep } = selectionNames(selection);
  for (const name of names) {
    if (known.has(name)) continue;
    const suggestion = suggestKey(name, all);
    throw new UserError(
      `${key}.generators: "${name}" is not a generator of ${file}` +
        (suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`) +
        `; its ${all.length} generators: ${all.join(", ")}`,
    );
  }
  const named = new Set(names);
  const kept = all.filter((name) => named.has(name) === keep);
  if (kept.length === 0) throw new UserError(`${key}.generators: excludes every generator of ${file}`);
  const selected = new Set(kept);
  const out: CandidateSet[] = [];
  for (const set of sets) {
    const candidates = set.candidates.filter((candidate) => selected.has(candidate.id));
    if (candidates.length >= 2) out.push({ ...set, candidates });
  }
  return { sets: out, tooFew: sets.length - out.length, kept, all };
}
