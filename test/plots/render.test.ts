import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { TopLevelSpec } from "vega-lite";
import { histogram } from "../../src/plots/charts.js";
import { renderVegaLite, withPlotConfig, writePlot } from "../../src/plots/render.js";

const spec = histogram({
  title: "Spread",
  data: [1, 2, 2, 3, 3, 3].map((value) => ({ value })),
  xTitle: "value (units)",
});

test("writePlot writes name.svg, name.png and name.vl.json, and returns their paths", async () => {
  const dir = mkdtempSync(join(tmpdir(), "align-plots-"));
  try {
    const paths = await writePlot(join(dir, "nested"), "spread", spec);
    assert.deepEqual(
      paths,
      ["spread.svg", "spread.png", "spread.vl.json"].map((file) => join(dir, "nested", file)),
    );
    assert.deepEqual(readdirSync(join(dir, "nested")).sort(), ["spread.png", "spread.svg", "spread.vl.json"]);
    assert.match(readFileSync(paths[0], "utf8"), /^<svg[^>]*>.*Spread/s);
    assert.deepEqual([...readFileSync(paths[1]).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const saved = JSON.parse(readFileSync(paths[2], "utf8"));
    assert.deepEqual(saved, JSON.parse(JSON.stringify(withPlotConfig(spec))));
    assert.equal(saved.config.font, "DejaVu Sans");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("writePlot refuses a name that is not a plain file name, writing nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "align-plots-"));
  try {
    await assert.rejects(writePlot(dir, "../escape", spec), /plain file name/);
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(existsSync(join(tmpdir(), "escape.svg")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("withPlotConfig keeps the spec's own settings over the defaults, section by section", () => {
  const own: TopLevelSpec = { ...spec, config: { axis: { labelFontSize: 20 }, background: "#eee" } };
  const config = withPlotConfig(own).config as Record<string, Record<string, unknown> | string>;
  assert.equal(config.background, "#eee");
  assert.equal((config.axis as Record<string, unknown>).labelFontSize, 20);
  assert.equal((config.axis as Record<string, unknown>).titleFontSize, 12, "other axis defaults kept");
  assert.equal(config.font, "DejaVu Sans");
});

test("renderVegaLite refuses data that would have to be loaded, rather than drawing an empty plot", async () => {
  const remote: TopLevelSpec = {
    data: { url: "http://127.0.0.1:9/data.json" },
    mark: "point",
    encoding: { x: { field: "a", type: "quantitative" } },
  };
  await assert.rejects(
    renderVegaLite(remote),
    /must be inline; refused to load http:\/\/127\.0\.0\.1:9\/data\.json/,
  );
});

test("renderVegaLite gives the same SVG for the same spec, at twice the size in PNG", async () => {
  const first = await renderVegaLite(spec);
  const second = await renderVegaLite(spec);
  assert.equal(first.svg, second.svg);
  const svgWidth = Number(/<svg[^>]*\bwidth="([\d.]+)"/.exec(first.svg)?.[1]);
  // PNG IHDR: width is the big-endian uint32 at byte 16.
  const pngWidth = Buffer.from(first.png).readUInt32BE(16);
  assert.equal(pngWidth, Math.round(svgWidth * 2));
});
