import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultJobs, freeCores } from "../../src/jobs/threads.js";

test("the default thread count grows with the work, from one thread up to the cores", () => {
  assert.equal(defaultJobs(0, 2), 1);
  assert.equal(defaultJobs(1.9e9, 2), 1, "about 2 s of single-thread work: a worker's start-up does not pay");
  assert.equal(defaultJobs(2e9, 2), 2);
  assert.equal(defaultJobs(1e12, 2), 2, "never more than the cores");
  assert.equal(defaultJobs(1e12, 1), 1);
  assert.equal(defaultJobs(5e9, 16), 3);
});

test("the free cores are the cores less the load of other processes, at least one", () => {
  assert.equal(freeCores(2, 0), 2, "an idle machine");
  assert.equal(freeCores(2, 1), 2, "the load of this process alone");
  assert.equal(freeCores(2, 2), 1, "one other busy process");
  assert.equal(freeCores(2, 6), 1, "never fewer than one");
  assert.equal(freeCores(16, 4.2), 13);
});
