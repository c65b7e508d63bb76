import { SingleBar } from "cli-progress";
import type { Logger } from "pino";

/** A stage's own figures beside its bar: loss, accuracy, reward, KL... Numbers print to 4 significant digits. */
export type Figures = Record<string, number | string>;

export interface Progress {
  /** `amount` more units done; `figures` replace the ones shown. */
  tick(amount?: number, figures?: Figures): void;
  /** Lets the event loop run (so Ctrl-C is handled) when it has not for a while: await it in long loops. */
  breathe(): Promise<void>;
  stop(): void;
}

export interface ProgressOptions {
  /** What one unit is, for the count and the rate ("member-epochs", "trials", "draws"). */
  unit?: string;
  /** Without a terminal: a log line this often. */
  logEverySeconds?: number;
}

/** The bar on the terminal now, if any: log lines are written above it (see writeAboveProgress). */
let active: SingleBar | undefined;

/** Whether progress is drawn as a bar: stderr is a terminal and this is not CI. */
export function progressIsDrawn(): boolean {
  return process.stderr.isTTY === true && process.env.CI !== "true";
}

/**
 * Writes text (whole lines) to stderr; with a bar on screen, above it: the bar's line is cleared,
 * the text written and the bar drawn again below it, so the two never mix.
 */
export function writeAboveProgress(text: string): void {
  if (active === undefined) {
    process.stderr.write(text);
    return;
  }
  process.stderr.write(`\r\x1b[2K${text}`);
  // cli-progress saves the cursor where the bar started and restores it when the bar stops: the bar
  // now starts one line lower, below the text, so save it here again (else the stop jumps back up).
  const bar = active as unknown as { lastDrawnString: string; terminal: { cursorSave(): void } };
  bar.terminal.cursorSave();
  bar.lastDrawnString = "";
  active.render();
}

/** Removes the bar and shows the cursor again: on exit, on Ctrl-C, after a crash. */
export function stopProgress(): void {
  const bar = active;
  active = undefined;
  bar?.stop();
}

export function formatFigures(figures: Figures): string {
  return Object.entries(figures)
    .map(([key, value]) => `${key} ${typeof value === "number" ? formatNumber(value) : value}`)
    .join("  ");
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(2)
    : value.toPrecision(4);
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes} min ${Math.round(seconds % 60)} s`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * Progress of a stage: `total` units. On a terminal, one bar with the rate, the ETA and the stage's
 * figures (the bar hides the cursor; stopProgress restores it); elsewhere, a plain log line every
 * `logEverySeconds` and one at the end. Either way the end is logged with the time taken.
 */
export function createProgress(
  label: string,
  total: number,
  logger: Logger,
  options: ProgressOptions = {},
): Progress {
  const unit = options.unit ?? "steps";
  const logEvery = (options.logEverySeconds ?? 5) * 1000;
  const started = Date.now();
  let done = 0;
  let figures: Figures = {};
  let lastLog = started;
  let lastBreath = started;
  const rate = () => done / Math.max((Date.now() - started) / 1000, 1e-3);
  const line = () => {
    const eta = done > 0 ? formatSeconds((total - done) / rate()) : "?";
    const shown = formatFigures(figures);
    return `${label}: ${done}/${total} ${unit}, ${formatNumber(rate())}/s, ETA ${eta}${shown ? `, ${shown}` : ""}`;
  };
  let bar: SingleBar | undefined;
  if (progressIsDrawn() && total > 0) {
    stopProgress();
    bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted} | {figures}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 16,
      etaBuffer: 20,
      linewrap: false,
    });
    bar.start(total, 0, { rate: "0", figures: "" });
    active = bar;
  }
  return {
    tick(amount = 1, next) {
      done += amount;
      if (next !== undefined) figures = next;
      if (bar !== undefined) {
        bar.update(done, { rate: formatNumber(rate()), figures: formatFigures(figures) });
      } else if (Date.now() - lastLog >= logEvery && done < total) {
        lastLog = Date.now();
        logger.info({ progress: label, done, total, ...figures }, line());
      }
    },
    async breathe() {
      if (Date.now() - lastBreath < 100) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastBreath = Date.now();
    },
    stop() {
      if (bar !== undefined && active === bar) stopProgress();
      bar = undefined;
      const seconds = (Date.now() - started) / 1000;
      const shown = formatFigures(figures);
      logger.info(
        { progress: label, done, total, seconds, ...figures },
        `${label}: ${done}/${total} ${unit} in ${formatSeconds(seconds)}${shown ? `, ${shown}` : ""}`,
      );
    },
  };
}
