import { formatNumber as f } from "../runtime/table.js";
import type { Interval } from "./bootstrap.js";

/** A value with its 95% interval, e.g. "0.031 [0.012, 0.055]"; the bare value when there is none. */
export function withInterval(value: number, interval: Interval | undefined, digits = 3): string {
  if (interval === undefined) return f(value, digits);
  return `${f(value, digits)} [${f(interval.lo, digits)}, ${f(interval.hi, digits)}]`;
}
