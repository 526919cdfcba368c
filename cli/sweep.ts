/**
 * `npm run sweep -- --grid FILE [--workers redis://…] [--out DIR]` — train a grid of `train:env`
 * configurations and write a results table.
 *
 * The grid file (JSON):
 *   {
 *     "base": { "env": "classic/CartPole-v1", "agent": "ppo", "steps": 20000 },
 *     "grid": { "seed": [1, 2, 3], "set.learningRate": [0.001, 0.0003] },   // cartesian product over base
 *     "runs": [ { "env": "classic/Acrobot-v1", "seed": 1 } ]                 // optional extra configs over base
 *   }
 * Keys are train:env settings (env, agent, reward, steps, seed, numEnvs, evalEpisodes), `set.NAME` for an
 * agent argument (`--set`) and `envArg.NAME` for an env argument (`--env-arg`). A `reward` of
 * `file:PATH` (relative to the grid file) is read here and sent as reward-language source, re-checked
 * where it runs.
 *
 * Where it runs: worker threads of this machine (default, `--parallel P`), or with `--workers URL` one
 * BullMQ `train` job per configuration on `npm run worker` processes (retried `--attempts` times; a job
 * that still fails is reported with its error and the sweep continues, or stops with
 * `--on-failure stop`). Writes DIR/results.jsonl, DIR/results.md and DIR/sweep.json; exit 1 when any
 * configuration failed.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { RedisUrlError, parseRedisUrl, stripRedisPassword } from '../sim/distributed/connection.ts';
import { JobClient, JobFailedError, type JobOutcome, type JobSpec } from '../sim/distributed/job_client.ts';
import { TrainJobConfig, type TrainJobData, TrainResult } from '../sim/distributed/jobs.ts';
import { jobId } from '../sim/distributed/queues.ts';
import { writeFileAtomic } from '../sim/io/atomic.ts';
import { listEnvs } from '../envs/index.ts';
import { runInThread } from './distributed_thread.ts';

export class SweepArgsError extends Error {}

export const SweepConfig = z
  .object({
    grid: z.string().min(1).describe('grid file (JSON)'),
    workers: z.string().optional().describe('Redis URL of the workers; local worker threads when absent'),
    out: z.string().optional().describe('output directory'),
    parallel: z.number().int().min(1).max(256).describe('local mode: configurations at a time'),
    attempts: z.number().int().min(1).max(100).describe('attempts per configuration'),
    onFailure: z.enum(['continue', 'stop']).describe('after a configuration fails all its attempts'),
    timeoutS: z.number().int().min(1).optional().describe('give up on the whole sweep after this long'),
    quiet: z.boolean(),
  })
  .strict();
export type SweepConfig = z.infer<typeof SweepConfig>;

const GridFile = z
  .object({
    base: z.record(z.string(), z.unknown()).default({}),
    grid: z.record(z.string(), z.array(z.unknown()).min(1)).default({}),
    runs: z.array(z.record(z.string(), z.unknown())).default([]),
  })
  .strict();

export interface SweepEntry {
  readonly configId: string;
  readonly config: TrainJobConfig;
  readonly rewardSource?: string;
  /** Testing aid passed through to the job (`failAttempts`). */
  readonly failAttempts?: number;
}

/** Put a flat setting (`seed`, `set.learningRate`, `envArg.reward`) into a config object. */
function assign(cfg: Record<string, unknown>, key: string, value: unknown): void {
  const dot = key.indexOf('.');
  if (dot > 0) {
    const head = key.slice(0, dot);
    if (head !== 'set' && head !== 'envArg') throw new SweepArgsError(`grid key '${key}': only set.NAME and envArg.NAME may have a dot`);
    cfg[head] = { ...((cfg[head] as Record<string, unknown>) ?? {}), [key.slice(dot + 1)]: value };
  } else {
    cfg[key] = value;
  }
}

/** Read and expand a grid file; every error names the file, the configuration and the field. */
export function loadGrid(file: string): SweepEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SweepArgsError(`--grid: cannot read '${file}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SweepArgsError(`--grid ${file}: not valid JSON (${(e as Error).message})`);
  }
  const g = GridFile.safeParse(raw);
  if (!g.success) {
    const issue = g.error.issues[0];
    throw new SweepArgsError(`--grid ${file}: field '${issue.path.join('.') || '(root)'}': ${issue.message} (expected { "base": {…}, "grid": { KEY: [values] }, "runs": [{…}] })`);
  }
  const { base, grid, runs } = g.data;
  const keys = Object.keys(grid);
  let combos: Array<Record<string, unknown>> = [{}];
  for (const k of keys) combos = combos.flatMap((c) => grid[k].map((v) => ({ ...c, [k]: v })));
  if (keys.length === 0 && runs.length > 0) combos = [];
  const flat = [...combos, ...runs];
  if (flat.length === 0) throw new SweepArgsError(`--grid ${file}: no configurations (give "grid" axes or "runs")`);
  const envs = new Set(listEnvs());
  return flat.map((over, k) => {
    const cfg: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(base)) assign(cfg, key, v);
    for (const [key, v] of Object.entries(over)) assign(cfg, key, v);
    const failAttempts = cfg.failAttempts as number | undefined;
    delete cfg.failAttempts;
    const label = Object.entries(over).map(([a, b]) => `${a}=${typeof b === 'string' ? b : JSON.stringify(b)}`).join(',');
    const parsed = TrainJobConfig.safeParse(cfg);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.join('.');
      throw new SweepArgsError(`--grid ${file}: configuration #${k + 1}${label ? ` (${label})` : ''}: field '${field}': ${issue.message}; got ${JSON.stringify(field.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown> | undefined)?.[p], cfg))}`);
    }
    const config = parsed.data;
    if (!envs.has(config.env)) throw new SweepArgsError(`--grid ${file}: configuration #${k + 1}: field 'env': unknown env id '${config.env}'`);
    let rewardSource: string | undefined;
    if (config.reward.startsWith('file:')) {
      const rf = path.resolve(path.dirname(file), config.reward.slice(5));
      try {
        rewardSource = fs.readFileSync(rf, 'utf8');
      } catch (e) {
        throw new SweepArgsError(`--grid ${file}: configuration #${k + 1}: field 'reward': cannot read '${rf}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    } else if (config.reward !== 'env' && !config.reward.startsWith('text2reward:')) {
      throw new SweepArgsError(`--grid ${file}: configuration #${k + 1}: field 'reward': '${config.reward}' is not env, file:PATH or text2reward:GOAL`);
    }
    const slug = label.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
    return { configId: `c${String(k + 1).padStart(3, '0')}${slug ? `-${slug}` : ''}`, config, rewardSource, failAttempts };
  });
}

export function parseSweepArgs(argv: string[]): SweepConfig | 'help' {
  const int = (flag: string) => (v: string): number => {
    if (!/^\d+$/.test(v.trim())) throw new SweepArgsError(`${flag} must be a non-negative integer, got '${v}'`);
    return Number(v);
  };
  const program = new Command('sweep')
    .description('Train a grid of train:env configurations (locally or on BullMQ workers) and write a results table')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) })
    .allowExcessArguments(false)
    .requiredOption('--grid <file>', 'grid file (JSON: base, grid axes, runs)')
    .option('--workers <url>', 'run each configuration as a BullMQ job on `npm run worker` processes via this Redis URL')
    .option('--out <dir>', 'output directory (default runs/sweep__<grid>__<time>)')
    .option('--parallel <n>', 'local mode: configurations at a time', int('--parallel'), Math.max(1, Math.min(4, os.availableParallelism())))
    .option('--attempts <n>', 'attempts per configuration', int('--attempts'), 2)
    .option('--on-failure <what>', 'continue | stop, after a configuration fails all its attempts', 'continue')
    .option('--timeout-s <s>', 'give up on the sweep after this many seconds', int('--timeout-s'))
    .option('--quiet', 'no per-configuration lines', false);
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof SweepArgsError) throw e;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed') return 'help';
      throw new SweepArgsError(e.message.replace(/^error: /, ''));
    }
    throw e;
  }
  const o = program.opts();
  const parsed = SweepConfig.safeParse(o);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]);
    throw new SweepArgsError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}; got '${String((o as Record<string, unknown>)[key])}'`);
  }
  if (parsed.data.workers !== undefined) {
    try {
      parseRedisUrl(parsed.data.workers, '--workers');
    } catch (e) {
      if (e instanceof RedisUrlError) throw new SweepArgsError(e.message);
      throw e;
    }
  }
  return parsed.data;
}

export interface SweepRow {
  readonly configId: string;
  readonly config: TrainJobConfig;
  readonly ok: boolean;
  readonly meanReturn?: number;
  readonly successRate?: number;
  readonly wallSeconds?: number;
  readonly artifacts?: { host: string; dir: string };
  readonly worker?: string;
  readonly error?: string;
  readonly attempts?: number;
}

export interface SweepResult {
  readonly dir: string;
  readonly rows: SweepRow[];
  readonly failed: number;
  readonly stoppedEarly: boolean;
  readonly runId: string;
  readonly resubmitted: number;
}

function row(e: SweepEntry, o: JobOutcome<TrainResult>): SweepRow {
  if (!o.ok) return { configId: e.configId, config: e.config, ok: false, error: o.error, attempts: o.attempts };
  const ev = (o.value.summary.eval ?? {}) as { meanReturn?: number; successRate?: number };
  return { configId: e.configId, config: e.config, ok: true, meanReturn: ev.meanReturn, successRate: ev.successRate, wallSeconds: o.value.summary.wallSeconds as number, artifacts: o.value.artifacts, worker: o.value.worker };
}

function table(rows: readonly SweepRow[]): string {
  const f = (x: number | undefined, d: number) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));
  const lines = ['| config | env | agent | seed | steps | eval mean return | success | wall s | where / error |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const where = r.ok ? `${r.artifacts?.host}:${r.artifacts?.dir}` : `FAILED after ${r.attempts} attempt(s): ${String(r.error).replace(/\|/g, '\\|').split('\n')[0]}`;
    lines.push(`| ${r.configId} | ${r.config.env} | ${r.config.agent} | ${r.config.seed} | ${r.config.steps ?? 'preset'} | ${f(r.meanReturn, 2)} | ${f(r.successRate, 2)} | ${f(r.wallSeconds, 1)} | ${where} |`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runSweep(cfg: SweepConfig, log: (m: string) => void = () => {}): Promise<SweepResult> {
  const entries = loadGrid(cfg.grid);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.resolve(cfg.out ?? path.join('runs', `sweep__${path.basename(cfg.grid).replace(/\.json$/, '')}__${stamp}`));
  if (fs.existsSync(path.join(dir, 'results.jsonl'))) throw new SweepArgsError(`--out: '${dir}' already holds a sweep's results`);
  fs.mkdirSync(dir, { recursive: true });
  const runId = `sweep-${stamp.slice(0, 19)}-${randomUUID().slice(0, 8)}`.replace(/[^A-Za-z0-9._-]/g, '-');
  const data = (e: SweepEntry): TrainJobData => ({ runId, configId: e.configId, config: e.config, rewardSource: e.rewardSource, failAttempts: e.failAttempts });
  const outcomes = new Array<JobOutcome<TrainResult> | undefined>(entries.length);
  const progress = (k: number, o: JobOutcome<TrainResult>) => {
    if (cfg.quiet) return;
    log(o.ok ? `sweep: ${entries[k].configId} done on ${o.value.worker}: eval mean return ${Number((o.value.summary.eval as { meanReturn: number }).meanReturn).toFixed(2)}` : `sweep: ${entries[k].configId} FAILED after ${o.attempts} attempt(s): ${o.error}`);
  };
  let stoppedEarly = false;
  let resubmitted = 0;
  log(`sweep: ${entries.length} configurations ${cfg.workers ? `as BullMQ jobs (run ${runId})` : `on ${cfg.parallel} local worker thread(s)`} → ${dir}`);
  if (cfg.workers !== undefined) {
    let client: JobClient;
    try {
      client = await JobClient.connect(cfg.workers, '--workers');
    } catch (e) {
      if (e instanceof RedisUrlError) throw new SweepArgsError(e.message);
      throw e;
    }
    try {
      const specs: JobSpec[] = entries.map((e) => ({ queue: 'train', name: 'train', id: jobId('train', runId, e.configId), data: data(e), retry: { attempts: cfg.attempts, backoffMs: 500 } }));
      const index = new Map(specs.map((s, k) => [s.id, k]));
      try {
        const res = await client.run(specs, {
          runId,
          parse: (v) => TrainResult.parse(v),
          onFailure: cfg.onFailure,
          timeoutMs: cfg.timeoutS === undefined ? undefined : cfg.timeoutS * 1000,
          onResult: (o) => {
            const k = index.get(o.id)!;
            outcomes[k] = o;
            progress(k, o);
          },
        });
        res.forEach((o, k) => (outcomes[k] = o));
      } catch (e) {
        if (!(e instanceof JobFailedError)) throw e;
        stoppedEarly = true;
      }
      resubmitted = client.resubmitted;
      if (stoppedEarly) for (const s of specs) await client.queue('train').remove(s.id).catch(() => 0);
    } finally {
      await client.close();
    }
  } else {
    // Local mode: the same job function on worker threads of this machine, `parallel` at a time.
    let next = 0;
    const runsDir = path.join(dir, 'runs');
    const one = async (): Promise<void> => {
      while (next < entries.length && !stoppedEarly) {
        const k = next++;
        const e = entries[k];
        let o: JobOutcome<TrainResult> | undefined;
        for (let attempt = 0; attempt < cfg.attempts; attempt++) {
          try {
            o = { id: e.configId, ok: true, value: await runInThread<TrainResult>({ kind: 'train', data: data(e), runsDir, attempt }) };
            break;
          } catch (err) {
            o = { id: e.configId, ok: false, error: (err as Error).message, attempts: attempt + 1 };
            if ((err as { unrecoverable?: boolean }).unrecoverable) break;
          }
        }
        outcomes[k] = o!;
        progress(k, o!);
        if (!o!.ok && cfg.onFailure === 'stop') stoppedEarly = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(cfg.parallel, entries.length) }, one));
  }
  const rows: SweepRow[] = entries.map((e, k) => {
    const o = outcomes[k];
    return o ? row(e, o) : { configId: e.configId, config: e.config, ok: false, error: 'not run (the sweep stopped at a failure: --on-failure stop)', attempts: 0 };
  });
  const failed = rows.filter((r) => !r.ok).length;
  writeFileAtomic(path.join(dir, 'results.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileAtomic(path.join(dir, 'results.md'), table(rows));
  writeFileAtomic(
    path.join(dir, 'sweep.json'),
    `${JSON.stringify({ grid: path.resolve(cfg.grid), runId, workers: cfg.workers && stripRedisPassword(cfg.workers), configurations: entries.length, failed, stoppedEarly, resubmitted, createdAt: new Date().toISOString() }, null, 2)}\n`,
  );
  return { dir, rows, failed, stoppedEarly, runId, resubmitted };
}

export async function main(argv: string[]): Promise<number> {
  try {
    const cfg = parseSweepArgs(argv);
    if (cfg === 'help') return 0;
    const r = await runSweep(cfg, (m) => process.stderr.write(`${m}\n`));
    process.stdout.write(fs.readFileSync(path.join(r.dir, 'results.md'), 'utf8'));
    process.stderr.write(`sweep: ${r.rows.length - r.failed}/${r.rows.length} configurations done${r.failed ? `, ${r.failed} failed` : ''}${r.stoppedEarly ? ' (stopped at the first failure)' : ''}; wrote ${r.dir}/results.md\n`);
    return r.failed > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof SweepArgsError) {
      process.stderr.write(`sweep: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`sweep: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
