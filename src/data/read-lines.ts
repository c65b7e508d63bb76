import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { atLine, UserError } from "../runtime/errors.js";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * `<basename>:<line>`: the default id of a record without one. Joined rather than concatenated: V8 keeps a
 * concatenation of 13 characters or more as a tree of string pieces, and a basename of 13 or more as a slice of
 * the path, ~100 bytes an id where a flat string takes ~40 (60 MB of a million pairs).
 */
export function defaultId(file: string, line: number): string {
  return [basename(file), line].join(":");
}

/** Turns the errors of opening, reading or gunzipping a file into UserErrors naming it; others are bugs. */
function describeReadError(file: string, error: unknown): unknown {
  if (error instanceof UserError || !(error instanceof Error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new UserError(`${file}: no such file`);
  if (code === "EISDIR") return new UserError(`${file}: is a directory, not a data file`);
  if (code === "EACCES") return new UserError(`${file}: permission denied`);
  if (code?.startsWith("Z_") || code === "ERR_ZLIB_INITIALIZATION_FAILED") {
    return new UserError(`${file}: not a valid gzip file, truncated or corrupt (${error.message})`);
  }
  return error;
}

/** The raw bytes of a file, gunzipped when its name ends in .gz. */
async function* readChunks(file: string): AsyncGenerator<Buffer> {
  const raw = createReadStream(file);
  const input: Readable = file.endsWith(".gz") ? pipeline(raw, createGunzip(), () => {}) : raw;
  try {
    for await (const chunk of input) yield chunk as Buffer;
  } catch (error) {
    throw describeReadError(file, error);
  } finally {
    raw.destroy();
    input.destroy();
  }
}

/**
 * The lines of a file, numbered from 1, without their line ends. Lines are split on bytes and decoded one by
 * one with a strict UTF-8 decoder (node:readline would silently replace bad bytes), so a bad byte names its line.
 */
export async function* readLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const decode = (bytes: Buffer, line: number): string => {
    const end =
      bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
    try {
      return decoder.decode(bytes.subarray(0, end));
    } catch {
      throw atLine(file, line, "bytes that are not valid UTF-8");
    }
  };
  let line = 0;
  let pending: Buffer[] = [];
  for await (const chunk of readChunks(file)) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, end);
      const bytes = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      start = end + 1;
      line += 1;
      yield { line, text: decode(bytes, line) };
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) {
    line += 1;
    yield { line, text: decode(Buffer.concat(pending), line) };
  }
}
