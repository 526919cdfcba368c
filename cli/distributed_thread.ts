/**
 * Long jobs of `npm run worker` (a whole training, a DERL inner training) run in a worker thread, one
 * thread per job: the process's event loop stays free to renew the job's BullMQ lock, so a busy worker
 * is never mistaken for a dead one, while a killed worker process (its threads die with it) is.
 *
 * Also the local mode of `npm run sweep` (no Redis): the same job functions on threads of this machine.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { InnerJobData, TrainJobData } from '../sim/distributed/jobs.ts';

export type ThreadJob = { kind: 'train'; data: TrainJobData; runsDir: string; attempt: number } | { kind: 'inner'; data: InnerJobData };

/** Run one job in a fresh worker thread; resolves with its result or rejects with its error. */
export function runInThread<R>(job: ThreadJob): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    // Workers do not inherit the tsx loader on Node 20: register it in the worker, then load this file.
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const w = new Worker(boot, { eval: true, workerData: { rfDistributedJob: job } });
    let settled = false;
    w.once('message', (m: { ok: true; value: R } | { ok: false; error: string; unrecoverable: boolean }) => {
      settled = true;
      if (m.ok) resolve(m.value);
      else reject(Object.assign(new Error(m.error), { unrecoverable: m.unrecoverable }));
    });
    w.once('error', (e) => {
      if (!settled) reject(e);
      settled = true;
    });
    w.once('exit', (code) => {
      if (!settled) reject(new Error(`job thread exited with code ${code} before reporting`));
      settled = true;
    });
  });
}

const wd = workerData as { rfDistributedJob?: ThreadJob } | undefined;
if (!isMainThread && wd?.rfDistributedJob) {
  const job = wd.rfDistributedJob;
  (async () => {
    try {
      const { runTrainJob, runInnerJobData, isConfigError } = await import('./distributed_jobs.ts');
      try {
        const value = job.kind === 'train' ? await runTrainJob(job.data, job.runsDir, job.attempt) : runInnerJobData(job.data);
        parentPort!.postMessage({ ok: true, value });
      } catch (e) {
        parentPort!.postMessage({ ok: false, error: (e as Error).message, unrecoverable: isConfigError(e) });
      }
    } catch (e) {
      parentPort!.postMessage({ ok: false, error: (e as Error).stack ?? String(e), unrecoverable: false });
    }
  })();
}
