import type { TaskRunner } from "../../src/jobs/pool.js";

/** A worker module for the pool's tests: a task is a list of numbers, its events their squares plus an offset. */
export function setup(offset: number): TaskRunner<number[], number> {
  return (values, emit) => {
    for (const value of values) {
      if (value < 0) throw new Error(`negative value ${value}`);
      emit(value * value + offset);
    }
  };
}
