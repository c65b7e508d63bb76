import { readFileSync } from "node:fs";
import { parquetWriteFile } from "hyparquet-writer";

type SchemaElement = NonNullable<Parameters<typeof parquetWriteFile>[0]["schema"]>[number];

/** Writing small parquet files in tests, with the nested types the Hugging Face hub's files hold. */

export type ColumnKind = "string" | "messages" | "rated" | "int64";

const string = (name: string, repetition = "OPTIONAL") => ({
  name,
  type: "BYTE_ARRAY" as const,
  converted_type: "UTF8" as const,
  repetition_type: repetition as "OPTIONAL",
});

/** A list<struct<...>> column as pyarrow writes it: `name` (LIST) > list (repeated) > element (struct). */
function listOfStructs(name: string, fields: object[]): object[] {
  return [
    { name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
    { name: "element", repetition_type: "OPTIONAL", num_children: fields.length },
    ...fields,
  ];
}

function schemaOf(name: string, kind: ColumnKind): object[] {
  if (kind === "string") return [string(name)];
  if (kind === "int64") return [{ name, type: "INT64", repetition_type: "OPTIONAL" }];
  if (kind === "messages") return listOfStructs(name, [string("role"), string("content")]);
  return listOfStructs(name, [
    string("model"),
    string("response"),
    { name: "overall_score", type: "DOUBLE", repetition_type: "OPTIONAL" },
  ]);
}

/**
 * Writes `rows` to a parquet file, each column of `columns` of its kind, `rowGroupSize` rows a group; pages
 * of `pageSize` bytes, with offset indexes unless `offsetIndex` is false.
 */
export function writeParquet(
  file: string,
  columns: Record<string, ColumnKind>,
  rows: Record<string, unknown>[],
  rowGroupSize = 2,
  { pageSize, offsetIndex = true }: { pageSize?: number; offsetIndex?: boolean } = {},
): void {
  const names = Object.keys(columns);
  const schema = [
    { name: "root", num_children: names.length },
    ...names.flatMap((name) => schemaOf(name, columns[name])),
  ];
  parquetWriteFile({
    filename: file,
    schema: schema as SchemaElement[],
    columnData: names.map((name) => ({
      name,
      data: rows.map((row) => (row[name] === undefined ? null : row[name])) as unknown[] as string[],
      offsetIndex,
    })),
    rowGroupSize,
    pageSize,
  });
}

/** The JSON objects of a .jsonl fixture. */
export function jsonLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

/**
 * An HH-RLHF transcript as {role, content} messages, parsed independently of the reader under test: split at
 * each "\n\nHuman: " or "\n\nAssistant: " (an empty final turn has no space after the colon).
 */
export function transcriptMessages(transcript: string): { role: string; content: string }[] {
  const parts = transcript.split(/\n\n(Human|Assistant):/);
  const messages: { role: string; content: string }[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const content = parts[i + 1].startsWith(" ") ? parts[i + 1].slice(1) : parts[i + 1];
    messages.push({ role: parts[i] === "Human" ? "user" : "assistant", content });
  }
  return messages;
}
