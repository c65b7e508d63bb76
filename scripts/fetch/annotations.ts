import { UserError } from "../../src/runtime/errors.js";

/**
 * Conversion of AlpacaEval annotation files (results/<model>/weighted_alpaca_eval_gpt4_turbo/annotations.json
 * in tatsu-lab/alpaca_eval) into the candidate-set lines that src/data/alpaca-eval.ts reads.
 */

/** The fields of one alpaca_eval annotation that the conversion needs; the file holds more (raw_completion…). */
export interface Annotation {
  instruction: string;
  dataset?: string;
  /** The reference (baseline) answer: gpt4_1106_preview for AlpacaEval 2.0. */
  generator_1: string;
  output_1: string;
  /** The annotated model's answer. */
  generator_2: string;
  output_2: string;
  /** In [1, 2]; 2 = output_2 preferred. null where the judge gave no usable answer. */
  preference: number | null;
}

/** One line of candidates.jsonl.gz, in the format of the shared data README. */
export interface CandidateSetLine {
  id: string;
  instruction: string;
  dataset?: string;
  reference_generator: string;
  reference_output: string;
  candidates: { generator: string; output: string; preference: number }[];
}

/** Why an annotation did not become a candidate; the keys of `Conversion.dropped`. */
export const NO_PREFERENCE = "no-preference";
export const DUPLICATE = "duplicate-generator";

export interface Conversion {
  sets: CandidateSetLine[];
  dropped: Record<string, number>;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : typeof value;
}

function stringOf(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (typeof value !== "string") {
    throw new UserError(`${where}: field "${key}" must be a string, got ${describe(value)}`);
  }
  return value;
}

/** Checks a parsed annotations.json (a JSON array of records) and keeps the fields the conversion needs. */
export function parseAnnotations(value: unknown, file: string): Annotation[] {
  if (!Array.isArray(value)) throw new UserError(`${file}: expected a JSON array of annotations`);
  return value.map((item, index) => {
    const where = `${file}: annotation ${index}`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new UserError(`${where}: must be a JSON object, got ${describe(item)}`);
    }
    const record = item as Record<string, unknown>;
    const preference = record.preference;
    // pandas writes a NaN preference (a failed judgement) as null: kept, and dropped at conversion.
    if (preference !== null && typeof preference !== "number") {
      throw new UserError(
        `${where}: field "preference" must be a number or null, got ${describe(preference)}`,
      );
    }
    const dataset = record.dataset;
    return {
      instruction: stringOf(record, "instruction", where),
      dataset: typeof dataset === "string" ? dataset : undefined,
      generator_1: stringOf(record, "generator_1", where),
      output_1: stringOf(record, "output_1", where),
      generator_2: stringOf(record, "generator_2", where),
      output_2: stringOf(record, "output_2", where),
      preference,
    };
  });
}

/**
 * The probability that output_2 (the model's answer) beats output_1 (the reference), from alpaca_eval's
 * `preference`, following its own scoring (src/alpaca_eval/metrics/helpers.py): values are in [1, 2] with
 * 2 = output_2 preferred, so the probability is preference − 1; 0 is its legacy encoding of a draw (read as
 * 1.5); anything else (null, outside [1, 2]) is not a preference and gives undefined. Rounded to 6 decimals
 * as in the shared copy of the data: the weighted judge's values carry float noise past that
 * (e.g. 1.0000114788 → 0.000011).
 */
export function judgedPreference(raw: number | null): number | undefined {
  if (raw === null || !Number.isFinite(raw)) return undefined;
  const preference = raw === 0 ? 1.5 : raw;
  if (preference < 1 || preference > 2) return undefined;
  return Math.round((preference - 1) * 1e6) / 1e6;
}

/** Orders strings by UTF-16 code units, locale-independent, so the output does not depend on the machine. */
function byCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Groups annotations by instruction into candidate sets. Ids are `alpaca-eval-NNNN` in the order of the sorted
 * instructions, candidates are sorted by generator: the same files give the same output whatever order they
 * were listed in. Every candidate's preference is against the same reference, so an instruction whose
 * annotations name two different reference generators is an error; a second answer of one generator to one
 * instruction is dropped (counted).
 */
export function buildCandidateSets(files: { file: string; annotations: Annotation[] }[]): Conversion {
  const byInstruction = new Map<string, { file: string; line: Omit<CandidateSetLine, "id"> }>();
  const dropped: Record<string, number> = {};
  const drop = (reason: string) => {
    dropped[reason] = (dropped[reason] ?? 0) + 1;
  };
  for (const { file, annotations } of files) {
    for (const annotation of annotations) {
      const preference = judgedPreference(annotation.preference);
      if (preference === undefined) {
        drop(NO_PREFERENCE);
        continue;
      }
      let entry = byInstruction.get(annotation.instruction);
      if (entry === undefined) {
        entry = {
          file,
          line: {
            instruction: annotation.instruction,
            dataset: annotation.dataset,
            reference_generator: annotation.generator_1,
            reference_output: annotation.output_1,
            candidates: [],
          },
        };
        byInstruction.set(annotation.instruction, entry);
      } else if (entry.line.reference_generator !== annotation.generator_1) {
        throw new UserError(
          `${file}: instruction ${JSON.stringify(annotation.instruction.slice(0, 60))} is judged against ` +
            `"${annotation.generator_1}", but ${entry.file} judges it against "${entry.line.reference_generator}"`,
        );
      }
      const { candidates } = entry.line;
      if (candidates.some((candidate) => candidate.generator === annotation.generator_2)) {
        drop(DUPLICATE);
        continue;
      }
      candidates.push({ generator: annotation.generator_2, output: annotation.output_2, preference });
    }
  }
  const lines = [...byInstruction.values()].map((entry) => entry.line);
  lines.sort((a, b) => byCodeUnits(a.instruction, b.instruction));
  const width = Math.max(4, String(lines.length - 1).length);
  const sets = lines.map((line, index) => {
    line.candidates.sort((a, b) => byCodeUnits(a.generator, b.generator));
    return { id: `alpaca-eval-${String(index).padStart(width, "0")}`, ...line };
  });
  return { sets, dropped };
}
