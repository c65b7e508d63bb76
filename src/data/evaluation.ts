import { UserError } from "../runtime/errors.js";
import type { Dataset } from "./types.js";

/** Reason for dropping an evaluation item whose prompt the reward models trained or validated on. */
export const PROMPT_IN_TRAINING = "prompt-in-training";

/**
 * The part of an evaluation source (data.eval) that the disagreement and optimize stages use: its test
 * pairs and candidate sets, less every one whose prompt is in the training source's train or validation
 * pairs, so that no prompt a reward model was fitted or validated on is evaluated on (with the same file
 * on both sides, this leaves the prompts held out from training). Its train and validation pairs are
 * emptied: nothing trains on an evaluation source. `dropped` counts the prompts removed.
 */
export function heldOutFrom(training: Dataset, evaluation: Dataset): Dataset {
  const seen = new Set<string>();
  for (const pair of [...training.pairs.train, ...training.pairs.validation]) seen.add(pair.prompt);
  const unseen = (item: { prompt: string }) => !seen.has(item.prompt);
  const removed = new Set(
    [...evaluation.pairs.test, ...evaluation.candidateSets]
      .filter((item) => !unseen(item))
      .map((item) => item.prompt),
  );
  const pairs = evaluation.pairs.test.filter(unseen);
  const candidateSets = evaluation.candidateSets.filter(unseen);
  if (pairs.length === 0) {
    throw new UserError(
      `data.eval: no test pair left in ${evaluation.source} once the ${removed.size} prompts of the training ` +
        "source's train and validation splits are dropped: evaluate on other prompts (or change data.eval.splits)",
    );
  }
  const dropped = { ...evaluation.dropped };
  if (removed.size > 0) dropped[PROMPT_IN_TRAINING] = removed.size;
  const kept = `${candidateSets.length} candidate sets, ${pairs.length} pairs`;
  return {
    pairs: { train: [], validation: [], test: pairs },
    candidateSets,
    dropped,
    source:
      `${evaluation.source}; evaluated: ${kept}` +
      (removed.size > 0 ? ` (${removed.size} prompts of the training split dropped)` : ""),
  };
}
