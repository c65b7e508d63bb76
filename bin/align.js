#!/usr/bin/env node
import { existsSync } from "node:fs";

const entry = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  console.error("align: not built yet: run `npm run build` (npm ci builds it too)");
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
