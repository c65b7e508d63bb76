/**
 * The tie rule of every accuracy in align: a pair ranked right (margin r(chosen) − r(rejected) > 0)
 * counts 1, a tie (margin = 0) ½, as a coin flip would score it, and a wrong one 0.
 */
export function pairCredit(margin: number): number {
  return margin > 0 ? 1 : margin === 0 ? 0.5 : 0;
}

/** Fraction of pairs ranked right, ties counting ½ (pairCredit); NaN for no pairs. */
export function pairAccuracy(margins: ArrayLike<number>): number {
  if (margins.length === 0) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < margins.length; i++) correct += pairCredit(margins[i]);
  return correct / margins.length;
}
