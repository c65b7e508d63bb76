import { PREFIX_MISMATCH } from "./records.js";

/**
 * Conversations as text. Transcripts are HH-RLHF's: each turn `\n\n<Speaker>: <content>`, the speaker
 * "Human" for the user, "Assistant" for the assistant, and the role capitalised for any other (System, Tool).
 * A prompt ends with an open assistant turn, `\n\nAssistant:`, so the same dialogue read from HH-RLHF's
 * transcripts or from a list of {role, content} messages gives the same prompt.
 */

/** One message of a conversation (TRL's conversational format). */
export interface Message {
  role: string;
  content: string;
}

export const ASSISTANT_MARKER = "\n\nAssistant:";

const SPEAKERS: Record<string, string> = { user: "Human", assistant: "Assistant" };

function speaker(role: string): string {
  return SPEAKERS[role] ?? `${role.charAt(0).toUpperCase()}${role.slice(1)}`;
}

/** The prompt of a dialogue: its turns as a transcript, then the open assistant turn. */
export function renderPrompt(turns: readonly Message[]): string {
  return `${turns.map((turn) => `\n\n${speaker(turn.role)}: ${turn.content}`).join("")}${ASSISTANT_MARKER}`;
}

/** A pair split from two dialogues, or the reason to drop it. */
export type SplitPair = { prompt: string; chosen: string; rejected: string } | { dropped: string };

/**
 * Splits HH-RLHF transcripts into a pair: the prompt is chosen's text up to and including its last
 * "\n\nAssistant:", the responses are what follows it (trimmed) in each transcript (an empty final turn gives
 * an empty response, for data.onEmptyResponse: helpful-base test holds 4). Returns the reason to drop the pair
 * when rejected does not share that prefix: the published files hold a few (helpful-base test: 2), which a
 * user cannot fix. Undefined when chosen has no such marker.
 */
export function splitTranscripts(chosen: string, rejected: string): SplitPair | undefined {
  const marker = chosen.lastIndexOf(ASSISTANT_MARKER);
  if (marker === -1) return undefined;
  const prompt = chosen.slice(0, marker + ASSISTANT_MARKER.length);
  if (!rejected.startsWith(prompt)) return { dropped: PREFIX_MISMATCH };
  return {
    prompt,
    chosen: chosen.slice(prompt.length).trim(),
    rejected: rejected.slice(prompt.length).trim(),
  };
}

function sameTurns(a: readonly Message[], b: readonly Message[]): boolean {
  return (
    a.length === b.length && a.every((turn, i) => turn.role === b[i].role && turn.content === b[i].content)
  );
}

/**
 * Splits two whole dialogues, each ending in an assistant turn, into a pair: the prompt is the turns before
 * the final ones, rendered by renderPrompt; the responses are the final assistant turns (trimmed, as
 * splitTranscripts does). Dropped as prefix-mismatch when the turns before the final ones differ.
 */
export function splitConversations(chosen: readonly Message[], rejected: readonly Message[]): SplitPair {
  const shared = chosen.slice(0, -1);
  if (!sameTurns(shared, rejected.slice(0, -1))) return { dropped: PREFIX_MISMATCH };
  return {
    prompt: renderPrompt(shared),
    chosen: chosen[chosen.length - 1].content.trim(),
    rejected: rejected[rejected.length - 1].content.trim(),
  };
}

/** `turns` without the leading `prefix` when they start with it (a prompt repeated in its responses). */
export function withoutPrefix(turns: readonly Message[], prefix: readonly Message[]): readonly Message[] {
  return sameTurns(turns.slice(0, prefix.length), prefix) && turns.length > prefix.length
    ? turns.slice(prefix.length)
    : turns;
}
