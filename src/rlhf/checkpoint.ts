import { rmSync } from "node:fs";
import { UserError } from "../runtime/errors.js";
import { readStateFile, type StoredArray, writeStateFile } from "../runtime/state-file.js";
import type { PpoState } from "./ppo.js";
import type { Checkpoint } from "./summary.js";

/**
 * A PPO trial's state at one of its evaluation checkpoints, in one state file (runtime/state-file.ts):
 * the policy's weights and Adam's moments as float32 arrays (in the order of the policy's variables),
 * and in the JSON header the rest of the loop's state (Adam's steps and running products, the
 * generator's state, the prompt order and cursor) and what the trial has gathered so far (its
 * evaluations and example samples). Rerunning the trial from it gives the bytes of an uninterrupted run.
 */
const KIND = { format: "align-ppo-checkpoint", version: 1 };

export interface TrialState {
  ppo: PpoState;
  checkpoints: Checkpoint[];
  samples: Record<string, unknown>[];
}

/** What a checkpoint must come from to be resumed: the same trial, loop length, backend and policy. */
export interface TrialFingerprint {
  method: string;
  trial: number;
  seed: number;
  iterations: number;
  backend: string;
  shapes: number[][];
}

interface Fields {
  fingerprint: TrialFingerprint;
  state: Omit<TrialState, "ppo"> & {
    ppo: Omit<PpoState, "weights" | "adam"> & { adam: Omit<PpoState["adam"], "m" | "v"> };
  };
}

const KINDS = ["weights", "m", "v"] as const;

interface Descriptor {
  kind: (typeof KINDS)[number];
  index: number;
}

export function saveTrialState(path: string, state: TrialState, fingerprint: TrialFingerprint): void {
  const { weights, adam, ...loop } = state.ppo;
  const { m, v, ...optimizer } = adam;
  const arrays: StoredArray<Descriptor>[] = [];
  for (const [kind, source] of [
    ["weights", weights],
    ["m", m],
    ["v", v],
  ] as const) {
    source.forEach((data, index) => {
      arrays.push({ descriptor: { kind, index }, data });
    });
  }
  const fields: Fields = {
    fingerprint,
    state: { ...state, ppo: { ...loop, adam: optimizer } },
  };
  writeStateFile(path, KIND, fields, arrays);
}

/** The trial's last checkpoint, or undefined when it has none. */
export function loadTrialState(path: string, fingerprint: TrialFingerprint): TrialState | undefined {
  const stored = readStateFile<Fields, Descriptor>(path, KIND);
  if (stored === undefined) return undefined;
  const { fields } = stored;
  if (JSON.stringify(fields.fingerprint) !== JSON.stringify(fingerprint)) {
    throw new UserError(
      `${path}: the checkpoint of another trial or backend (${JSON.stringify(fields.fingerprint)}, now ` +
        `${JSON.stringify(fingerprint)}): delete it, or pass --force to start over`,
    );
  }
  const arrays = { weights: [], m: [], v: [] } as Record<Descriptor["kind"], Float32Array[]>;
  for (const { descriptor, data } of stored.arrays) arrays[descriptor.kind][descriptor.index] = data;
  const sizes = fingerprint.shapes.map((shape) => shape.reduce((n, d) => n * d, 1));
  for (const kind of KINDS) {
    const got = arrays[kind];
    if (got.length !== sizes.length || sizes.some((n, i) => got[i]?.length !== n)) {
      throw new UserError(`${path}: its ${kind} arrays do not fit the policy (pass --force to start over)`);
    }
  }
  const { ppo, checkpoints, samples } = fields.state;
  const adam = { ...ppo.adam, m: arrays.m, v: arrays.v };
  return { ppo: { ...ppo, weights: arrays.weights, adam }, checkpoints, samples };
}

export function removeTrialState(path: string): void {
  rmSync(path, { force: true });
}
