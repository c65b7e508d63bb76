import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultJobs } from "../../src/jobs/threads.js";

test("the default thread count grows with the work, from one thread up to the cores", () => {
  assert.equal(defaultJobs(0, 2), 1);
  assert.equal(defaultJobs(1.9e9, 2), 1, "about 2 s of single-thread work: a worker's start-up does not pay");
  assert.equal(defaultJobs(2e9, 2), 2);
  assert.equal(defaultJobs(1e12, 2), 2, "never more than the cores");
  assert.equal(defaultJobs(1e12, 1), 1);
  assert.equal(defaultJobs(5e9, 16), 3);
});
