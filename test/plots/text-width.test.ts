import assert from "node:assert/strict";
import { test } from "node:test";
import { Resvg } from "@resvg/resvg-js";
import { dejaVuSansWidth } from "../../src/plots/text-width.js";

/** The width resvg gives the text when it draws it, the same way the PNGs are drawn. */
function drawnWidth(text: string, size: number, weight: string): number {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="60"><text x="10" y="40" font-family="DejaVu Sans" font-size="${size}px" font-weight="${weight}">${text}</text></svg>`;
  const box = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } }).getBBox();
  assert.ok(box, `resvg drew nothing for "${text}"`);
  return box.width;
}

test("dejaVuSansWidth matches the width resvg draws, within 5% and the side bearings", () => {
  const cases: [string, number, boolean][] = [
    ["variance-aware (KL)", 11, false],
    ["mmmm wwww", 11, false],
    ["illicit little lilies", 12, false],
    ["0.125 −0.300", 11, false],
    ["KL(π‖π0) budget ε (nats)", 12, false],
    ["Held-out accuracy per member", 15, true],
  ];
  for (const [text, size, bold] of cases) {
    const estimate = dejaVuSansWidth(text, size, bold);
    const drawn = drawnWidth(text, size, bold ? "bold" : "normal");
    // The box holds the ink only, leaving out the first and last glyphs' side bearings (about 2 px).
    assert.ok(
      Math.abs(estimate - drawn) < 0.05 * drawn + 2,
      `"${text}": estimated ${estimate}, drawn ${drawn}`,
    );
  }
});

test("dejaVuSansWidth tells narrow from wide letters and scales with the font size", () => {
  assert.ok(dejaVuSansWidth("iiii", 11) < dejaVuSansWidth("mmmm", 11) / 3);
  assert.equal(dejaVuSansWidth("abc", 22), 2 * dejaVuSansWidth("abc", 11));
  assert.equal(dejaVuSansWidth("", 11), 0);
});
