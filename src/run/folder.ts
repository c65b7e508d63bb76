import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { Config } from "../config/schema.js";
import { type BackendChoice, initBackend } from "../runtime/backend.js";
import { UserError } from "../runtime/errors.js";
import { writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { createLogger, type Logger } from "../runtime/logging.js";
import { packagePath } from "../runtime/paths.js";

/** What every stage of a run gets: where to write, the resolved config, a logger, the backend. */
export interface RunContext {
  out: string;
  config: Config;
  logger: Logger;
  backend: string;
  force: boolean;
}

export interface RunOptions {
  out: string;
  config: Config;
  backend: BackendChoice;
  force: boolean;
  command: string;
}

/** Config keys as dotted paths to their JSON values. */
export function flatten(value: unknown, prefix = ""): Map<string, string> {
  const result = new Map<string, string>();
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      for (const [k, v] of flatten(child, prefix ? `${prefix}.${key}` : key)) result.set(k, v);
    }
  } else {
    result.set(prefix, JSON.stringify(value));
  }
  return result;
}

/** Keys whose values differ between two configs, for a message a user can act on. */
export function configDifferences(a: unknown, b: unknown): string[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const keys = new Set([...fa.keys(), ...fb.keys()]);
  return [...keys].filter((k) => fa.get(k) !== fb.get(k)).sort();
}

export function packageVersions(): Record<string, string> {
  const read = (path: string) => JSON.parse(readFileSync(path, "utf8")).version as string;
  const versions: Record<string, string> = {
    node: process.versions.node,
    align: read(packagePath("package.json")),
  };
  for (const name of ["@tensorflow/tfjs-core", "vega", "vega-lite"]) {
    try {
      versions[name] = read(packagePath("node_modules", name, "package.json"));
    } catch {
      versions[name] = "unknown";
    }
  }
  return versions;
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: packagePath(),
      stdio: ["ignore", "pipe", "ignore"],
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

export function readJson(path: string): Record<string, unknown> | undefined {
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined;
}

/**
 * Opens (or creates) a run folder. A folder made from a different config is refused unless --force,
 * which clears it, so results of two configs never mix.
 */
export async function openRun(options: RunOptions): Promise<RunContext> {
  const out = resolve(options.out);
  const configPath = join(out, "config.yaml");
  if (existsSync(configPath)) {
    const previous = parseYaml(readFileSync(configPath, "utf8"));
    const differences = configDifferences(previous, options.config);
    if (differences.length > 0) {
      if (!options.force) {
        throw new UserError(
          `${out} holds a run made from a different config (differs at ${differences.slice(0, 5).join(", ")}` +
            `${differences.length > 5 ? ", …" : ""}): choose another --out, or pass --force to replace it`,
        );
      }
      rmSync(out, { recursive: true, force: true });
    }
  }
  writeFileAtomic(configPath, stringifyYaml(options.config));
  const logger = createLogger(join(out, "run.log"));
  const { backend, provider } = await initBackend(options.backend);
  logger.info({ command: options.command, backend, provider }, `${options.command}: backend ${backend}`);
  const runPath = join(out, "run.json");
  const run = readJson(runPath) ?? {};
  writeJsonAtomic(runPath, {
    ...run,
    name: options.config.name,
    seed: options.config.seed,
    backend,
    backendProvider: provider,
    versions: packageVersions(),
    gitCommit: gitCommit(),
    stages: run.stages ?? {},
  });
  return { out, config: options.config, logger, backend, force: options.force };
}
