import { endianness } from "node:os";
import { UserError } from "./errors.js";

/** A tensor as stored: row-major float32 values and their shape. */
export interface StoredTensor {
  shape: number[];
  data: Float32Array;
}

/** Where a tensor lies in a blob, as a manifest lists it. */
export interface BlobEntry {
  name: string;
  shape: number[];
  byteOffset: number;
  length: number;
}

/** Tensors back to back as little-endian float32 (the weight files' blob), with their manifest entries. */
export function packFloat32LE(tensors: readonly (readonly [string, StoredTensor])[]): {
  bytes: Uint8Array;
  entries: BlobEntry[];
} {
  const total = tensors.reduce((n, [, t]) => n + t.data.length, 0);
  const blob = new DataView(new ArrayBuffer(total * 4));
  const entries: BlobEntry[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    entries.push({ name, shape: t.shape, byteOffset: offset * 4, length: t.data.length });
    // A little-endian machine's floats are the file's bytes: one copy instead of a call per value.
    if (endianness() === "LE") new Float32Array(blob.buffer, offset * 4, t.data.length).set(t.data);
    else for (let i = 0; i < t.data.length; i++) blob.setFloat32((offset + i) * 4, t.data[i], true);
    offset += t.data.length;
  }
  return { bytes: new Uint8Array(blob.buffer), entries };
}

/** The tensors a manifest lists, read from `blob` (the contents of `file`, named when it is truncated). */
export function unpackFloat32LE(
  blob: Buffer,
  entries: readonly BlobEntry[],
  file: string,
): Record<string, StoredTensor> {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const tensors: Record<string, StoredTensor> = {};
  for (const t of entries) {
    if (t.byteOffset + t.length * 4 > blob.byteLength) throw new UserError(`${file}: truncated`);
    const data = new Float32Array(t.length);
    for (let i = 0; i < t.length; i++) data[i] = view.getFloat32(t.byteOffset + i * 4, true);
    tensors[t.name] = { shape: t.shape, data };
  }
  return tensors;
}
