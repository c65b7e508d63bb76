import { existsSync, readFileSync, rmSync } from "node:fs";
import { endianness } from "node:os";
import { join } from "node:path";
import { rowEntries } from "../features/pool.js";
import type { TrainingData } from "../features/training-data.js";
import { UserError } from "../runtime/errors.js";
import { writeFileAtomic } from "../runtime/files.js";
import type { MemberState } from "./train.js";

/**
 * A member's state at the end of an epoch, in one file written atomically (so a kill at any moment
 * leaves the previous checkpoint or the new one): a little-endian uint32 header length, the JSON
 * header, padding to 4 bytes, then the float32 arrays (weights, Adam's m, Adam's v) back to back in the
 * machine's byte order (the header names it; a checkpoint is resumed where it was written, or on a
 * machine like it, unlike weights.bin which is portable).
 */
const FORMAT = "align-rm-checkpoint";
const VERSION = 1;

/** What a checkpoint must have been trained on to be resumed: the same training rows. */
export interface DataFingerprint {
  trainPairs: number;
  trainEntries: number;
}

interface Header {
  format: string;
  version: number;
  fingerprint: DataFingerprint;
  byteOrder: "BE" | "LE";
  state: Omit<MemberState, "params" | "m" | "v"> & { template: Omit<MemberState["params"], "tensors"> };
  arrays: { kind: "params" | "m" | "v"; name: string; shape: number[]; length: number }[];
}

/** JSON that keeps NaN and ±Infinity (an epoch record of an empty split holds NaN). */
const encode = (_: string, value: unknown) =>
  typeof value === "number" && !Number.isFinite(value) ? { number: String(value) } : value;
const decode = (_: string, value: unknown) =>
  value !== null && typeof value === "object" && "number" in value && Object.keys(value).length === 1
    ? Number((value as { number: string }).number)
    : value;

export function checkpointPath(memberDir: string): string {
  return join(memberDir, "checkpoint.bin");
}

export function dataFingerprint(data: TrainingData): DataFingerprint {
  let trainEntries = 0;
  for (const pair of data.splits.train)
    trainEntries += rowEntries(data.pool, 2 * pair) + rowEntries(data.pool, 2 * pair + 1);
  return { trainPairs: data.splits.train.length, trainEntries };
}

export function saveCheckpoint(memberDir: string, state: MemberState, fingerprint: DataFingerprint): void {
  const { params, m, v, ...rest } = state;
  const { tensors, ...template } = params;
  const arrays: Header["arrays"] = [];
  const blobs: Float32Array[] = [];
  for (const [kind, source] of [
    ["params", Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, t.data]))],
    ["m", m],
    ["v", v],
  ] as const) {
    for (const [name, data] of Object.entries(source)) {
      arrays.push({ kind, name, shape: tensors[name].shape, length: data.length });
      blobs.push(data);
    }
  }
  const header: Header = {
    format: FORMAT,
    version: VERSION,
    fingerprint,
    byteOrder: endianness(),
    state: { ...rest, template },
    arrays,
  };
  const json = Buffer.from(JSON.stringify(header, encode), "utf8");
  const dataStart = Math.ceil((4 + json.length) / 4) * 4;
  const total = blobs.reduce((n, b) => n + b.length, 0);
  const file = Buffer.alloc(dataStart + 4 * total);
  file.writeUInt32LE(json.length, 0);
  json.copy(file, 4);
  const floats = new Float32Array(file.buffer, file.byteOffset + dataStart, total);
  let offset = 0;
  for (const blob of blobs) {
    floats.set(blob, offset);
    offset += blob.length;
  }
  writeFileAtomic(checkpointPath(memberDir), file);
}

/** The member's last checkpoint, or undefined when it has none. */
export function loadCheckpoint(memberDir: string, fingerprint: DataFingerprint): MemberState | undefined {
  const path = checkpointPath(memberDir);
  if (!existsSync(path)) return undefined;
  const file = readFileSync(path);
  let header: Header;
  try {
    header = JSON.parse(file.toString("utf8", 4, 4 + file.readUInt32LE(0)), decode);
  } catch {
    throw new UserError(`${path}: not a readable checkpoint (delete it, or pass --force to start over)`);
  }
  if (header.format !== FORMAT || header.version !== VERSION) {
    throw new UserError(
      `${path}: not an ${FORMAT} v${VERSION} file (delete it, or pass --force to start over)`,
    );
  }
  if (header.byteOrder !== endianness()) {
    throw new UserError(
      `${path}: written on a ${header.byteOrder} machine, this one is ${endianness()}: pass --force to start over`,
    );
  }
  if (JSON.stringify(header.fingerprint) !== JSON.stringify(fingerprint)) {
    throw new UserError(
      `${path}: made from other training data (${JSON.stringify(header.fingerprint)}, now ${JSON.stringify(fingerprint)}): ` +
        "pass --force to start over",
    );
  }
  const arrays = { params: {}, m: {}, v: {} } as Record<
    Header["arrays"][number]["kind"],
    Record<string, Float32Array>
  >;
  const shapes: Record<string, number[]> = {};
  let offset = Math.ceil((4 + file.readUInt32LE(0)) / 4) * 4;
  for (const entry of header.arrays) {
    if (offset + 4 * entry.length > file.length)
      throw new UserError(`${path}: truncated (pass --force to start over)`);
    arrays[entry.kind][entry.name] = new Float32Array(
      file.buffer.slice(file.byteOffset + offset, file.byteOffset + offset + 4 * entry.length),
    );
    shapes[entry.name] = entry.shape;
    offset += 4 * entry.length;
  }
  const { template, ...rest } = header.state;
  const tensors = Object.fromEntries(
    Object.entries(shapes).map(([name, shape]) => [name, { shape, data: arrays.params[name] }]),
  );
  return { ...rest, params: { ...template, tensors }, m: arrays.m, v: arrays.v };
}

export function removeCheckpoint(memberDir: string): void {
  rmSync(checkpointPath(memberDir), { force: true });
}
