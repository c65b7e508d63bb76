/**
 * Text widths in DejaVu Sans, the font of every plot. Without a canvas vega guesses 0.8 em a character, which
 * truncates labels early and leaves wide gaps beside rotated ones; the font's own advance widths do better.
 */

/** Advance widths of ASCII 32 (space) to 126 (~) in hundredths of an em, from DejaVuSans.ttf's hmtx table. */
const ASCII_WIDTHS = [
  32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 34,
  34, 84, 84, 84, 53, 100, 68, 69, 70, 77, 63, 58, 77, 75, 29, 29, 66, 56, 86, 75, 79, 60, 79, 69, 63, 61, 73,
  68, 99, 69, 61, 69, 39, 34, 39, 84, 50, 50, 61, 63, 55, 63, 62, 35, 63, 63, 28, 28, 58, 28, 97, 63, 61, 63,
  63, 41, 52, 39, 63, 59, 82, 59, 59, 52, 64, 34, 64, 84,
];

/** Most other characters a plot shows (Greek letters, ε, Δ, ≤) are close to a lower-case letter. */
const OTHER_WIDTH = 62;

/** The bold face is about 13% wider. */
const BOLD_FACTOR = 1.13;

export function dejaVuSansWidth(text: string, fontSize: number, bold = false): number {
  let hundredths = 0;
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    hundredths += code >= 32 && code <= 126 ? ASCII_WIDTHS[code - 32] : OTHER_WIDTH;
  }
  return (hundredths / 100) * fontSize * (bold ? BOLD_FACTOR : 1);
}
