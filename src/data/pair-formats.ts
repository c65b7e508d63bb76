import type { DataConfig } from "../config/schema.js";
import {
  ASSISTANT_MARKER,
  type Message,
  type SplitPair,
  splitConversations,
  splitTranscripts,
  withoutPrefix,
} from "./conversation.js";
import {
  asObject,
  describeField,
  describeType,
  idField,
  type JsonObject,
  stringField,
  type Where,
  whereError,
} from "./fields.js";
import { defaultId } from "./read-lines.js";
import { type EmptyResponsePolicy, pairRecord } from "./records.js";
import type { LineRecord, PreferencePair } from "./types.js";

/** TRL's preference formats (https://huggingface.co/docs/trl/dataset_formats). */
export type PairFormat = "standard" | "conversational" | "implicit-prompt";
export type Columns = DataConfig["columns"];

/** How a reader reads records into pairs: the layout, the columns, and the id when data.columns.id is unset. */
export interface PairLayout {
  format: PairFormat;
  columns: Columns;
  /** An optional field read as the id when data.columns.id is unset (JSONL's "id"). */
  idFallback?: string;
}

/**
 * The format of a record as data.format auto reads it: conversational or standard when it has a prompt
 * (chosen a list of messages or a string), implicit-prompt when it has none and chosen is a dialogue (a list,
 * or an HH-RLHF transcript); otherwise standard, whose reader names what is missing.
 */
export function detectPairFormat(record: JsonObject, columns: Columns, where: Where): PairFormat {
  const chosen = record[columns.chosen];
  const hasPrompt = record[columns.prompt] !== undefined && record[columns.prompt] !== null;
  if (hasPrompt) return Array.isArray(chosen) ? "conversational" : "standard";
  if (Array.isArray(chosen) || (typeof chosen === "string" && chosen.includes(ASSISTANT_MARKER)))
    return "implicit-prompt";
  if (record[columns.completions] !== undefined && chosen === undefined) {
    throw whereError(
      where,
      `${describeField(columns.completions, where)} holds rated completions, not pairs: set data.format: rated`,
    );
  }
  return "standard";
}

/** A list of {role, content} messages with at least one. */
export function messagesField(record: JsonObject, key: string, where: Where): Message[] {
  const value = record[key];
  const name = describeField(key, where);
  if (value === undefined) throw whereError(where, `missing ${name}`);
  if (!Array.isArray(value)) {
    throw whereError(where, `${name} must be a list of {role, content} messages, got ${describeType(value)}`);
  }
  if (value.length === 0) throw whereError(where, `${name} is an empty conversation`);
  return value.map((item, i) => {
    const at = { ...where, path: `${key}[${i}]` };
    const message = asObject(item, at);
    return { role: stringField(message, "role", at), content: stringField(message, "content", at, false) };
  });
}

function lastTurnIsAssistant(turns: Message[], key: string, where: Where): Message[] {
  const last = turns[turns.length - 1];
  if (last.role !== "assistant") {
    throw whereError(
      where,
      `${describeField(key, where)} must end in an assistant turn, got role "${last.role}"`,
    );
  }
  return turns;
}

/** A dialogue column: a list of messages ending in an assistant turn. */
function dialogueField(record: JsonObject, key: string, where: Where): Message[] {
  return lastTurnIsAssistant(messagesField(record, key, where), key, where);
}

/** The prompt of a conversational record: a list of messages, or a string (a single user turn). */
function promptTurns(record: JsonObject, key: string, where: Where): Message[] {
  if (typeof record[key] === "string") return [{ role: "user", content: stringField(record, key, where) }];
  return messagesField(record, key, where);
}

/**
 * A conversational pair: the prompt's messages then each response's, which may repeat the prompt's (as
 * HuggingFaceH4/ultrafeedback_binarized does): then they are not counted twice.
 */
function conversationalPair(record: JsonObject, columns: Columns, where: Where): SplitPair {
  const prompt = promptTurns(record, columns.prompt, where);
  const whole = (key: string) => [...prompt, ...withoutPrefix(dialogueField(record, key, where), prompt)];
  return splitConversations(whole(columns.chosen), whole(columns.rejected));
}

/** An implicit-prompt pair: two HH-RLHF transcripts, or two lists of messages. */
function implicitPromptPair(record: JsonObject, columns: Columns, where: Where): SplitPair {
  if (Array.isArray(record[columns.chosen]) || Array.isArray(record[columns.rejected])) {
    const chosen = dialogueField(record, columns.chosen, where);
    const rejected = dialogueField(record, columns.rejected, where);
    if (chosen.length < 2) {
      throw whereError(
        where,
        `${describeField(columns.chosen, where)} has no prompt turns before its final turn`,
      );
    }
    return splitConversations(chosen, rejected);
  }
  const split = splitTranscripts(
    stringField(record, columns.chosen, where),
    stringField(record, columns.rejected, where),
  );
  if (split === undefined) {
    throw whereError(where, `${describeField(columns.chosen, where)} has no "\\n\\nAssistant:" turn`);
  }
  return split;
}

/** A string field of the standard format; a list there is likely a conversation, and the error says so. */
function textField(record: JsonObject, key: string, where: Where, nonEmpty: boolean): string {
  if (Array.isArray(record[key])) {
    throw whereError(
      where,
      `${describeField(key, where)} must be a string, got an array (messages? set data.format: conversational)`,
    );
  }
  return stringField(record, key, where, nonEmpty);
}

function recordId(record: JsonObject, layout: PairLayout, where: Where): string {
  const { id } = layout.columns;
  if (id !== undefined) return idField(record, id, where);
  const fallback = layout.idFallback;
  if (fallback !== undefined && record[fallback] !== undefined) return idField(record, fallback, where);
  return defaultId(where.file, where.line);
}

/** The names of the responses in errors: the column itself, or its final turn for a dialogue. */
function responseNames(
  format: PairFormat,
  columns: Columns,
  where: Where,
): { chosen: string; rejected: string } {
  const name = (key: string) =>
    format === "standard" ? describeField(key, where) : `the final turn of "${key}"`;
  return { chosen: name(columns.chosen), rejected: name(columns.rejected) };
}

/** A record read as a pair in `layout`, with data.onEmptyResponse applied, or the reason it is dropped. */
export function pairFromRecord(
  record: JsonObject,
  where: Where,
  layout: PairLayout,
  onEmpty: EmptyResponsePolicy,
): LineRecord<PreferencePair> {
  const { format, columns } = layout;
  const id = recordId(record, layout, where);
  let split: SplitPair;
  if (format === "standard") {
    split = {
      prompt: textField(record, columns.prompt, where, true),
      chosen: textField(record, columns.chosen, where, false),
      rejected: textField(record, columns.rejected, where, false),
    };
  } else if (format === "conversational") split = conversationalPair(record, columns, where);
  else split = implicitPromptPair(record, columns, where);
  if ("dropped" in split) return { line: where.line, dropped: split.dropped };
  return pairRecord(where, { id, ...split }, onEmpty, responseNames(format, columns, where));
}

/**
 * Pairs from records in data.format (auto: the first record's format, every later record read in it).
 */
export async function* pairsFromRecords(
  records: AsyncIterable<{ where: Where; record: JsonObject }>,
  format: DataConfig["format"],
  layout: Omit<PairLayout, "format">,
  onEmpty: EmptyResponsePolicy,
): AsyncGenerator<LineRecord<PreferencePair>> {
  if (format === "rated") throw new Error("rated completions are candidate sets, not pairs");
  let chosen: PairFormat | undefined = format === "auto" ? undefined : format;
  for await (const { where, record } of records) {
    chosen ??= detectPairFormat(record, layout.columns, where);
    yield pairFromRecord(record, where, { ...layout, format: chosen }, onEmpty);
  }
}
