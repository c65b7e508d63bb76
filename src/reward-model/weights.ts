import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FeaturesConfig } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";
import { writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { type BlobEntry, packFloat32LE, unpackFloat32LE } from "../runtime/float32-blob.js";
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
  tensors: BlobEntry[];
}

export function saveWeights(dir: string, params: HeadParams, features: FeaturesConfig): void {
  const { bytes, entries: tensors } = packFloat32LE(Object.entries(params.tensors));
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
  writeFileAtomic(join(dir, "weights.bin"), bytes);
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
  const tensors = unpackFloat32LE(blob, manifest.tensors, `${dir}/weights.bin`);
  return {
    params: { head: manifest.head, inputDim: manifest.inputDim, hiddenUnits: manifest.hiddenUnits, tensors },
    features: manifest.features,
  };
}
