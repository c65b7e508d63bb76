import { atLine } from "../runtime/errors.js";

/** Checks on the fields of one JSON record; every error names the file and line. */

export type JsonObject = Record<string, unknown>;

/** Where a record was read; `path` prefixes field names of nested records, e.g. "candidates[3]". */
export interface Where {
  file: string;
  line: number;
  path?: string;
}

function fieldName(key: string, where: Where): string {
  return where.path === undefined ? key : `${where.path}.${key}`;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Parses one line as a JSON object. */
export function parseJsonObject(text: string, where: Where): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Python's json module writes NaN and Infinity, which JSON (and JSON.parse) rejects: say so plainly.
    const hint = /\b(NaN|Infinity)\b/.test(text) ? " (NaN and Infinity are not JSON numbers)" : "";
    throw atLine(where.file, where.line, `malformed JSON${hint}: ${(error as Error).message}`);
  }
  return asObject(value, where);
}

/** The value as a JSON object, or an error naming what it is instead. */
export function asObject(value: unknown, where: Where): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const what = where.path === undefined ? "the line" : where.path;
    throw atLine(where.file, where.line, `${what} must be a JSON object, got ${describeType(value)}`);
  }
  return value as JsonObject;
}

function present(record: JsonObject, key: string, where: Where): unknown {
  const value = record[key];
  if (value === undefined) throw atLine(where.file, where.line, `missing field "${fieldName(key, where)}"`);
  return value;
}

/** A string field that must be present; with `nonEmpty`, it must hold more than whitespace. */
export function stringField(record: JsonObject, key: string, where: Where, nonEmpty = true): string {
  const value = present(record, key, where);
  const name = fieldName(key, where);
  if (typeof value !== "string") {
    throw atLine(where.file, where.line, `field "${name}" must be a string, got ${describeType(value)}`);
  }
  if (nonEmpty && value.trim() === "") throw atLine(where.file, where.line, `field "${name}" is empty`);
  return value;
}

/** A non-empty string field that may be absent. */
export function optionalStringField(record: JsonObject, key: string, where: Where): string | undefined {
  return record[key] === undefined ? undefined : stringField(record, key, where);
}

/** A field that must be a finite number (JSON.parse reads 1e999 as Infinity). */
export function finiteNumberField(record: JsonObject, key: string, where: Where): number {
  const value = present(record, key, where);
  if (typeof value !== "number" || !Number.isFinite(value)) {
    const shown = typeof value === "number" ? String(value) : JSON.stringify(value);
    throw atLine(
      where.file,
      where.line,
      `field "${fieldName(key, where)}" must be a finite number, got ${shown}`,
    );
  }
  return value;
}

/** A field that must be an array. */
export function arrayField(record: JsonObject, key: string, where: Where): unknown[] {
  const value = present(record, key, where);
  if (!Array.isArray(value)) {
    throw atLine(
      where.file,
      where.line,
      `field "${fieldName(key, where)}" must be an array, got ${describeType(value)}`,
    );
  }
  return value;
}
