import { rmSync } from "node:fs";
import { join } from "node:path";
import { rowEntries } from "../features/pool.js";
import type { TrainingData } from "../features/training-data.js";
import { UserError } from "../runtime/errors.js";
import { readStateFile, type StoredArray, writeStateFile } from "../runtime/state-file.js";
import type { MemberState } from "./train.js";

/** A member's state at the end of an epoch or at a pause: weights, Adam's m and v (runtime/state-file.ts). */
const KIND = { format: "align-rm-checkpoint", version: 1 };

/** What a checkpoint must have been trained on to be resumed: the same training rows. */
export interface DataFingerprint {
  trainPairs: number;
  trainEntries: number;
}

interface Fields {
  fingerprint: DataFingerprint;
  state: Omit<MemberState, "params" | "m" | "v"> & { template: Omit<MemberState["params"], "tensors"> };
}

interface Descriptor {
  kind: "params" | "m" | "v";
  name: string;
  shape: number[];
}

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
  const arrays: StoredArray<Descriptor>[] = [];
  for (const [kind, source] of [
    ["params", Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, t.data]))],
    ["m", m],
    ["v", v],
  ] as const) {
    for (const [name, data] of Object.entries(source)) {
      arrays.push({ descriptor: { kind, name, shape: tensors[name].shape }, data });
    }
  }
  writeStateFile(checkpointPath(memberDir), KIND, { fingerprint, state: { ...rest, template } }, arrays);
}

/** The member's last checkpoint, or undefined when it has none. */
export function loadCheckpoint(memberDir: string, fingerprint: DataFingerprint): MemberState | undefined {
  const path = checkpointPath(memberDir);
  const stored = readStateFile<Fields, Descriptor>(path, KIND);
  if (stored === undefined) return undefined;
  const { fields } = stored;
  if (JSON.stringify(fields.fingerprint) !== JSON.stringify(fingerprint)) {
    throw new UserError(
      `${path}: made from other training data (${JSON.stringify(fields.fingerprint)}, now ${JSON.stringify(fingerprint)}): ` +
        "pass --force to start over",
    );
  }
  const arrays = { params: {}, m: {}, v: {} } as Record<Descriptor["kind"], Record<string, Float32Array>>;
  const shapes: Record<string, number[]> = {};
  for (const { descriptor, data } of stored.arrays) {
    arrays[descriptor.kind][descriptor.name] = data;
    shapes[descriptor.name] = descriptor.shape;
  }
  const { template, ...rest } = fields.state;
  const tensors = Object.fromEntries(
    Object.entries(shapes).map(([name, shape]) => [name, { shape, data: arrays.params[name] }]),
  );
  return { ...rest, params: { ...template, tensors }, m: arrays.m, v: arrays.v };
}

export function removeCheckpoint(memberDir: string): void {
  rmSync(checkpointPath(memberDir), { force: true });
}
