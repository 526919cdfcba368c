/**
 * metrics.jsonl: the run's scalar log, one JSON object per line and per scalar:
 *
 *     {"step":2048,"tag":"charts/episodic_return","value":-12.5,"wall":1718000000.123}
 *
 * | field   | meaning                                                                            |
 * | ------- | ---------------------------------------------------------------------------------- |
 * | `step`  | global environment step (CleanRL's `global_step`), non-negative integer            |
 * | `tag`   | CleanRL tag name (`CLEANRL_TAGS`), or any other `section/name`                     |
 * | `value` | the scalar; NaN and ±Infinity are written as the strings "NaN", "Infinity", "-Infinity" (JSON has no such numbers; `readMetrics` turns them back); -0 is written as 0 |
 * | `wall`  | Unix time in seconds when it was recorded (TensorBoard's `wall_time`)               |
 *
 * One line per scalar, not one object per step: it maps one-to-one onto TensorBoard's `add_scalar`
 * (the tfevents writer takes the same calls, see `ScalarWriter`), scalars logged at different
 * cadences (episodes vs updates) need no merging, and `pandas.read_json(lines=True).pivot(...)` or
 * `grep charts/SPS` read it directly.
 *
 * Lines are buffered in memory and appended with one write when the buffer passes `bufferBytes`;
 * `flush()` and `close()` write and fsync. On resume call `truncateMetricsAfter(path, checkpointStep)`
 * before opening the writer, so the log holds no lines from after the checkpoint nor a torn last line.
 */
import fs from 'node:fs';
import { writeFileAtomic } from './atomic.ts';

/** CleanRL's tag names (ppo.py, ppo_continuous_action.py), so trainers log under the same names. */
export const CLEANRL_TAGS = {
  episodicReturn: 'charts/episodic_return',
  episodicLength: 'charts/episodic_length',
  successRate: 'charts/success_rate',
  sps: 'charts/SPS',
  learningRate: 'charts/learning_rate',
  valueLoss: 'losses/value_loss',
  policyLoss: 'losses/policy_loss',
  entropy: 'losses/entropy',
  approxKl: 'losses/approx_kl',
  oldApproxKl: 'losses/old_approx_kl',
  clipFrac: 'losses/clipfrac',
  explainedVariance: 'losses/explained_variance',
} as const;

/** What a trainer logs to: `MetricsWriter` and `TfEventsWriter` both implement it (same shape as `add_scalar`). */
export interface ScalarWriter {
  /** Record `value` under `tag` at global step `step`; `wall` is Unix seconds (default: now). */
  addScalar(tag: string, value: number, step: number, wall?: number): void;
  /** Write buffered records and fsync. */
  flush(): void;
  /** Flush and close; later `addScalar` calls throw. */
  close(): void;
}

export interface MetricRecord {
  readonly step: number;
  readonly tag: string;
  readonly value: number;
  readonly wall: number;
}

export interface MetricsWriterOptions {
  /** Append to the file once about this many bytes are buffered, without fsync (default 64 KiB). */
  readonly bufferBytes?: number;
  /** Clock in Unix seconds, for `wall` when `addScalar` gets none (default `Date.now() / 1000`). */
  readonly now?: () => number;
}

/** Check the arguments every scalar writer takes; errors name the field and the value. */
export function checkScalar(tag: unknown, value: unknown, step: unknown, wall: unknown): void {
  if (typeof tag !== 'string' || tag.length === 0) throw new TypeError(`scalar tag must be a non-empty string, got ${JSON.stringify(tag)}`);
  if (typeof value !== 'number') throw new TypeError(`scalar ${tag}: value must be a number, got ${typeof value} ${String(value)}`);
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
    throw new RangeError(`scalar ${tag}: step must be a non-negative integer, got ${String(step)}`);
  }
  if (typeof wall !== 'number' || !Number.isFinite(wall)) throw new RangeError(`scalar ${tag}: wall must be finite Unix seconds, got ${String(wall)}`);
}

function encodeValue(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

export class MetricsWriter implements ScalarWriter {
  private fd: number | undefined;
  private buffer: string[] = [];
  private buffered = 0;
  private readonly bufferBytes: number;
  private readonly now: () => number;

  /** Open (create or append to) `path`, typically `<runDir>/metrics.jsonl`. */
  constructor(
    readonly path: string,
    opts: MetricsWriterOptions = {},
  ) {
    this.bufferBytes = opts.bufferBytes ?? 65536;
    this.now = opts.now ?? (() => Date.now() / 1000);
    this.fd = fs.openSync(path, 'a');
  }

  addScalar(tag: string, value: number, step: number, wall: number = this.now()): void {
    checkScalar(tag, value, step, wall);
    if (this.fd === undefined) throw new Error(`MetricsWriter(${this.path}): addScalar after close()`);
    const line = `${JSON.stringify({ step, tag, value: encodeValue(value), wall })}\n`;
    this.buffer.push(line);
    this.buffered += line.length;
    if (this.buffered >= this.bufferBytes) this.drain();
  }

  private drain(): void {
    if (this.fd === undefined || this.buffer.length === 0) return;
    const bytes = Buffer.from(this.buffer.join(''), 'utf8');
    this.buffer = [];
    this.buffered = 0;
    for (let off = 0; off < bytes.length; ) off += fs.writeSync(this.fd, bytes, off, bytes.length - off);
  }

  flush(): void {
    if (this.fd === undefined) return;
    this.drain();
    fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function parseRecord(line: string): MetricRecord | undefined {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  const r = (o ?? {}) as Record<string, unknown>;
  const value = typeof r.value === 'string' ? Number(r.value) : r.value;
  if (typeof r.step !== 'number' || typeof r.tag !== 'string' || typeof value !== 'number' || typeof r.wall !== 'number') return undefined;
  if (typeof r.value === 'string' && !['NaN', 'Infinity', '-Infinity'].includes(r.value)) return undefined;
  return { step: r.step, tag: r.tag, value, wall: r.wall };
}

/**
 * Read a metrics.jsonl file. A torn last line (no trailing newline, left by a crash) is ignored; a
 * malformed complete line throws with its line number.
 */
export function readMetrics(path: string): MetricRecord[] {
  const lines = fs.readFileSync(path, 'utf8').split('\n');
  lines.pop(); // '' after the final newline, or a torn last line
  return lines.map((line, i) => {
    const r = parseRecord(line);
    if (r === undefined) throw new SyntaxError(`${path}:${i + 1}: not a metrics record: ${JSON.stringify(line.slice(0, 200))}`);
    return r;
  });
}

export interface TruncateReport {
  /** Lines kept (step ≤ the given step). */
  readonly kept: number;
  /** Complete lines removed because their step is after the given step. */
  readonly removedAfterStep: number;
  /** Complete lines removed because they do not parse (e.g. NUL bytes after a power cut). */
  readonly removedMalformed: number;
  /** Whether a torn last line (no trailing newline) was removed. */
  readonly removedPartial: boolean;
}

/**
 * Make `path` continue cleanly from checkpoint `step`: keep lines with step ≤ `step`, drop later ones,
 * unparseable ones and a torn last line, and rewrite the file atomically (only when something is
 * dropped). A missing file is left missing. Call before opening a `MetricsWriter` on resume.
 */
export function truncateMetricsAfter(path: string, step: number): TruncateReport {
  if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`truncateMetricsAfter: step must be a non-negative integer, got ${step}`);
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kept: 0, removedAfterStep: 0, removedMalformed: 0, removedPartial: false };
    throw e;
  }
  const lines = text.split('\n');
  const removedPartial = lines.pop() !== '';
  const kept: string[] = [];
  let removedAfterStep = 0;
  let removedMalformed = 0;
  for (const line of lines) {
    const r = parseRecord(line);
    if (r === undefined) removedMalformed++;
    else if (r.step > step) removedAfterStep++;
    else kept.push(line);
  }
  if (removedPartial || removedAfterStep > 0 || removedMalformed > 0) {
    writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''));
  }
  return { kept: kept.length, removedAfterStep, removedMalformed, removedPartial };
}
