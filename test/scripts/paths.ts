import { fileURLToPath } from "node:url";

/** A path under the repository root (tests run from dist/test/scripts). */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../../../${relative}`, import.meta.url));
}
