import { fileURLToPath } from "node:url";

/** The path of a fixture under test/fixtures/data (tests run from dist/test/data). */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../../test/fixtures/data/${name}`, import.meta.url));
}

/** An assert.rejects matcher: a UserError whose message matches `pattern`. */
export function userError(pattern: RegExp): { name: string; message: RegExp } {
  return { name: "UserError", message: pattern };
}
