import { closest, distance } from "fastest-levenshtein";

/** The closest known key to a misspelt one (case ignored), when it is near enough to be a likely typo. */
export function suggestKey(key: string, known: string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = known.map((k) => k.toLowerCase());
  const best = closest(key.toLowerCase(), lower);
  const tolerance = Math.max(1, Math.floor(key.length / 3));
  return distance(key.toLowerCase(), best) <= tolerance ? known[lower.indexOf(best)] : undefined;
}
