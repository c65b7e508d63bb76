import { readFileSync } from "node:fs";
import { endianness } from "node:os";
import { join } from "node:path";
import type { FeaturesConfig } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";
import { writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import type { HeadParams } from "./params.js";

/**
 * On-disk format of a reward head, readable on any backend and from any language:
 * `weights.json` describes the tensors (name, shape, offset into the blob) and the featurizer;
 * `weights.bin` holds them back to back as little-endian float32, row-major.
 */
export const WEIGHTS_FORMAT = "align-reward-head";
export const WEIGHTS_VERSION = 1;

interface WeightsManifest {
  format: string;
  version: number;
  head: HeadParams["head"];
  inputDim: number;
  hiddenUnits: number;
  dtype: "float32";
  byteOrder: "little-endian";
  features: FeaturesConfig;
  tensors: { name: string; shape: number[]; byteOffset: number; length: number }[];
}

export function saveWeights(dir: string, params: HeadParams, features: FeaturesConfig): void {
  const entries = Object.entries(params.tensors);
  const total = entries.reduce((n, [, t]) => n + t.data.length, 0);
  const blob = new DataView(new ArrayBuffer(total * 4));
  const tensors: WeightsManifest["tensors"] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    tensors.push({ name, shape: t.shape, byteOffset: offset * 4, length: t.data.length });
    // A little-endian machine's floats are the file's bytes: one copy instead of a call per weight.
    if (endianness() === "LE") new Float32Array(blob.buffer, offset * 4, t.data.length).set(t.data);
    else for (let i = 0; i < t.data.length; i++) blob.setFloat32((offset + i) * 4, t.data[i], true);
    offset += t.data.length;
  }
  const manifest: WeightsManifest = {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    head: params.head,
    inputDim: params.inputDim,
    hiddenUnits: params.hiddenUnits,
    dtype: "float32",
    byteOrder: "little-endian",
    features,
    tensors,
  };
  writeFileAtomic(join(dir, "weights.bin"), new Uint8Array(blob.buffer));
  writeJsonAtomic(join(dir, "weights.json"), manifest);
}

export function loadWeights(dir: string): { params: HeadParams; features: FeaturesConfig } {
  const manifestPath = join(dir, "weights.json");
  let manifest: WeightsManifest;
  let blob: Buffer;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    blob = readFileSync(join(dir, "weights.bin"));
  } catch {
    throw new UserError(`${dir}: cannot read weights.json and weights.bin`);
  }
  if (manifest.format !== WEIGHTS_FORMAT || manifest.version !== WEIGHTS_VERSION) {
    throw new UserError(`${manifestPath}: not an ${WEIGHTS_FORMAT} v${WEIGHTS_VERSION} file`);
  }
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const tensors: HeadParams["tensors"] = {};
  for (const t of manifest.tensors) {
    if (t.byteOffset + t.length * 4 > blob.byteLength) throw new UserError(`${dir}/weights.bin: truncated`);
    const data = new Float32Array(t.length);
    for (let i = 0; i < t.length; i++) data[i] = view.getFloat32(t.byteOffset + i * 4, true);
    tensors[t.name] = { shape: t.shape, data };
  }
  return {
    params: { head: manifest.head, inputDim: manifest.inputDim, hiddenUnits: manifest.hiddenUnits, tensors },
    features: manifest.features,
  };
}
