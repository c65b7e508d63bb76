import { UserError } from "../runtime/errors.js";

/** One shard of a job: it runs the items i (members, trials, sweep points) with i mod count = index. */
export interface Shard {
  index: number;
  count: number;
  /** Where the shard came from, for the log: the flag or the scheduler's variables. */
  from: string;
}

/** A command-line or environment integer ≥ min; `what` names it in the error. */
export function parseInteger(text: string | undefined, what: string, min: number): number {
  const value = Number(text);
  if (text === undefined || text.trim() === "" || !Number.isInteger(value) || value < min) {
    throw new UserError(`${what}: expected an integer ≥ ${min}, got '${text}'`);
  }
  return value;
}

function checked(index: number, count: number, from: string): Shard {
  if (index >= count)
    throw new UserError(`${from}: shard index ${index} is not below the shard count ${count}`);
  return { index, count, from };
}

/** Parses `--shard i/n`. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (match === null) throw new UserError(`--shard ${text}: expected i/n, e.g. --shard 0/4`);
  return checked(
    parseInteger(match[1], "--shard", 0),
    parseInteger(match[2], "--shard", 1),
    `--shard ${text}`,
  );
}

/**
 * The shard this process runs: --shard i/n; else a SLURM job array (task i of the array's
 * SLURM_ARRAY_TASK_COUNT, counted from SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP);
 * else a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, the count from --shard-count or the config's
 * rewardModel.shardCount); else none: the process runs every item.
 */
export function resolveShard(
  flag: string | undefined,
  count: number | undefined,
  env: NodeJS.ProcessEnv,
): Shard | undefined {
  if (flag !== undefined) return parseShard(flag);
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_COUNT !== undefined) {
    const id = parseInteger(env.SLURM_ARRAY_TASK_ID, "SLURM_ARRAY_TASK_ID", 0);
    const min =
      env.SLURM_ARRAY_TASK_MIN === undefined
        ? 0
        : parseInteger(env.SLURM_ARRAY_TASK_MIN, "SLURM_ARRAY_TASK_MIN", 0);
    const step =
      env.SLURM_ARRAY_TASK_STEP === undefined
        ? 1
        : parseInteger(env.SLURM_ARRAY_TASK_STEP, "SLURM_ARRAY_TASK_STEP", 1);
    if ((id - min) % step !== 0 || id < min) {
      throw new UserError(`SLURM_ARRAY_TASK_ID ${id} is not in the array ${min}, ${min + step}, …`);
    }
    const total = parseInteger(env.SLURM_ARRAY_TASK_COUNT, "SLURM_ARRAY_TASK_COUNT", 1);
    return checked((id - min) / step, total, "SLURM job array");
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    if (count === undefined) {
      throw new UserError(
        "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but the shard count is unknown: " +
          "pass --shard-count <the Job's completions> or set rewardModel.shardCount",
      );
    }
    return checked(
      parseInteger(env.JOB_COMPLETION_INDEX, "JOB_COMPLETION_INDEX", 0),
      count,
      "Kubernetes Indexed Job",
    );
  }
  return undefined;
}

/** The items 0..count−1 a shard runs, or all of them. */
export function shardItems(count: number, shard: Shard | undefined): number[] {
  const all = Array.from({ length: count }, (_, i) => i);
  return shard === undefined ? all : all.filter((i) => i % shard.count === shard.index);
}

/** How a job runs in this process: how many threads (this one included; undefined: the stage decides), and which shard. */
export interface JobPlan {
  jobs?: number;
  shard?: Shard;
}
