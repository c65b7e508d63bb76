import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import { createProgress, formatFigures } from "../../src/runtime/progress.js";

/** A logger that keeps the messages it is given. */
function capture() {
  const lines: { msg: string }[] = [];
  const logger = pino(
    { level: "info", base: undefined },
    { write: (line: string) => lines.push(JSON.parse(line)) },
  );
  return { logger, lines };
}

test("figures print as name-value pairs, numbers to four significant digits", () => {
  assert.equal(
    formatFigures({ reward: 1.234567, kl: 0.0421, trials: 3 }),
    "reward 1.235  kl 0.04210  trials 3",
  );
  assert.equal(
    formatFigures({ loss: 2e-5, "val acc": "0.71 (0.69-0.73)" }),
    "loss 2.00e-5  val acc 0.71 (0.69-0.73)",
  );
});

test("without a terminal, progress is plain log lines with the count, rate, ETA and figures", async () => {
  const { logger, lines } = capture();
  const progress = createProgress("ppo", 4, logger, { unit: "steps", logEverySeconds: 0 });
  progress.tick(1, { reward: 0.5, kl: 0.01 });
  progress.tick(2, { reward: 0.75, kl: 0.02 });
  await progress.breathe();
  progress.tick(1);
  progress.stop();
  const messages = lines.map((l) => l.msg);
  assert.match(messages[0], /^ppo: 1\/4 steps, [\d.e+-]+\/s, ETA [^,]+, reward 0\.5000 {2}kl 0\.01000$/);
  assert.match(messages[1], /^ppo: 3\/4 steps, .*reward 0\.7500 {2}kl 0\.02000$/);
  // The last tick is not logged on its own: the end line says it, with the time taken.
  assert.equal(messages.length, 3);
  assert.match(messages[2], /^ppo: 4\/4 steps in [\d.]+ s, reward 0\.7500 {2}kl 0\.02000$/);
  for (const message of messages) assert.ok(!message.includes("\u001b"), "no escape codes");
});
