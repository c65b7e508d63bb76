import assert from "node:assert/strict";
import { test } from "node:test";
import {
  evaluateClaims,
  rlhfOveroptimisationClaim,
  rlhfVarianceAwareClaim,
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

test("claims 2 and 3 on the generative study say which study they rest on and follow the trials", () => {
  const summary = summarise(
    [
      run("standard", 0, [1, -3]),
      run("standard", 1, [1, 1]),
      run("variance-aware", 0, [1, 0.5]),
      run("variance-aware", 1, [1, 1]),
    ],
    [2],
    {},
  );
  const over = rlhfOveroptimisationClaim(summary);
  assert.equal(over.study, "generative policy");
  assert.equal(over.holds, true, "standard trial 0 ends with Δ = −1 < 0");
  const aware = rlhfVarianceAwareClaim(summary);
  assert.equal(aware.holds, true, "risk 0 against 0.5, prompt risk 0 against 0.25");
  const claims = evaluateClaims({ rlhf: summary, disagreementThreshold: 0.1 });
  assert.deepEqual(
    claims.map((c) => `${c.id}:${c.study ?? ""}`),
    [
      "rm-disagreement:",
      "overoptimisation-risk:candidate sets",
      "variance-aware-lowers-risk:candidate sets",
      "overoptimisation-risk:generative policy",
      "variance-aware-lowers-risk:generative policy",
      "theory-variance-aware-risk:",
    ],
  );
  const safe = summarise([run("standard", 0, [1, 1]), run("variance-aware", 0, [-1, -1])], [2], {});
  assert.equal(rlhfOveroptimisationClaim(safe).holds, false);
  assert.equal(rlhfVarianceAwareClaim(safe).holds, false, "variance-aware is riskier here");
  const unreached = summarise([run("standard", 0, [1, 1])], [5], {});
  assert.equal(rlhfOveroptimisationClaim(unreached).holds, null);
});
