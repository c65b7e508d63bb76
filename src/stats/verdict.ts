/** The three verdicts of DESIGN.md's "Statistics of verdicts", from an effect's interval and its threshold. */

export type Verdict = "holds" | "does not hold" | "inconclusive";

/** The side of the threshold a claim puts its effect on: > t, ≥ t, < t or ≤ t. */
export type Side = "above" | "at least" | "below" | "at most";

/**
 * holds when the whole interval [lo, hi] lies on the claimed side of the threshold, does not hold when it
 * lies wholly on the other side, inconclusive when it straddles the threshold.
 */
export function verdictOf(interval: { lo: number; hi: number }, side: Side, threshold: number): Verdict {
  const { lo, hi } = interval;
  if (Number.isNaN(lo) || Number.isNaN(hi)) return "inconclusive";
  const [holds, fails] =
    side === "above"
      ? [lo > threshold, hi <= threshold]
      : side === "at least"
        ? [lo >= threshold, hi < threshold]
        : side === "below"
          ? [hi < threshold, lo >= threshold]
          : [hi <= threshold, lo > threshold];
  return holds ? "holds" : fails ? "does not hold" : "inconclusive";
}

/** "a > t", "a ≥ t", ... for the criterion texts. */
export function sideSymbol(side: Side): string {
  return { above: ">", "at least": "≥", below: "<", "at most": "≤" }[side];
}
