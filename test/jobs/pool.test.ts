import assert from "node:assert/strict";
import { test } from "node:test";
import { startWorkers } from "../../src/jobs/pool.js";
import { type LocalRun, runScheduled } from "../../src/jobs/schedule.js";
import { setup } from "./square-worker.js";

const module = new URL("./square-worker.js", import.meta.url);

/** This thread's run of a task: one step per value, splittable into runs of the values left. */
function localSquares(values: number[], emit: (event: number) => void): LocalRun<number[]> {
  let left = [...values];
  const run = setup(100);
  return {
    *steps() {
      while (left.length > 0) {
        const [value, ...rest] = left;
        left = rest;
        run([value], emit);
        yield 1 - left.length / values.length;
      }
    },
    pieces: () => left.length,
    split(count) {
      const size = Math.ceil(left.length / count);
      const pieces = Array.from({ length: count }, (_, i) => left.slice(i * size, (i + 1) * size));
      left = pieces[0];
      return pieces.slice(1).filter((piece) => piece.length > 0);
    },
  };
}

test("a job that is not reward-model training runs on worker threads, split or whole, with the same events", async () => {
  const tasks = [[1, 2, 3], [4, 5], [6], [7, 8, 9, 10]];
  const expected = tasks.flat().map((v) => v * v + 100);
  const pool = startWorkers<number, number[], number>(2, module, "cpu");
  try {
    const events: number[] = [];
    await runScheduled(
      pool,
      100,
      tasks,
      (task) => localSquares(task, (e) => events.push(e)),
      (e) => events.push(e),
      0,
    );
    assert.deepEqual(
      [...events].sort((a, b) => a - b),
      expected,
    );
  } finally {
    await pool.close();
  }
});

test("an error in a worker's task reaches the caller", async () => {
  const pool = startWorkers<number, number[], number>(1, module, "cpu");
  try {
    const events: number[] = [];
    const tasks = [[1], [-1]];
    await assert.rejects(
      runScheduled(
        pool,
        0,
        tasks,
        (task) => localSquares(task, (e) => events.push(e)),
        () => {},
      ),
      /negative value -1/,
    );
  } finally {
    await pool.close();
  }
});
