import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { markdownToHtml } from "../../src/report/html.js";

// Tests run from dist/test/report/, fixtures stay in the source tree.
const fixtures = fileURLToPath(new URL("../../../test/fixtures/report/", import.meta.url));
const pngBase64 = readFileSync(`${fixtures}dot.png`).toString("base64");
const svgBase64 = readFileSync(`${fixtures}dot.svg`).toString("base64");

test("markdownToHtml inlines a PNG as a data URI and renders a table", () => {
  const markdown = [
    "# Run report",
    "",
    "![accuracy per member](dot.png)",
    "",
    "| claim | holds |",
    "| --- | --- |",
    "| 1 | yes |",
  ].join("\n");
  const html = markdownToHtml(markdown, fixtures, "Run report");
  assert.ok(html.includes(`<img src="data:image/png;base64,${pngBase64}" alt="accuracy per member">`));
  assert.match(html, /<table>[\s\S]*<th>claim<\/th>[\s\S]*<td>yes<\/td>[\s\S]*<\/table>/);
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<title>Run report<\/title>/);
  assert.match(html, /<style>[\s\S]*table[\s\S]*<\/style>/);
});

test("an SVG, a percent-encoded path and a raw <img> tag are inlined too", () => {
  const markdown = ["![a](./dot.svg)", "", "![b](%64ot.png)", "", '<img src="dot.png" width="200">'].join(
    "\n",
  );
  const html = markdownToHtml(markdown, fixtures, "t");
  assert.ok(html.includes(`data:image/svg+xml;base64,${svgBase64}`));
  assert.equal(html.split(`data:image/png;base64,${pngBase64}`).length - 1, 2);
  assert.ok(html.includes(' width="200">'));
});

test("a missing image is a visible note, not a crash", () => {
  const html = markdownToHtml("Before\n\n![plot](plots/nowhere.png)\n\nAfter", fixtures, "t");
  assert.match(html, /<span class="missing">missing: plots\/nowhere\.png<\/span>/);
  assert.ok(html.includes("After"));
});

test("the page loads nothing from outside: no external image, stylesheet or script", () => {
  const markdown = "![remote](https://example.com/plot.png)\n\n<img src='http://example.com/x.png'>";
  const html = markdownToHtml(markdown, fixtures, "t");
  assert.doesNotMatch(html, /src=["']https?:/);
  assert.doesNotMatch(html, /<link|<script/);
  assert.match(html, /not inlined \(external\): https:\/\/example\.com\/plot\.png/);
  assert.match(html, /not inlined \(external\): http:\/\/example\.com\/x\.png/);
});

test("the title and alt text are escaped", () => {
  const html = markdownToHtml('![a "b" <c>](dot.png)', fixtures, "Δ < 0 & more");
  assert.match(html, /<title>Δ &lt; 0 &amp; more<\/title>/);
  assert.ok(html.includes('alt="a &quot;b&quot; &lt;c&gt;"'));
});
