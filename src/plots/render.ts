import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { type Config, compile, type TopLevelSpec } from "vega-lite";
import { writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { dejaVuSansWidth } from "./text-width.js";

const FONT = "DejaVu Sans";

/** One look for every plot; the font is one that resvg finds on the system, so SVG and PNG agree. */
export const plotConfig: Config = {
  // A chart's width is the whole plot's, legend and axes included: one width for every plot.
  autosize: { type: "fit-x", contains: "padding" },
  background: "white",
  padding: 12,
  font: FONT,
  title: {
    fontSize: 15,
    fontWeight: "bold",
    subtitleFontSize: 12,
    subtitleColor: "#555",
    anchor: "start",
    offset: 10,
  },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", titlePadding: 8, labelLimit: 240 },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", labelLimit: 280 },
  header: { labelFontSize: 11, titleFontSize: 12 },
  view: { stroke: "#ddd" },
};

/** The spec with plotConfig under its own config (the spec's settings win), so a saved spec re-renders the same. */
export function withPlotConfig(spec: TopLevelSpec): TopLevelSpec {
  const own: Record<string, unknown> = { ...spec.config };
  const merged: Record<string, unknown> = { ...plotConfig };
  for (const [key, value] of Object.entries(own)) {
    const base = merged[key];
    merged[key] = isPlainObject(base) && isPlainObject(value) ? { ...base, ...value } : value;
  }
  return { ...spec, config: merged as Config };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
}

/** vega exports its text metrics at runtime but not in its types; width() may be replaced (as vl-convert does). */
const { textMetrics } = vega as unknown as {
  textMetrics: { width: (item: TextItem, text?: unknown) => number };
};

/** A text mark's width in DejaVu Sans; 11 px is vega's default font size. */
function measureText(item: TextItem, text?: unknown): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
  return dejaVuSansWidth(text == null ? "" : String(text).trim(), size, bold);
}

/**
 * Plots carry their data inline, so any load is a bug: this loader refuses every file and URL (no network, ever)
 * and notes what was asked for, since vega itself would only log the failure and draw an empty plot.
 */
function offlineLoader(refused: string[]): vega.Loader {
  const refuse = (uri: string) => {
    refused.push(uri);
    return Promise.reject(new Error(`plots are offline: refusing to load ${uri}`));
  };
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

/**
 * Renders a vega-lite spec headless: vega with no renderer and no canvas (text widths from the font's metrics),
 * its SVG string, then resvg for a PNG at twice the size.
 */
export async function renderVegaLite(spec: TopLevelSpec): Promise<{ svg: string; png: Uint8Array }> {
  textMetrics.width = measureText;
  const { spec: vegaSpec } = compile(withPlotConfig(spec));
  const refused: string[] = [];
  const view = new vega.View(vega.parse(vegaSpec), { renderer: "none", loader: offlineLoader(refused) });
  try {
    const svg = await view.toSVG();
    if (refused.length > 0)
      throw new Error(`plot data must be inline; refused to load ${refused.join(", ")}`);
    const png = new Resvg(svg, {
      background: "white",
      fitTo: { mode: "zoom", value: 2 },
      font: { loadSystemFonts: true, defaultFontFamily: FONT },
    })
      .render()
      .asPng();
    return { svg, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
  } finally {
    view.finalize();
  }
}

/** Writes `name.svg`, `name.png` and `name.vl.json` (the spec with its config, to re-render or edit) into dir. */
export async function writePlot(dir: string, name: string, spec: TopLevelSpec): Promise<string[]> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`plot name must be a plain file name, got "${name}"`);
  const { svg, png } = await renderVegaLite(spec);
  const paths = [join(dir, `${name}.svg`), join(dir, `${name}.png`), join(dir, `${name}.vl.json`)];
  writeFileAtomic(paths[0], svg);
  writeFileAtomic(paths[1], png);
  writeJsonAtomic(paths[2], withPlotConfig(spec));
  return paths;
}
