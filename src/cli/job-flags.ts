import type { Command } from "commander";
import { type JobPlan, parseInteger, resolveShard } from "../jobs/shard.js";
import { UserError } from "../runtime/errors.js";

export interface JobFlags {
  force?: boolean;
  resume?: boolean;
  jobs?: string;
  shard?: string;
  shardCount?: string;
}

/** The flags of a command whose stage runs as a job (members of train-rm, PPO trials of rlhf): threads, shard, resume. */
export function withJobFlags(command: Command): Command {
  return command
    .option(
      "--jobs <n>",
      "threads running the job's items (reward-model members, PPO trials), this one included (default: " +
        "train-rm from the amount of work, up to the cores; others the number of cores)",
    )
    .option("--shard <i/n>", "run only the items m with m mod n = i (default: from SLURM or Kubernetes)")
    .option(
      "--shard-count <n>",
      "shard count of a Kubernetes Indexed Job (the index is JOB_COMPLETION_INDEX)",
    )
    .option(
      "--resume",
      "continue the interrupted run in --out: finished items are kept, unfinished members restart from " +
        "their last epoch checkpoint, unfinished trials from the start (a plain rerun resumes too; --resume " +
        "says so and refuses --force)",
    );
}

/** Automatic threads, no shard: how `reproduce` runs a job, in one process whatever the environment. */
export function wholeJob(): JobPlan {
  return {};
}

/**
 * Checks a job's flags before anything is written. Every call resumes what an interrupted one left
 * (DESIGN: an interrupted stage resumes), so --resume only says so explicitly, and refuses --force.
 */
export function jobPlan(
  flags: JobFlags,
  configuredShards: number | undefined,
  env: NodeJS.ProcessEnv,
): JobPlan {
  if (flags.resume && flags.force) {
    throw new UserError("--resume continues the run in --out and --force starts it over: pass one of them");
  }
  const jobs = flags.jobs === undefined ? undefined : parseInteger(flags.jobs, "--jobs", 1);
  const count =
    flags.shardCount === undefined ? configuredShards : parseInteger(flags.shardCount, "--shard-count", 1);
  const shard = resolveShard(flags.shard, count, env);
  if (shard !== undefined && count !== undefined && shard.count !== count) {
    throw new UserError(`${shard.from} says ${shard.count} shards, but the shard count is ${count}`);
  }
  return { jobs, shard };
}
