import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";
import { prettyFactory } from "pino-pretty";
import { progressIsDrawn, writeAboveProgress } from "./progress.js";

export type { Logger };

/**
 * JSON lines into `file` (when given) and readable lines on stderr, written above the progress bar
 * when one is drawn; colours only on a terminal, so piped output holds no escape codes.
 */
export function createLogger(file?: string, level = process.env.ALIGN_LOG_LEVEL ?? "info"): Logger {
  const prettify = prettyFactory({
    hideObject: true,
    ignore: "pid,hostname",
    translateTime: "HH:MM:ss",
    colorize: progressIsDrawn(),
  });
  const terminal = { write: (line: string) => writeAboveProgress(prettify(line)) };
  const streams: pino.StreamEntry[] = [{ level: level as pino.Level, stream: terminal }];
  if (file !== undefined) {
    mkdirSync(dirname(file), { recursive: true });
    streams.push({ level: "debug", stream: pino.destination({ dest: file, append: true, sync: true }) });
  }
  return pino({ level: "debug", base: undefined }, pino.multistream(streams));
}

/** A logger that drops everything: for library calls and tests. */
export const silentLogger: Logger = pino({ level: "silent" });
