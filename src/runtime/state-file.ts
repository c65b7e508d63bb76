import { existsSync, readFileSync } from "node:fs";
import { endianness } from "node:os";
import { UserError } from "./errors.js";
import { writeFileAtomic } from "./files.js";

/**
 * A training checkpoint in one file written atomically (so a kill at any moment leaves the previous
 * checkpoint or the new one): a little-endian uint32 header length, the JSON header, padding to 4 bytes,
 * then float32 arrays back to back in the machine's byte order (the header names it; a checkpoint is
 * resumed where it was written, or on a machine like it, unlike the portable weight files). The header
 * holds the format, its version, the caller's fields and one descriptor per array (the caller's fields
 * plus its length). Numbers in the header keep NaN and ±Infinity.
 */

export interface StoredArray<Descriptor> {
  descriptor: Descriptor;
  data: Float32Array;
}

interface Header {
  format: string;
  version: number;
  byteOrder: "BE" | "LE";
  arrays: { length: number }[];
}

/** JSON that keeps NaN and ±Infinity (an epoch record of an empty split holds NaN). */
const encode = (_: string, value: unknown) =>
  typeof value === "number" && !Number.isFinite(value) ? { number: String(value) } : value;
const decode = (_: string, value: unknown) =>
  value !== null && typeof value === "object" && "number" in value && Object.keys(value).length === 1
    ? Number((value as { number: string }).number)
    : value;

export function writeStateFile<Fields extends object, Descriptor extends object>(
  path: string,
  kind: { format: string; version: number },
  fields: Fields,
  arrays: readonly StoredArray<Descriptor>[],
): void {
  const header = {
    format: kind.format,
    version: kind.version,
    ...fields,
    byteOrder: endianness(),
    arrays: arrays.map((a) => ({ ...a.descriptor, length: a.data.length })),
  };
  const json = Buffer.from(JSON.stringify(header, encode), "utf8");
  const dataStart = Math.ceil((4 + json.length) / 4) * 4;
  const total = arrays.reduce((n, a) => n + a.data.length, 0);
  const file = Buffer.alloc(dataStart + 4 * total);
  file.writeUInt32LE(json.length, 0);
  json.copy(file, 4);
  const floats = new Float32Array(file.buffer, file.byteOffset + dataStart, total);
  let offset = 0;
  for (const { data } of arrays) {
    floats.set(data, offset);
    offset += data.length;
  }
  writeFileAtomic(path, file);
}

/**
 * The fields and arrays of a checkpoint, or undefined when there is none. A file that is unreadable, of
 * another format or version, from a machine of the other byte order, or truncated is refused with a
 * UserError naming it: written atomically, it is not the trace of a kill, so it is not silently redone.
 */
export function readStateFile<Fields extends object, Descriptor extends object>(
  path: string,
  kind: { format: string; version: number },
): { fields: Fields; arrays: StoredArray<Descriptor>[] } | undefined {
  if (!existsSync(path)) return undefined;
  const file = readFileSync(path);
  let header: Header & Fields;
  let length: number;
  try {
    length = file.readUInt32LE(0);
    header = JSON.parse(file.toString("utf8", 4, 4 + length), decode);
  } catch {
    throw new UserError(`${path}: not a readable checkpoint (delete it, or pass --force to start over)`);
  }
  if (header.format !== kind.format || header.version !== kind.version || !Array.isArray(header.arrays)) {
    throw new UserError(
      `${path}: not an ${kind.format} v${kind.version} file (delete it, or pass --force to start over)`,
    );
  }
  if (header.byteOrder !== endianness()) {
    throw new UserError(
      `${path}: written on a ${header.byteOrder} machine, this one is ${endianness()}: pass --force to start over`,
    );
  }
  let offset = Math.ceil((4 + length) / 4) * 4;
  const arrays: StoredArray<Descriptor>[] = [];
  for (const { length: count, ...descriptor } of header.arrays) {
    if (offset + 4 * count > file.length)
      throw new UserError(`${path}: truncated (pass --force to start over)`);
    const data = new Float32Array(
      file.buffer.slice(file.byteOffset + offset, file.byteOffset + offset + 4 * count),
    );
    arrays.push({ descriptor: descriptor as Descriptor, data });
    offset += 4 * count;
  }
  const { format: _format, version: _version, byteOrder: _byteOrder, arrays: _arrays, ...fields } = header;
  return { fields: fields as unknown as Fields, arrays };
}
