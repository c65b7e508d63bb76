/** Seeded randomness: every random choice in align flows from one run seed through these functions. */

/** 32-bit FNV-1a hash of a string: stable across platforms, used for seeds, splits and feature hashing. */
export function hashString(text: string, seed = 0): number {
  return mix32(fnv1a(fnvStart(seed), text));
}

/** The FNV-1a state before any text, for `seed`. */
export function fnvStart(seed: number): number {
  return (0x811c9dc5 ^ seed) >>> 0;
}

/** FNV-1a over the UTF-16 code units of `text`, from `state`: text hashed piece by piece hashes as it would whole. */
export function fnv1a(state: number, text: string): number {
  let h = state;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Murmur3 finaliser: spreads the bits of a 32-bit integer. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A child seed for a named purpose, e.g. deriveSeed(runSeed, "member", 3, "init"). */
export function deriveSeed(seed: number, ...path: (string | number)[]): number {
  return hashString(path.join("/"), mix32(seed >>> 0));
}

/** Deterministic uniform [0, 1) generator (mulberry32). */
export interface Rng {
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Standard normal draw (Box-Muller). */
  normal(): number;
  /** The generator's whole state: createRng(state()) continues the same sequence (for checkpoints). */
  state(): number;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    state: () => state,
  };
}

/** Fisher-Yates shuffle of 0..n-1. */
export function permutation(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
