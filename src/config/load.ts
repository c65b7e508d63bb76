import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { ZodError } from "zod";
import { UserError } from "../runtime/errors.js";
import { dataDir } from "../runtime/paths.js";
import { type Config, configSchema } from "./schema.js";

function describeIssues(error: ZodError, source: string): string {
  const lines = error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    if (issue.code === "unrecognized_keys") {
      const prefix = issue.path.length > 0 ? `${issue.path.join(".")}.` : "";
      return `unknown key ${issue.keys.map((k) => `'${prefix}${k}'`).join(", ")}`;
    }
    return `${key}: ${issue.message}`;
  });
  return `${source}: invalid config:\n  ${lines.join("\n  ")}`;
}

/** Sets `a.b.c` in a plain object tree, creating objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    if (child === undefined) node[key] = {};
    else if (typeof child !== "object" || child === null || Array.isArray(child)) {
      throw new UserError(`--set ${path}: '${key}' is not a section`);
    }
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** Parses `--set key=value` overrides; values are YAML scalars or flow collections (`[0.1, 1]`). */
export function applyOverrides(raw: Record<string, unknown>, overrides: string[]): Record<string, unknown> {
  const result = structuredClone(raw);
  for (const override of overrides) {
    const eq = override.indexOf("=");
    if (eq <= 0) throw new UserError(`--set ${override}: expected key=value`);
    const key = override.slice(0, eq).trim();
    let value: unknown;
    try {
      value = parseYaml(override.slice(eq + 1));
    } catch {
      throw new UserError(`--set ${override}: the value is not valid YAML`);
    }
    setPath(result, key, value);
  }
  return result;
}

function expandDataDir(path: string): string {
  return path.replaceAll("${ALIGN_DATA_DIR}", dataDir());
}

/** Validates a raw config object; `source` names it in error messages. */
export function resolveConfig(raw: unknown, source: string, baseDir = process.cwd()): Config {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new UserError(describeIssues(parsed.error, source));
  const config = parsed.data;
  if (config.data.path !== undefined) {
    const usesDataDir = config.data.path.includes("${ALIGN_DATA_DIR}");
    config.data.path = resolve(baseDir, expandDataDir(config.data.path));
    if (usesDataDir && !existsSync(config.data.path)) {
      throw new UserError(
        `${source}: data.path ${config.data.path} not found: set ALIGN_DATA_DIR to the folder holding the real data ` +
          `(now ${dataDir()}), or download it there with \`bash scripts/fetch-data.sh "$ALIGN_DATA_DIR"\``,
      );
    }
  }
  return config;
}

/** Reads, overrides and validates a YAML config; with no file, the embedded defaults. */
export function loadConfig(file: string | undefined, overrides: string[] = []): Config {
  let raw: unknown = {};
  let source = "defaults";
  if (file !== undefined) {
    source = file;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      throw new UserError(`${file}: cannot read the config file`);
    }
    try {
      raw = parseYaml(text) ?? {};
    } catch (error) {
      if (error instanceof YAMLParseError) {
        const where = error.linePos?.[0];
        const at = where ? `:${where.line}:${where.col}` : "";
        throw new UserError(`${file}${at}: YAML syntax error: ${error.message.split("\n")[0]}`);
      }
      throw error;
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new UserError(`${file}: a config must be a YAML mapping of keys to values`);
    }
  }
  const withOverrides = applyOverrides(raw as Record<string, unknown>, overrides);
  return resolveConfig(withOverrides, source, process.cwd());
}
