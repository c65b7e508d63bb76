import assert from "node:assert/strict";
import { test } from "node:test";
import {
  evaluateClaims,
  generativeStudy,
  overoptimisationClaim,
  varianceAwareClaim,
} from "../../src/report/claims.js";
import { type Checkpoint, summarise, type Trajectory } from "../../src/rlhf/summary.js";

const point = (iteration: number, kl: number, delta: number[]): Checkpoint => ({
  iteration,
  kl,
  delta,
  proxyDelta: delta.map((d) => d + 1),
  gold: 0,
  goldSe: 0,
  proxy: 0,
});

/** A trajectory that reaches KL 2 with per-prompt gold improvements `end` (0 at π0). */
const run = (method: Trajectory["method"], trial: number, end: number[]): Trajectory => ({
  method,
  trial,
  member: trial,
  checkpoints: [
    point(
      0,
      0,
      end.map(() => 0),
    ),
    point(10, 2, end),
  ],
});

const report = { disagreementThreshold: 0.1, chanceAccuracy: 0.5, riskThreshold: 0.05 };
const bootstrap = { seed: 3, resamples: 400 };
/** `trials` trials of a method, each with the same per-prompt Δ_x at KL 2. */
const many = (method: Trajectory["method"], trials: number, end: number[]) =>
  Array.from({ length: trials }, (_, t) => run(method, t, end));

test("claims 2 and 3 on the generative study say which study they rest on and follow the trials' intervals", () => {
  const prompts = [1, -3, -2, -1, -0.5, -2];
  const summary = summarise(
    [...many("standard", 20, prompts), ...many("variance-aware", 20, prompts.map(Math.abs))],
    [2],
    {},
    bootstrap,
  );
  const study = generativeStudy(summary);
  const over = overoptimisationClaim(study, report);
  assert.equal(
    over.verdict,
    "holds",
    "every standard trial ends with Δ < 0: risk 1, its interval far above 5%",
  );
  const aware = varianceAwareClaim(study);
  assert.equal(aware.verdict, "holds", "variance-aware never ends below π0: paired risk differences below 0");
  const claims = evaluateClaims({ rlhf: summary, report });
  assert.deepEqual(
    claims.map((c) => `${c.id}:${c.study ?? ""}:${c.verdict}`),
    [
      "rm-disagreement::not measured",
      "overoptimisation-risk:candidate sets:not measured",
      "variance-aware-lowers-risk:candidate sets:not measured",
      "overoptimisation-risk:generative policy:holds",
      "variance-aware-lowers-risk:generative policy:holds",
      "theory-variance-aware-risk::not measured",
    ],
  );
});

test("a safe standard method, a riskier variance-aware one, and a KL no trial reached", () => {
  const safe = generativeStudy(
    summarise(
      [...many("standard", 80, [1, 1, 2]), ...many("variance-aware", 80, [-1, -1, 1])],
      [2],
      {},
      bootstrap,
    ),
  );
  assert.equal(
    overoptimisationClaim(safe, report).verdict,
    "does not hold",
    "0 of 80 trials below π0: the risk's interval lies below 5%",
  );
  assert.equal(varianceAwareClaim(safe).verdict, "does not hold", "variance-aware is riskier here");
  const few = generativeStudy(summarise([...many("standard", 3, [1, 1])], [2], {}, bootstrap));
  assert.equal(overoptimisationClaim(few, report).verdict, "inconclusive", "0 of 3 trials rules little out");
  const unreached = generativeStudy(summarise([run("standard", 0, [1, 1])], [5], {}, bootstrap));
  const none = overoptimisationClaim(unreached, report);
  assert.equal(none.verdict, "inconclusive");
  assert.match(none.reason ?? "", /no standard trial of the rlhf stage reached/);
});
