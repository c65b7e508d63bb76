import { SingleBar } from "cli-progress";
import type { Logger } from "./logging.js";

export interface Progress {
  tick(amount?: number, status?: string): void;
  stop(): void;
}

/** A bar on a terminal; elsewhere a log line every `logEverySeconds`. */
export function createProgress(label: string, total: number, logger: Logger, logEverySeconds = 5): Progress {
  let done = 0;
  if (process.stderr.isTTY && process.env.CI !== "true") {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {status}`,
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(total, 0, { status: "" });
    return {
      tick: (amount = 1, status = "") => {
        done += amount;
        bar.update(done, { status });
      },
      stop: () => bar.stop(),
    };
  }
  let lastLog = Date.now();
  return {
    tick: (amount = 1, status = "") => {
      done += amount;
      if (Date.now() - lastLog >= logEverySeconds * 1000 || done === total) {
        lastLog = Date.now();
        logger.info({ progress: label, done, total }, `${label}: ${done}/${total} ${status}`.trim());
      }
    },
    stop: () => {},
  };
}
