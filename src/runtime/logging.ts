import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

/** JSON lines into `file` (when given) and readable lines on stderr. */
export function createLogger(file?: string, level = process.env.ALIGN_LOG_LEVEL ?? "info"): Logger {
  const streams: pino.StreamEntry[] = [
    {
      level: level as pino.Level,
      stream: pretty({
        destination: 2,
        sync: true,
        hideObject: true,
        ignore: "pid,hostname",
        translateTime: "HH:MM:ss",
      }),
    },
  ];
  if (file !== undefined) {
    mkdirSync(dirname(file), { recursive: true });
    streams.push({ level: "debug", stream: pino.destination({ dest: file, append: true, sync: true }) });
  }
  return pino({ level: "debug", base: undefined }, pino.multistream(streams));
}

/** A logger that drops everything: for library calls and tests. */
export const silentLogger: Logger = pino({ level: "silent" });
