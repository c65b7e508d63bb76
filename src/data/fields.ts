import { atLine, UserError } from "../runtime/errors.js";

/** Checks on the fields of one record (a JSON line or a parquet row); every error names the file and line or row. */

export type JsonObject = Record<string, unknown>;

/**
 * Where a record was read; `path` prefixes field names of nested records, e.g. "candidates[3]". A parquet
 * record is a row (`unit`) of columns (`noun`): its errors say `file: row N: column "x"`.
 */
export interface Where {
  file: string;
  line: number;
  path?: string;
  unit?: "row";
  noun?: "column";
}

/** "file:line: reason", or "file: row N: reason" for a parquet row. */
export function whereError(where: Where, reason: string): UserError {
  return where.unit === "row"
    ? new UserError(`${where.file}: row ${where.line}: ${reason}`)
    : atLine(where.file, where.line, reason);
}

function fieldName(key: string, where: Where): string {
  return where.path === undefined ? key : `${where.path}.${key}`;
}

/** `field "key"` (JSON) or `column "key"` (parquet), with the nested path. */
export function describeField(key: string, where: Where): string {
  return `${where.noun ?? "field"} "${fieldName(key, where)}"`;
}

export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Uint8Array) return "bytes";
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
    throw whereError(where, `malformed JSON${hint}: ${(error as Error).message}`);
  }
  return asObject(value, where);
}

/** The value as a JSON object, or an error naming what it is instead. */
export function asObject(value: unknown, where: Where): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const what = where.path === undefined ? "the line" : where.path;
    throw whereError(
      where,
      `${what} must be ${where.noun === undefined ? "a JSON object" : "an object"}, got ${describeType(value)}`,
    );
  }
  return value as JsonObject;
}

function present(record: JsonObject, key: string, where: Where): unknown {
  const value = record[key];
  if (value === undefined) throw whereError(where, `missing ${describeField(key, where)}`);
  return value;
}

/** A string field that must be present; with `nonEmpty`, it must hold more than whitespace. */
export function stringField(record: JsonObject, key: string, where: Where, nonEmpty = true): string {
  const value = present(record, key, where);
  const name = describeField(key, where);
  if (typeof value !== "string")
    throw whereError(where, `${name} must be a string, got ${describeType(value)}`);
  if (nonEmpty && value.trim() === "") throw whereError(where, `${name} is empty`);
  return value;
}

/** A non-empty string field that may be absent. */
export function optionalStringField(record: JsonObject, key: string, where: Where): string | undefined {
  return record[key] === undefined ? undefined : stringField(record, key, where);
}

/** An id: a non-empty string or, in a parquet column (ids there are often int64), an integer as its decimal text. */
export function idField(record: JsonObject, key: string, where: Where): string {
  const value = record[key];
  const integer = typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value));
  if (integer && where.noun === "column") return String(value);
  return stringField(record, key, where);
}

/** A field that must be a finite number (JSON.parse reads 1e999 as Infinity; parquet's int64 is a bigint). */
export function finiteNumberField(record: JsonObject, key: string, where: Where): number {
  const raw = present(record, key, where);
  const value = typeof raw === "bigint" ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    const shown = typeof value === "number" ? String(value) : (JSON.stringify(value) ?? String(value));
    throw whereError(where, `${describeField(key, where)} must be a finite number, got ${shown}`);
  }
  return value;
}

/** A field that must be an array. */
export function arrayField(record: JsonObject, key: string, where: Where): unknown[] {
  const value = present(record, key, where);
  if (!Array.isArray(value))
    throw whereError(where, `${describeField(key, where)} must be an array, got ${describeType(value)}`);
  return value;
}
