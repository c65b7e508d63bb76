import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's root folder (dist/src/runtime/ is three levels below it). */
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** A path inside the package: its configs, README, package.json. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot, ...parts);
}

/** The real-data folder: $ALIGN_DATA_DIR, else ../shared/data beside the checkout. */
export function dataDir(): string {
  const fromEnv = process.env.ALIGN_DATA_DIR;
  if (fromEnv) return resolve(fromEnv);
  return resolve(packageRoot, "../shared/data");
}
