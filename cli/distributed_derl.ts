/**
 * DERL's inner loops on BullMQ workers (`npm run derl -- --workers redis://…`): a drop-in for
 * `runInnerJobs` (cli/derl_inner.ts, worker threads of this machine). Each iteration is one BullMQ flow:
 * the iteration is the parent job (queue `derl-iteration`), each formula's inner training a child
 * (queue `derl-inner`). The parent runs once every child has finished or failed all its attempts, and
 * returns the children's scores in index order; a failed child comes back as `{ error }`, which DERL
 * scores as an invalid formula — exactly what the local executor does.
 *
 * An inner job carries the formula as text, the seed and the budgets; the worker re-checks and
 * re-compiles the formula (rewards/derl + rewards/lang) and derives every seed from the job, so the
 * scores are those of local mode for the same `--seed`.
 */
import { randomUUID } from 'node:crypto';
import type { JobClient, JobOutcome } from '../sim/distributed/job_client.ts';
import { type InnerJobData, IterationResult } from '../sim/distributed/jobs.ts';
import { jobId } from '../sim/distributed/queues.ts';
import type { InnerJob, InnerResult } from './derl_inner.ts';

export type InnerExecutor = (jobs: readonly InnerJob[], iteration: number | 'rescore' | 'final') => Promise<Array<InnerResult | { error: string }>>;

export interface FlowExecutorStats {
  flows: number;
  innerJobs: number;
  resubmitted: number;
}

/** An executor that runs each batch of inner jobs as one flow on the workers behind `client`. */
export function flowExecutor(client: JobClient, seed: number, stats: FlowExecutorStats = { flows: 0, innerJobs: 0, resubmitted: 0 }, runId = `derl-${seed}-${randomUUID().slice(0, 8)}`): InnerExecutor {
  return async (jobs, iteration) => {
    const children = jobs.map((job, index) => {
      const data: InnerJobData = { runId, iteration, index, job };
      return { queue: 'inner' as const, name: 'inner', id: jobId('inner', runId, `i${iteration}`, index), data };
    });
    const parent = { queue: 'iteration' as const, name: 'iteration', id: jobId('iteration', runId, `i${iteration}`), data: { runId, iteration, size: jobs.length }, children };
    const before = client.resubmitted;
    const [outcome]: Array<JobOutcome<IterationResult>> = await client.run([parent], { runId, parse: (v) => IterationResult.parse(v), onFailure: 'stop' });
    stats.flows++;
    stats.innerJobs += jobs.length;
    stats.resubmitted += client.resubmitted - before;
    if (!outcome.ok) throw new Error(`derl iteration ${iteration} failed on the workers: ${outcome.error}`);
    return outcome.value.results;
  };
}
