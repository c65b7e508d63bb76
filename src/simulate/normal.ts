/**
 * Standard normal CDF Φ(x), to about 1e-14 relative error, without tabulated constants: Marsaglia's series
 * Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …) near the centre, and the continued fraction of the Mills ratio
 * Φ(−t) = φ(t) / (t + 1/(t + 2/(t + 3/(t + …)))) in the tails, where the series would lose the tail's digits.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < -2) return normalTail(-x);
  if (x > 2) return 1 - normalTail(x);
  let term = x;
  let sum = x;
  for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (x * x) / (2 * n + 1);
    sum += term;
  }
  return 0.5 + normalDensity(x) * sum;
}

/** φ(x) = exp(−x²/2) / √(2π). */
export function normalDensity(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Upper tail Φ(−t) for t > 2: φ(t) times the Mills-ratio continued fraction, evaluated by modified Lentz. */
function normalTail(t: number): number {
  if (!Number.isFinite(t)) return 0;
  const tiny = 1e-300;
  let f = t;
  let c = t;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    d = t + n * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = t + n / c;
    if (Math.abs(c) < tiny) c = tiny;
    const step = c * d;
    f *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return normalDensity(t) / f;
}
