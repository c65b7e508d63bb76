import { readFileSync } from "node:fs";
import { parse as parseNpy } from "npyjs";
import type { FeaturesConfig } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";

/**
 * Embeddings a user computed with their own model (scripts/embed.py writes them): a float32 or float16
 * matrix, one row per text, in `.npy` or `.safetensors`, and a JSONL index of {"text": ...} lines in
 * row order. The table maps each text to its row.
 */
export interface EmbeddingTable {
  dimension: number;
  rows: number;
  /** Row-major float32, rows × dimension. */
  data: Float32Array;
  rowOf: Map<string, number>;
  path: string;
  index: string;
}

interface Matrix {
  rows: number;
  dimension: number;
  data: Float32Array;
}

function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === "ENOENT" ? "no such file" : `cannot read (${code})`}`);
  }
}

function ownBuffer(file: Buffer): ArrayBuffer {
  return file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
}

/** IEEE half to float (the safetensors reader; npyjs converts its own). */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function matrixShape(path: string, shape: number[]): [number, number] {
  if (shape.length !== 2) {
    throw new UserError(`${path}: expected a 2-D matrix (one row per text), got shape [${shape.join(", ")}]`);
  }
  return [shape[0], shape[1]];
}

/** .npy through npyjs, with the checks it leaves to its caller: dtype, byte order, layout, length. */
function readNpy(path: string): Matrix {
  const file = readFile(path);
  let array: ReturnType<typeof parseNpy>;
  try {
    array = parseNpy(ownBuffer(file));
  } catch (error) {
    // A data part whose byte length is no multiple of the element size is a truncated file.
    const reason = error instanceof RangeError ? "truncated" : (error as Error).message;
    throw new UserError(`${path}: not a readable .npy file (${reason})`);
  }
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(file.toString("latin1", 0, 256))?.[1] ?? "";
  if (descr.startsWith(">")) throw new UserError(`${path}: big-endian ${descr}: save it little-endian`);
  if (array.dtype !== "f4" && array.dtype !== "f2") {
    throw new UserError(`${path}: dtype ${descr}, expected float32 or float16`);
  }
  if (array.fortranOrder) throw new UserError(`${path}: Fortran order: save it C-contiguous (row-major)`);
  const [rows, dimension] = matrixShape(path, array.shape);
  const data = array.data as Float32Array;
  if (data.length !== rows * dimension) {
    throw new UserError(
      `${path}: truncated or padded: ${data.length} values for a [${rows}, ${dimension}] matrix`,
    );
  }
  return { rows, dimension, data: new Float32Array(data) };
}

/**
 * .safetensors, read by hand (no maintained npm reader exists; the format is an 8-byte little-endian
 * header length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw tensors).
 */
function readSafetensors(path: string, name: string | undefined): Matrix {
  const file = readFile(path);
  const fail = (reason: string) => new UserError(`${path}: ${reason}`);
  if (file.length < 8) throw fail("truncated (no header)");
  const headerLength = Number(file.readBigUInt64LE(0));
  if (8 + headerLength > file.length) throw fail("truncated (header runs past the end)");
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(file.toString("utf8", 8, 8 + headerLength));
  } catch {
    throw fail("not a safetensors file (unreadable header)");
  }
  const names = Object.keys(header).filter((n) => n !== "__metadata__");
  const chosen = name ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined || header[chosen] === undefined) {
    throw fail(
      `${name === undefined ? "several tensors" : `no tensor '${name}'`} (${names.join(", ")}): name one with features.embeddings.tensor`,
    );
  }
  const { dtype, shape, data_offsets: offsets } = header[chosen];
  if (dtype !== "F32" && dtype !== "F16") throw fail(`tensor '${chosen}' is ${dtype}, expected F32 or F16`);
  const [rows, dimension] = matrixShape(path, shape);
  const width = dtype === "F32" ? 4 : 2;
  const start = 8 + headerLength + offsets[0];
  if (offsets[1] - offsets[0] !== rows * dimension * width) {
    throw fail(`tensor '${chosen}': ${offsets[1] - offsets[0]} bytes for a [${rows}, ${dimension}] ${dtype}`);
  }
  if (8 + headerLength + offsets[1] > file.length)
    throw fail(`truncated (tensor '${chosen}' runs past the end)`);
  const data = new Float32Array(rows * dimension);
  for (let i = 0; i < data.length; i++) {
    data[i] = width === 4 ? file.readFloatLE(start + 4 * i) : halfToFloat(file.readUInt16LE(start + 2 * i));
  }
  return { rows, dimension, data };
}

/** The texts of the index, in row order. */
function readIndex(path: string): string[] {
  const lines = readFile(path).toString("utf8").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line, i) => {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new UserError(`${path}:${i + 1}: not a JSON line`);
    }
    const text = (record as { text?: unknown } | null)?.text;
    if (typeof text !== "string") throw new UserError(`${path}:${i + 1}: expected {"text": "..."}`);
    return text;
  });
}

/** A text, shortened for a message. */
export function quoteText(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** Reads and checks an embeddings file and its index: same number of rows, every value finite. */
export function readEmbeddings(config: FeaturesConfig["embeddings"]): EmbeddingTable {
  const { path, index } = config;
  if (path === undefined || index === undefined) {
    throw new UserError("features.source embeddings needs features.embeddings.path and .index");
  }
  const matrix = path.endsWith(".safetensors") ? readSafetensors(path, config.tensor) : readNpy(path);
  const texts = readIndex(index);
  if (texts.length !== matrix.rows) {
    throw new UserError(`${index}: ${texts.length} texts, but ${path} has ${matrix.rows} rows`);
  }
  const { data, dimension } = matrix;
  for (let r = 0; r < matrix.rows; r++) {
    for (let j = r * dimension; j < (r + 1) * dimension; j++) {
      if (!Number.isFinite(data[j])) {
        throw new UserError(
          `${path}: row ${r} (${quoteText(texts[r])}, ${index}:${r + 1}) holds ${data[j]} at column ${j - r * dimension}`,
        );
      }
    }
  }
  const rowOf = new Map<string, number>();
  texts.forEach((text, r) => {
    if (!rowOf.has(text)) rowOf.set(text, r);
  });
  return { dimension, rows: matrix.rows, data, rowOf, path, index };
}
