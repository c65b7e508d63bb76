import type {
  ColumnChunk,
  CompressionCodec,
  Compressors,
  Encoding,
  OffsetIndex,
  PageHeader,
  SchemaElement,
} from "hyparquet";
import { snappyUncompress } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { decompressPage } from "hyparquet/src/datapage.js";
import { deltaBinaryUnpack } from "hyparquet/src/delta.js";
import { readRleBitPackedHybrid } from "hyparquet/src/encoding.js";

/**
 * Flat string columns (a top-level BYTE_ARRAY, required or optional) decoded straight from their pages, the
 * common case of preference data. hyparquet's reader hands each value over as its own view into the page,
 * ~8,000 views a page that outlive young collections while the page's rows are read and hold the pages in old
 * space; here a page is its bytes and two integer arrays of where its values are (all in arrays reused from
 * page to page), each value decoded to a string only as its row is read, and a dictionary's strings decoded
 * once and shared by the rows that use them (pyarrow dictionary-encodes strings by default). hyparquet still
 * parses the page headers, decompresses and unpacks the run-length and delta integers (its exported src/
 * modules: not a stable API, so package.json pins hyparquet's exact version); this module only lays out
 * values. A corrupt page is an Error saying what is wrong, never a wrong value.
 */

/** A page's values, taken in order: `take(i)` is value i, a string or null (it is not kept for another take). */
export interface Page {
  length: number;
  take(i: number): unknown;
}

/** Strict UTF-8: a byte that is not UTF-8 throws (TextDecoder's default replaces it silently). */
export const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

const VALUE_ENCODINGS = new Set<Encoding>([
  "PLAIN",
  "PLAIN_DICTIONARY",
  "RLE_DICTIONARY",
  "DELTA_LENGTH_BYTE_ARRAY",
  "DELTA_BYTE_ARRAY",
]);
/** Encodings a chunk may list for its levels (parquet-mr lists BIT_PACKED for levels it does not write). */
const LEVEL_ENCODINGS = new Set<Encoding>(["RLE", "BIT_PACKED"]);

/** Text, or bytes without a type (read as UTF-8 either way); JSON, BSON, DECIMAL and geometry are hyparquet's. */
function isText(element: SchemaElement): boolean {
  const logical = element.logical_type?.type;
  const converted = element.converted_type;
  if (logical !== undefined) return logical === "STRING" || logical === "ENUM";
  return converted === undefined || converted === "UTF8" || converted === "ENUM";
}

/** Whether `element`'s chunk is a flat string column this module reads (else hyparquet reads it). */
export function isFlatStringColumn(element: SchemaElement, chunk: ColumnChunk): boolean {
  const meta = chunk.meta_data;
  return (
    meta !== undefined &&
    meta.path_in_schema.length === 1 &&
    element.type === "BYTE_ARRAY" &&
    isText(element) &&
    (element.num_children ?? 0) === 0 &&
    (element.repetition_type === "REQUIRED" || element.repetition_type === "OPTIONAL") &&
    meta.encodings.every((encoding) => VALUE_ENCODINGS.has(encoding) || LEVEL_ENCODINGS.has(encoding))
  );
}

/** Byte strings laid out in `bytes`: value k is bytes[starts[k], starts[k] + lengths[k]). */
interface ByteStrings {
  bytes: Uint8Array;
  starts: Int32Array;
  lengths: Int32Array;
}

interface Dictionary {
  strings: ByteStrings;
  decoded: (string | undefined)[];
}

function decode({ bytes, starts, lengths }: ByteStrings, k: number): string {
  return strictUtf8.decode(bytes.subarray(starts[k], starts[k] + lengths[k]));
}

function reader(bytes: Uint8Array, offset = 0) {
  return { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset };
}

function pastEnd(what: string): Error {
  return new Error(`${what} runs past the end of its page`);
}

/** An array of `n` elements: a view of one reused buffer, or a new array. */
type Allocate<T> = (n: number) => T;

function growing<T extends Uint8Array | Int32Array>(make: (n: number) => T): Allocate<T> {
  let buffer = make(0);
  return (n) => {
    if (buffer.length < n) buffer = make(Math.ceil(1.25 * n));
    return buffer.subarray(0, n) as T;
  };
}

/**
 * The arrays a column's pages are read, decompressed and laid out in, reused from page to page and row group
 * to row group (a page's values are all taken before the next page is read), so that no page leaves buffers
 * behind (zstd, gzip and the other codecs still decompress into arrays of their own). Fresh ones (`owned`)
 * for a dictionary, which outlives pages.
 */
export interface PageArrays {
  read: Allocate<Uint8Array>;
  page: Allocate<Uint8Array>;
  values: Allocate<Uint8Array>;
  levels: Allocate<Uint8Array>;
  starts: Allocate<Int32Array>;
  lengths: Allocate<Int32Array>;
  prefixes: Allocate<Int32Array>;
  indices: Allocate<Int32Array>;
}

export function pageArrays(): PageArrays {
  const bytes = () => growing((n) => new Uint8Array(n));
  const ints = () => growing((n) => new Int32Array(n));
  return {
    read: bytes(),
    page: bytes(),
    values: bytes(),
    levels: bytes(),
    starts: ints(),
    lengths: ints(),
    prefixes: ints(),
    indices: ints(),
  };
}

const owned = { starts: (n: number) => new Int32Array(n), lengths: (n: number) => new Int32Array(n) };

/** `count` PLAIN byte arrays (a 4-byte little-endian length, then the bytes) from `offset`. */
function plainStrings(
  bytes: Uint8Array,
  offset: number,
  count: number,
  arrays: Pick<PageArrays, "starts" | "lengths">,
): ByteStrings {
  const { view } = reader(bytes);
  const starts = arrays.starts(count);
  const lengths = arrays.lengths(count);
  let at = offset;
  for (let k = 0; k < count; k++) {
    if (at + 4 > bytes.length) throw pastEnd("a string's length");
    lengths[k] = view.getUint32(at, true);
    starts[k] = at + 4;
    at += 4 + lengths[k];
    if (at > bytes.length) throw pastEnd("a string");
  }
  return { bytes, starts, lengths };
}

/** DELTA_LENGTH_BYTE_ARRAY: the lengths delta-packed, then the bytes one after another. */
function deltaLengthStrings(
  bytes: Uint8Array,
  offset: number,
  count: number,
  arrays: PageArrays,
): ByteStrings {
  const lengths = arrays.lengths(count);
  const at = reader(bytes, offset);
  if (count > 0) deltaBinaryUnpack(at, count, lengths);
  const starts = arrays.starts(count);
  let start = at.offset;
  for (let k = 0; k < count; k++) {
    if (lengths[k] < 0) throw new Error(`a string of length ${lengths[k]}`);
    starts[k] = start;
    start += lengths[k];
  }
  if (start > bytes.length) throw pastEnd("a string");
  return { bytes, starts, lengths };
}

/**
 * DELTA_BYTE_ARRAY: each value is a prefix of the one before and a suffix of its own; values are written out,
 * one after another, into a buffer of their own.
 */
function deltaStrings(bytes: Uint8Array, offset: number, count: number, arrays: PageArrays): ByteStrings {
  const prefixes = arrays.prefixes(count);
  // The suffix lengths, then (written over them in place) the values' lengths.
  const lengths = arrays.lengths(count);
  const at = reader(bytes, offset);
  if (count > 0) {
    deltaBinaryUnpack(at, count, prefixes);
    deltaBinaryUnpack(at, count, lengths);
  }
  let total = 0;
  for (let k = 0; k < count; k++) total += prefixes[k] + lengths[k];
  const out = arrays.values(total);
  const starts = arrays.starts(count);
  let suffixAt = at.offset;
  let end = 0;
  for (let k = 0; k < count; k++) {
    const suffix = lengths[k];
    if (suffix < 0 || prefixes[k] < 0) throw new Error(`a prefix or suffix of negative length`);
    if (k === 0 ? prefixes[k] > 0 : prefixes[k] > lengths[k - 1]) throw pastEnd("a prefix");
    if (suffixAt + suffix > bytes.length) throw pastEnd("a string");
    starts[k] = end;
    lengths[k] = prefixes[k] + suffix;
    if (k > 0) out.copyWithin(end, starts[k - 1], starts[k - 1] + prefixes[k]);
    out.set(bytes.subarray(suffixAt, suffixAt + suffix), end + prefixes[k]);
    suffixAt += suffix;
    end += lengths[k];
  }
  return { bytes: out, starts, lengths };
}

/** Dictionary indices: a byte of bit width, then run-length / bit-packed integers. */
function dictionaryIndices(
  bytes: Uint8Array,
  offset: number,
  count: number,
  size: number,
  arrays: PageArrays,
): Int32Array {
  const indices = arrays.indices(count).fill(0);
  if (count === 0) return indices;
  const width = bytes[offset];
  if (width === undefined) throw pastEnd("dictionary indices");
  if (width > 32) throw new Error(`dictionary indices of ${width} bits`);
  if (width > 0) readRleBitPackedHybrid(reader(bytes, offset + 1), width, indices, bytes.length - offset - 1);
  for (const index of indices) {
    if (index < 0 || index >= size) throw new Error(`dictionary index ${index} of a dictionary of ${size}`);
  }
  return indices;
}

/**
 * A page of `rows` values, `defined` saying which are not null (none are for a required column), the non-null
 * ones encoded from `offset` of `bytes`.
 */
function stringPage(
  encoding: Encoding,
  bytes: Uint8Array,
  offset: number,
  rows: number,
  defined: Uint8Array | undefined,
  dictionary: Dictionary | undefined,
  arrays: PageArrays,
): Page {
  let count = rows;
  if (defined) for (const level of defined) count -= 1 - level;
  let next = 0;
  const isNull = (i: number) => defined !== undefined && defined[i] === 0;
  if (encoding === "PLAIN_DICTIONARY" || encoding === "RLE_DICTIONARY") {
    if (!dictionary) throw new Error(`a ${encoding} page without a dictionary page`);
    const indices = dictionaryIndices(bytes, offset, count, dictionary.decoded.length, arrays);
    return {
      length: rows,
      take(i) {
        if (isNull(i)) return null;
        const index = indices[next++];
        dictionary.decoded[index] ??= decode(dictionary.strings, index);
        return dictionary.decoded[index];
      },
    };
  }
  const strings =
    encoding === "PLAIN"
      ? plainStrings(bytes, offset, count, arrays)
      : encoding === "DELTA_LENGTH_BYTE_ARRAY"
        ? deltaLengthStrings(bytes, offset, count, arrays)
        : encoding === "DELTA_BYTE_ARRAY"
          ? deltaStrings(bytes, offset, count, arrays)
          : undefined;
  if (!strings) throw new Error(`a string column in encoding ${encoding}`);
  return { length: rows, take: (i) => (isNull(i) ? null : decode(strings, next++)) };
}

/** Levels of 0 and 1 (an optional column's definition levels), run-length / bit-packed. */
function definitionLevels(
  bytes: Uint8Array,
  offset: number,
  rows: number,
  arrays: PageArrays,
  length?: number,
) {
  const levels = arrays.levels(rows);
  const at = reader(bytes, offset);
  readRleBitPackedHybrid(at, 1, levels, length);
  return { levels, end: at.offset };
}

/**
 * Decompression into `scratch` where the codec allows (snappy, the hub's usual), so pages of a column share
 * one buffer; a page's values are all taken before the next page is decompressed. A page not to `reuse` (a
 * dictionary) gets bytes of its own, never those of the read buffer.
 */
function decompressor(
  codec: CompressionCodec,
  compressors: Compressors | undefined,
  scratch: Allocate<Uint8Array>,
) {
  return (compressed: Uint8Array, size: number, reuse: boolean): Uint8Array => {
    if (!reuse) {
      const page = decompressPage(compressed, size, codec, compressors);
      return page.buffer === compressed.buffer ? page.slice() : page;
    }
    if (codec !== "SNAPPY" || compressors?.SNAPPY)
      return decompressPage(compressed, size, codec, compressors);
    const page = scratch(size);
    snappyUncompress(compressed, page);
    return page;
  };
}

/** Fills `into` with the file's bytes from `position`. */
export type ReadInto = (into: Uint8Array, position: number) => Promise<void>;

/**
 * The pages (header and the bytes after it) of a column chunk, in order, read into one buffer: a page's bytes
 * are overwritten by the next page's.
 */
async function* rawPages(
  read: ReadInto,
  chunk: ColumnChunk,
  pageLocations: OffsetIndex["page_locations"] | undefined,
  buffer: Allocate<Uint8Array>,
): AsyncGenerator<{ header: PageHeader; body: Uint8Array }> {
  const meta = chunk.meta_data;
  if (!meta) throw new Error("a column chunk without metadata");
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  // With an offset index, a page at a time (the dictionary, if any, is what comes before the first page);
  // without one, the whole chunk.
  const slices: [number, number][] = pageLocations
    ? [
        ...(start < Number(pageLocations[0].offset)
          ? [[start, Number(pageLocations[0].offset)] as [number, number]]
          : []),
        ...pageLocations.map((page): [number, number] => [
          Number(page.offset),
          Number(page.offset) + page.compressed_page_size,
        ]),
      ]
    : [[start, start + Number(meta.total_compressed_size)]];
  for (const [sliceStart, sliceEnd] of slices) {
    const bytes = buffer(sliceEnd - sliceStart);
    await read(bytes, sliceStart);
    const at = reader(bytes);
    while (at.offset < bytes.length) {
      const header = parquetHeader(at);
      if (!(header.compressed_page_size >= 0))
        throw new Error(`a page of ${header.compressed_page_size} bytes`);
      const body = bytes.subarray(at.offset, at.offset + header.compressed_page_size);
      if (body.length < header.compressed_page_size) throw pastEnd("a page");
      at.offset += header.compressed_page_size;
      yield { header, body };
    }
  }
}

/**
 * The pages of a flat string column chunk (see isFlatStringColumn) of a row group of `rows` rows; the offset
 * index's page locations, when the file has them, let it read a page at a time.
 */
export async function* stringColumnPages(
  read: ReadInto,
  element: SchemaElement,
  chunk: ColumnChunk,
  rows: number,
  pageLocations: OffsetIndex["page_locations"] | undefined,
  compressors: Compressors | undefined,
  arrays: PageArrays,
): AsyncGenerator<Page> {
  const meta = chunk.meta_data;
  if (!meta) throw new Error("a column chunk without metadata");
  const optional = element.repetition_type === "OPTIONAL";
  const decompress = decompressor(meta.codec, compressors, arrays.page);
  let dictionary: Dictionary | undefined;
  let seen = 0;
  for await (const { header, body } of rawPages(read, chunk, pageLocations, arrays.read)) {
    if (header.type === "DICTIONARY_PAGE") {
      const size = header.dictionary_page_header?.num_values ?? 0;
      // The dictionary stays for the whole chunk: not in the shared buffer.
      const bytes = decompress(body, header.uncompressed_page_size, false);
      dictionary = { strings: plainStrings(bytes, 0, size, owned), decoded: new Array(size) };
    } else if (header.type === "DATA_PAGE" && header.data_page_header) {
      const { num_values: values, encoding, definition_level_encoding } = header.data_page_header;
      if (seen + values > rows) throw new Error(`a page past its row group's ${rows} rows`);
      if (optional && definition_level_encoding !== "RLE") {
        throw new Error(`definition levels in ${definition_level_encoding}`);
      }
      const bytes = decompress(body, header.uncompressed_page_size, true);
      const levels = optional ? definitionLevels(bytes, 0, values, arrays) : undefined;
      yield stringPage(encoding, bytes, levels?.end ?? 0, values, levels?.levels, dictionary, arrays);
      seen += values;
    } else if (header.type === "DATA_PAGE_V2" && header.data_page_header_v2) {
      const page = header.data_page_header_v2;
      if (seen + page.num_values > rows) throw new Error(`a page past its row group's ${rows} rows`);
      const levelBytes = page.repetition_levels_byte_length + page.definition_levels_byte_length;
      const levels = optional
        ? definitionLevels(
            body,
            page.repetition_levels_byte_length,
            page.num_values,
            arrays,
            page.definition_levels_byte_length,
          )
        : undefined;
      const valueSize = header.uncompressed_page_size - levelBytes;
      const values =
        page.is_compressed === false || valueSize === 0
          ? body.subarray(levelBytes)
          : decompress(body.subarray(levelBytes), valueSize, true);
      yield stringPage(page.encoding, values, 0, page.num_values, levels?.levels, dictionary, arrays);
      seen += page.num_values;
    }
  }
  if (seen !== rows)
    throw new Error(`column "${meta.path_in_schema[0]}" holds ${seen} of its group's ${rows} rows`);
}
