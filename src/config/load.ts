import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import {
  ZodArray,
  ZodDefault,
  ZodEffects,
  type ZodError,
  ZodObject,
  ZodOptional,
  ZodString,
  type ZodTypeAny,
} from "zod";
import { UserError } from "../runtime/errors.js";
import { dataDir, packagePath } from "../runtime/paths.js";
import { suggestKey } from "../runtime/suggest.js";
import { type Config, configSchema, renamedKeys, type SourceConfig } from "./schema.js";

/** The new name of a renamed key (data.eval has data's keys, renamed alike), if it was renamed. */
function renamedKey(path: string): string | undefined {
  const evaluation = path.startsWith("data.eval.");
  const asData = evaluation ? `data.${path.slice("data.eval.".length)}` : path;
  if (!Object.hasOwn(renamedKeys, asData)) return undefined;
  const renamed = renamedKeys[asData];
  return evaluation ? `data.eval.${renamed.slice("data.".length)}` : renamed;
}

/** Aliases a config may expand: enough for any hand-written config, far too few for a "billion laughs" bomb. */
const maxAliasCount = 100;

/** Keys that would reach Object.prototype when set on a plain object. */
const forbiddenKeys = new Set(["__proto__", "constructor", "prototype"]);

/** An override's key path and its text, so that errors it causes name it rather than the file. */
interface Override {
  path: string[];
  text: string;
}

/** The schema node at a key path (defaults, optionals and refinements unwrapped), or undefined. */
function schemaAt(path: readonly (string | number)[]): ZodTypeAny | undefined {
  let node: ZodTypeAny | undefined = configSchema;
  for (let i = 0; ; i++) {
    while (node instanceof ZodDefault || node instanceof ZodOptional || node instanceof ZodEffects) {
      node = node instanceof ZodEffects ? node._def.schema : node._def.innerType;
    }
    if (i === path.length || node === undefined) return node;
    const key = path[i];
    if (node instanceof ZodObject) node = (node.shape as Record<string, ZodTypeAny>)[String(key)];
    else if (node instanceof ZodArray) node = node.element;
    else return undefined;
  }
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let node = raw;
  for (const key of path) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Overrides whose key path lies on the issue's path (above, at or below it). */
function overridesOn(path: readonly (string | number)[], overrides: Override[]): Override[] {
  const issue = path.map(String);
  return overrides.filter((o) => {
    const n = Math.min(o.path.length, issue.length);
    return o.path.slice(0, n).every((k, i) => k === issue[i]);
  });
}

function describeIssues(error: ZodError, raw: unknown, source: string, overrides: Override[]): string {
  let fromFile = false;
  const lines = error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      const known = Object.keys((schemaAt(issue.path) as ZodObject<never> | undefined)?.shape ?? {});
      const prefix = issue.path.length > 0 ? `${issue.path.join(".")}.` : "";
      return issue.keys.map((k) => {
        const blame = overridesOn([...issue.path, k], overrides);
        if (blame.length === 0) fromFile = true;
        const renamed = renamedKey(`${prefix}${k}`);
        const suggestion = suggestKey(k, known);
        const hint =
          renamed !== undefined
            ? ` (renamed to '${renamed}')`
            : suggestion === undefined
              ? ""
              : ` (did you mean '${prefix}${suggestion}'?)`;
        return `unknown key '${prefix}${k}'${hint}${blame.map((o) => ` [--set ${o.text}]`).join("")}`;
      });
    }
    const key = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    const value = valueAt(raw, issue.path);
    const got = value === undefined ? "" : `; got ${show(value)}`;
    const blame = overridesOn(issue.path, overrides);
    if (blame.length === 0) fromFile = true;
    return [`${key}: ${issue.message}${got}${blame.map((o) => ` [--set ${o.text}]`).join("")}`];
  });
  const header = fromFile ? `${source}: invalid config` : "invalid --set override";
  return `${header}:\n  ${lines.join("\n  ")}`;
}

/** Sets `a.b.c` in a plain object tree, creating objects on the way. */
function setPath(target: Record<string, unknown>, keys: string[], value: unknown, text: string): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    if (child === undefined) node[key] = {};
    else if (typeof child !== "object" || child === null || Array.isArray(child)) {
      throw new UserError(`--set ${text}: '${key}' is not a section`);
    }
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function overrideKeyPath(override: string): string[] {
  return override.slice(0, override.indexOf("=")).trim().split(".");
}

function parseOverride(override: string): Override & { value: unknown } {
  const eq = override.indexOf("=");
  if (eq <= 0) throw new UserError(`--set ${override}: expected key=value`);
  const path = overrideKeyPath(override);
  const bad = path.find((k) => k === "" || forbiddenKeys.has(k));
  if (bad !== undefined) throw new UserError(`--set ${override}: '${bad}' is not a config key`);
  const valueText = override.slice(eq + 1);
  let value: unknown;
  try {
    value = parseYaml(valueText, { maxAliasCount });
  } catch {
    throw new UserError(`--set ${override}: the value is not valid YAML`);
  }
  // `--set name=123` means the string "123" where the schema wants a string, not the number YAML reads.
  if (
    schemaAt(path) instanceof ZodString &&
    typeof value !== "string" &&
    (typeof value !== "object" || value === null)
  ) {
    value = valueText.trim();
  }
  return { path, text: override, value };
}

/** Parses `--set key=value` overrides; values are YAML scalars or flow collections (`[0.1, 1]`). */
export function applyOverrides(raw: Record<string, unknown>, overrides: string[]): Record<string, unknown> {
  const result = structuredClone(raw);
  for (const override of overrides) {
    const { path, text, value } = parseOverride(override);
    setPath(result, path, value, text);
  }
  return result;
}

function expandDataDir(path: string): string {
  return path.replaceAll("${ALIGN_DATA_DIR}", dataDir());
}

/** Resolves a data source's path (`key` names it) against `baseDir`, expanding `${ALIGN_DATA_DIR}`. */
function resolveDataPath(data: SourceConfig, key: string, source: string, baseDir: string): void {
  if (data.path === undefined) return;
  const usesDataDir = data.path.includes("${ALIGN_DATA_DIR}");
  data.path = resolve(baseDir, expandDataDir(data.path));
  if (usesDataDir && !existsSync(data.path)) {
    throw new UserError(
      `${source}: ${key}.path ${data.path} not found: set ALIGN_DATA_DIR to the folder holding the real data ` +
        `(now ${dataDir()}), or download it there with \`bash scripts/fetch-data.sh "$ALIGN_DATA_DIR"\``,
    );
  }
}

/**
 * Validates a raw config object; `source` names it in error messages, and errors on keys that an
 * override (`--set key=value`, as given) set name that override instead.
 */
export function resolveConfig(
  raw: unknown,
  source: string,
  baseDir = process.cwd(),
  overrides: string[] = [],
): Config {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const blame = overrides.map((text) => ({
      text,
      path: text.slice(0, text.indexOf("=")).trim().split("."),
    }));
    throw new UserError(describeIssues(parsed.error, raw, source, blame));
  }
  const config = parsed.data;
  resolveDataPath(config.data, "data", source, baseDir);
  if (config.data.eval !== undefined) resolveDataPath(config.data.eval, "data.eval", source, baseDir);
  const { embeddings } = config.features;
  if (embeddings.path !== undefined) embeddings.path = resolve(baseDir, expandDataDir(embeddings.path));
  if (embeddings.index !== undefined) embeddings.index = resolve(baseDir, expandDataDir(embeddings.index));
  return config;
}

function readConfigText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError(`${file}: config file not found`);
    if (code === "EISDIR") throw new UserError(`${file}: is a folder, not a config file`);
    throw new UserError(`${file}: cannot read the config file (${code ?? String(error)})`);
  }
}

function parseConfigText(file: string, text: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount }) ?? {};
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0];
      const at = where ? `:${where.line}:${where.col}` : "";
      throw new UserError(`${file}${at}: YAML syntax error: ${error.message.trimEnd()}`);
    }
    // The yaml package refuses documents whose aliases expand past maxAliasCount with a ReferenceError.
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new UserError(`${file}: refused: more than ${maxAliasCount} YAML aliases (${error.message})`);
    }
    throw error;
  }
}

/** Reads, overrides and validates a YAML config; with no file, the schema defaults. */
export function loadConfig(file: string | undefined, overrides: string[] = []): Config {
  let raw: unknown = {};
  let source = "defaults";
  if (file !== undefined) {
    source = file;
    raw = parseConfigText(file, readConfigText(file));
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new UserError(`${file}: a config must be a YAML mapping of keys to values`);
    }
  }
  const withOverrides = applyOverrides(raw as Record<string, unknown>, overrides);
  return resolveConfig(withOverrides, source, process.cwd(), overrides);
}

/** The embedded default study: what every command runs without --config. */
export function defaultConfigPath(): string {
  return packagePath("configs", "quick.yaml");
}
