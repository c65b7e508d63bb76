import { existsSync, readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { Marked } from "marked";
import { headingSlug } from "./banner.js";

/** A report as one HTML file: images inlined as data: URIs, an embedded stylesheet, nothing fetched from anywhere. */

const MIME: Record<string, string> = {
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
};

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
  line-height: 1.5; color: #1a1a1a; max-width: 1000px; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3 { line-height: 1.25; }
h1 { border-bottom: 2px solid #ddd; padding-bottom: 0.3rem; }
h2 { border-bottom: 1px solid #eee; padding-bottom: 0.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.92rem; display: block; overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: 0.35rem 0.7rem; vertical-align: top; }
th { background: #f3f3f3; }
th:not([align]) { text-align: left; }
tr:nth-child(even) td { background: #fafafa; }
img { max-width: 100%; height: auto; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em;
  background: #f3f3f3; padding: 0.1rem 0.25rem; border-radius: 3px; }
pre { background: #f3f3f3; padding: 0.8rem; overflow-x: auto; border-radius: 4px; }
pre code { padding: 0; background: none; }
blockquote { margin: 1rem 0; padding: 0 1rem; color: #555; border-left: 4px solid #ddd; }
.verdict { display: inline-block; padding: 0.05rem 0.55rem; border-radius: 0.8rem; font-weight: 600;
  white-space: nowrap; background: #e2e3e5; color: #383d41; }
.verdict-holds { background: #d4edda; color: #155724; }
.verdict-does-not-hold { background: #f8d7da; color: #721c24; }
.verdict-inconclusive { background: #fff3cd; color: #7a5b00; }
.missing { display: inline-block; color: #a00; background: #fee; border: 1px dashed #a00; padding: 0.3rem 0.6rem; }
`;

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** The image at src (relative to baseDir) as a data: URI, or why it cannot be inlined. */
function inlineImage(src: string, baseDir: string): { uri: string } | { problem: string } {
  if (src.startsWith("data:")) return { uri: src };
  if (/^[a-z][a-z0-9+.-]*:/i.test(src)) return { problem: `not inlined (external): ${src}` };
  let path = src;
  try {
    path = decodeURIComponent(src);
  } catch {
    // Not percent-encoded after all: use it as written.
  }
  const mime = MIME[extname(path).toLowerCase()];
  if (mime === undefined) return { problem: `not inlined (unsupported image type): ${src}` };
  const file = resolve(baseDir, path);
  if (!existsSync(file)) return { problem: `missing: ${src}` };
  return { uri: `data:${mime};base64,${readFileSync(file).toString("base64")}` };
}

function missingNote(problem: string): string {
  return `<span class="missing">${escapeHtml(problem)}</span>`;
}

function imageTag(src: string, alt: string, title: string | null, baseDir: string): string {
  const image = inlineImage(src, baseDir);
  if ("problem" in image) return missingNote(image.problem);
  const titleAttribute = title ? ` title="${escapeHtml(title)}"` : "";
  return `<img src="${image.uri}" alt="${escapeHtml(alt)}"${titleAttribute}>`;
}

function unescapeAttribute(value: string): string {
  return value
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** Raw `<img src="...">` tags written in the markdown get the same treatment as `![alt](src)`. */
function inlineRawImages(html: string, baseDir: string): string {
  return html.replace(
    /<img\b([^>]*?)\bsrc\s*=\s*(["'])(.*?)\2([^>]*)>/gi,
    (_tag, before, quote, src, after) => {
      const image = inlineImage(unescapeAttribute(src), baseDir);
      return "problem" in image
        ? missingNote(image.problem)
        : `<img${before}src=${quote}${image.uri}${quote}${after}>`;
    },
  );
}

/** Renders markdown to a self-contained page; images are read from baseDir and a missing one is shown as such. */
export function markdownToHtml(markdown: string, baseDir: string, title: string): string {
  const marked = new Marked({
    gfm: true,
    renderer: {
      image: ({ href, title: imageTitle, text }) => imageTag(href, text, imageTitle, baseDir),
      // Ids as GitHub gives them, so the table of contents links in the .md and the .html alike.
      heading({ tokens, depth, text }) {
        return `<h${depth} id="${headingSlug(text)}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
      html: ({ text }) => inlineRawImages(text, baseDir),
    },
  });
  const body = marked.parse(markdown, { async: false });
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    body.trimEnd(),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
