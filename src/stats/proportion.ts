/** Intervals of a proportion k/n when the bootstrap degenerates (no or every unit counted). */

/** z of a two-sided 95% normal interval: Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

/**
 * Wilson score 95% interval of k successes in n trials (Wilson 1927):
 * (p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n). Unlike the bootstrap it is not [0, 0] at k = 0.
 */
export function wilsonInterval(k: number, n: number): { lo: number; hi: number } {
  if (n <= 0) return { lo: 0, hi: 1 };
  const p = k / n;
  const z2 = Z95 * Z95;
  const centre = p + z2 / (2 * n);
  const half = Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const scale = 1 + z2 / n;
  return { lo: Math.max(0, (centre - half) / scale), hi: Math.min(1, (centre + half) / scale) };
}
