/** Running a sweep: one point at a time (a job of its own), then one table and plots over all points. */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { OptimizeSummary } from "../optimize/run.js";
import { writePlot } from "../plots/render.js";
import type { Claim } from "../report/claims.js";
import { openRun } from "../run/folder.js";
import type { BackendChoice } from "../runtime/backend.js";
import { toCsv, writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { textTable } from "../runtime/table.js";
import { runStudy, studyRequest } from "../study.js";
import { sweepPlots } from "./plots.js";
import type { Grid, PointResult, SweepPoint } from "./points.js";

const MARKER = "sweep-point.json";

export function pointDir(dir: string, point: SweepPoint): string {
  return join(dir, "points", point.name);
}

/**
 * Runs one point's study in its own run folder under `dir` (resuming an interrupted one) and marks it
 * finished; a finished point is skipped unless `force`. Returns whether it ran.
 */
export async function runSweepPoint(
  dir: string,
  point: SweepPoint,
  options: { backend: BackendChoice; force: boolean },
): Promise<boolean> {
  const out = pointDir(dir, point);
  if (!options.force && existsSync(join(out, MARKER))) return false;
  // One thread per point: the points themselves are what runs in parallel.
  const { request, check } = studyRequest(point.config, { jobs: 1 });
  const ctx = await openRun({
    out,
    config: point.config,
    backend: options.backend,
    force: options.force,
    command: "sweep",
    check,
  });
  await runStudy(ctx, request);
  writeJsonAtomic(join(out, MARKER), {
    index: point.index,
    settings: point.settings,
    overrides: point.overrides,
  });
  return true;
}

/** The finished points' results, or the names of the points not finished yet. */
export function readSweepResults(
  dir: string,
  points: readonly SweepPoint[],
): { results: PointResult[]; missing: string[] } {
  const results: PointResult[] = [];
  const missing: string[] = [];
  for (const point of points) {
    const out = pointDir(dir, point);
    if (!existsSync(join(out, MARKER))) {
      missing.push(point.name);
      continue;
    }
    const { claims } = JSON.parse(readFileSync(join(out, "claims.json"), "utf8")) as { claims: Claim[] };
    const optimizePath = join(out, "optimize", "summary.json");
    const optimize: OptimizeSummary | undefined = existsSync(optimizePath)
      ? JSON.parse(readFileSync(optimizePath, "utf8"))
      : undefined;
    results.push({
      index: point.index,
      name: point.name,
      settings: point.settings,
      claims: claims.map((c) => ({
        id: c.id,
        verdict: c.verdict,
        of: c.interval?.of ?? null,
        estimate: c.interval?.estimate ?? null,
        lo: c.interval?.lo ?? null,
        hi: c.interval?.hi ?? null,
      })),
      promptRiskDifference: (optimize?.differences?.["variance-aware"]?.budgets ?? []).map((b) => ({
        kl: b.kl,
        ...b.promptRisk,
      })),
    });
  }
  return { results, missing };
}

const cell = (x: number | null, digits = 4) => (x === null ? "" : x.toFixed(digits));

/** One row per point: its settings, each claim's verdict and interval, VA − standard prompt risk per budget. */
export function sweepRows(grids: readonly Grid[], results: readonly PointResult[]): string[][] {
  const keys = [...grids.map((g) => g.key), "seed"];
  const claimIds = [...new Set(results.flatMap((r) => r.claims.map((c) => c.id)))];
  const budgets = [...new Set(results.flatMap((r) => r.promptRiskDifference.map((b) => b.kl)))].sort(
    (a, b) => a - b,
  );
  const header = [
    "point",
    ...keys,
    ...claimIds.flatMap((id) => [`${id} verdict`, `${id} effect`, `${id} lo`, `${id} hi`]),
    ...budgets.flatMap((kl) => [`VA−std prompt risk KL ${kl}`, "lo", "hi"]),
  ];
  const rows = results.map((r) => [
    String(r.index),
    ...keys.map((k) => JSON.stringify(r.settings[k])),
    ...claimIds.flatMap((id) => {
      const c = r.claims.find((x) => x.id === id);
      return [c?.verdict ?? "", cell(c?.estimate ?? null), cell(c?.lo ?? null), cell(c?.hi ?? null)];
    }),
    ...budgets.flatMap((kl) => {
      const b = r.promptRiskDifference.find((x) => x.kl === kl);
      return [cell(b?.estimate ?? null), cell(b?.lo ?? null), cell(b?.hi ?? null)];
    }),
  ]);
  return [header, ...rows];
}

/** Writes sweep.json, sweep.csv and the plots once every point is finished; returns the missing points. */
export async function writeSweepSummary(
  dir: string,
  grids: readonly Grid[],
  points: readonly SweepPoint[],
): Promise<string[]> {
  const { results, missing } = readSweepResults(dir, points);
  if (missing.length > 0) return missing;
  writeJsonAtomic(join(dir, "sweep.json"), {
    grids,
    seeds: [...new Set(points.map((p) => p.seed))],
    points: results,
  });
  const rows = sweepRows(grids, results);
  writeFileAtomic(join(dir, "sweep.csv"), toCsv(rows[0], rows.slice(1)));
  for (const [name, spec] of Object.entries(sweepPlots(grids, results))) await writePlot(dir, name, spec);
  return [];
}

/** A short terminal table: per point, its settings and each claim's verdict with its interval. */
export function sweepTable(grids: readonly Grid[], results: readonly PointResult[]): string {
  const keys = [...grids.map((g) => g.key), "seed"];
  const ids = [...new Set(results.flatMap((r) => r.claims.map((c) => c.id)))];
  const interval = (c: PointResult["claims"][number] | undefined) =>
    c === undefined || c.estimate === null
      ? (c?.verdict ?? "")
      : `${c.verdict} ${c.estimate.toFixed(3)} [${cell(c.lo, 3)}, ${cell(c.hi, 3)}]`;
  return textTable([
    [...keys, ...ids],
    ...results.map((r) => [
      ...keys.map((k) => JSON.stringify(r.settings[k])),
      ...ids.map((id) => interval(r.claims.find((c) => c.id === id))),
    ]),
  ]);
}
