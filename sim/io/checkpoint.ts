/**
 * Checkpoints: safetensors files under `<runDir>/checkpoints/`, written atomically, checksummed, pruned
 * to the newest K, and loaded with a fallback past torn or corrupt files.
 *
 * Files (step zero-padded to 12 digits so `ls` sorts them; steps are parsed numerically anyway):
 *
 * | file                              | content                                                        |
 * | --------------------------------- | -------------------------------------------------------------- |
 * | `ckpt-000000001024.safetensors`   | the tensors; `__metadata__` holds the caller's string metadata plus `rewardforge.step` and `rewardforge.sha256`, the content checksum below |
 * | `ckpt-000000001024.sha256`        | SHA-256 of the whole .safetensors file in `sha256sum` format (`sha256sum -c` checks it); covers the header and metadata too |
 * | `latest.json`                     | `{"step": 1024, "file": "ckpt-000000001024.safetensors", "sha256": "<whole-file SHA-256>"}` |
 *
 * Save order: checkpoint, sidecar, then latest.json, each with `writeFileAtomic`; latest.json is the
 * commit point. Then checkpoints are pruned: the newest `keep` at or below the saved step stay; those
 * above it belong to an abandoned timeline (the run resumed from an older step) and are removed, as
 * are leftover temp files from a crashed write.
 *
 * Load: latest.json's checkpoint first, then older ones newest first. A candidate is used only if
 * every checksum it has matches (latest.json's, the sidecar's, the embedded one) and it decodes.
 * Checkpoints newer than latest.json's step were written but never committed, and are skipped. Without
 * a readable latest.json every checkpoint is a candidate. Every skipped file is reported with a reason.
 *
 * The embedded `rewardforge.sha256` travels with the file (a copied checkpoint still verifies) and is
 * independent of layout: SHA-256 over, for each metadata entry but itself in key order, the line
 * `["meta",key,value]\n`, then for each tensor in name order `["tensor",name,dtype,shape,byteLength]\n`
 * followed by its raw little-endian bytes. So it covers tensor bytes, names, dtypes, shapes, the step
 * and the caller's metadata; only the header's padding and key order are outside it.
 *
 * Metadata values are strings: JSON-encode objects (RNG states, normaliser statistics, counters).
 * Keys starting with `rewardforge.` are reserved.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isAtomicTempFile, writeFileAtomic } from './atomic.ts';
import { type TensorMap, decodeSafetensors, encodeSafetensors } from './safetensors.ts';

export const CHECKPOINT_DIR = 'checkpoints';
export const LATEST_FILE = 'latest.json';
const STEP_KEY = 'rewardforge.step';
const SHA_KEY = 'rewardforge.sha256';
const RESERVED_PREFIX = 'rewardforge.';
const FILE_RE = /^ckpt-(\d+)\.safetensors$/;

export interface SaveCheckpointOptions {
  /** How many checkpoints to keep, the new one included (default 3, at least 1). */
  readonly keep?: number;
}

export interface SavedCheckpoint {
  readonly step: number;
  /** File name inside `<runDir>/checkpoints/`. */
  readonly file: string;
  /** Absolute path of the .safetensors file. */
  readonly path: string;
  /** SHA-256 (hex) of the whole file, as in latest.json and the sidecar. */
  readonly sha256: string;
}

export interface SkippedCheckpoint {
  /** File name inside `<runDir>/checkpoints/` (`latest.json` when the pointer itself is unusable). */
  readonly file: string;
  readonly reason: string;
}

export interface LoadedCheckpoint extends SavedCheckpoint {
  readonly tensors: TensorMap;
  /** The caller's metadata as saved (reserved `rewardforge.*` keys removed). */
  readonly metadata: Record<string, string>;
  /** Files tried before this one, or passed over, and why. */
  readonly skipped: readonly SkippedCheckpoint[];
}

export interface LoadCheckpointOptions {
  /** Called for each skipped file as it is skipped (also when no checkpoint verifies and the result is undefined). */
  readonly onSkip?: (skipped: SkippedCheckpoint) => void;
}

export function checkpointFileName(step: number): string {
  return `ckpt-${String(step).padStart(12, '0')}.safetensors`;
}

function sidecarName(file: string): string {
  return file.replace(/\.safetensors$/, '.sha256');
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The embedded content checksum (see the file header); `metadata` may hold SHA_KEY, which is left out. */
function contentSha256(tensors: Readonly<TensorMap>, metadata: Readonly<Record<string, string>>): string {
  const h = createHash('sha256');
  for (const k of Object.keys(metadata).sort(byCodeUnit)) {
    if (k !== SHA_KEY) h.update(`${JSON.stringify(['meta', k, metadata[k]])}\n`);
  }
  for (const name of Object.keys(tensors).sort(byCodeUnit)) {
    const { dtype, shape, data } = tensors[name];
    h.update(`${JSON.stringify(['tensor', name, dtype, shape, data.byteLength])}\n`);
    h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return h.digest('hex');
}

function assertStep(step: unknown): asserts step is number {
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
    throw new RangeError(`checkpoint step must be a non-negative integer, got ${String(step)}`);
  }
}

/** Checkpoints present in `<runDir>/checkpoints/`, newest (highest step) first; [] when the folder is missing. */
export function listCheckpoints(runDir: string): { step: number; file: string }[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(runDir, CHECKPOINT_DIR));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: { step: number; file: string }[] = [];
  for (const file of names) {
    const m = FILE_RE.exec(file);
    if (m) out.push({ step: Number(m[1]), file });
  }
  return out.sort((a, b) => b.step - a.step);
}

/**
 * Save `tensors` and string `metadata` as the checkpoint for `step` (see the file header for layout),
 * update latest.json, and prune to the newest `keep` checkpoints.
 */
export function saveCheckpoint(
  runDir: string,
  step: number,
  tensors: Readonly<TensorMap>,
  metadata: Readonly<Record<string, string>> = {},
  opts: SaveCheckpointOptions = {},
): SavedCheckpoint {
  assertStep(step);
  const keep = opts.keep ?? 3;
  if (!Number.isSafeInteger(keep) || keep < 1) throw new RangeError(`checkpoint keep must be an integer >= 1, got ${keep}`);
  for (const [k, v] of Object.entries(metadata)) {
    if (k.startsWith(RESERVED_PREFIX)) throw new RangeError(`checkpoint metadata key ${JSON.stringify(k)} is reserved (prefix "${RESERVED_PREFIX}")`);
    if (typeof v !== 'string') {
      throw new TypeError(`checkpoint metadata ${JSON.stringify(k)} must be a string (JSON-encode objects), got ${typeof v}`);
    }
  }

  const dir = path.resolve(runDir, CHECKPOINT_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const file = checkpointFileName(step);

  const meta: Record<string, string> = { ...metadata, [STEP_KEY]: String(step) };
  meta[SHA_KEY] = contentSha256(tensors, meta);
  const bytes = encodeSafetensors(tensors, meta);
  const sha256 = sha256Hex(bytes);

  writeFileAtomic(path.join(dir, file), bytes);
  writeFileAtomic(path.join(dir, sidecarName(file)), `${sha256}  ${file}\n`);
  writeFileAtomic(path.join(dir, LATEST_FILE), `${JSON.stringify({ step, file, sha256 })}\n`);

  // PRUNE
  const older = listCheckpoints(runDir).filter((c) => c.step < step);
  const doomed = [...listCheckpoints(runDir).filter((c) => c.step > step), ...older.slice(keep - 1)];
  for (const c of doomed) {
    fs.rmSync(path.join(dir, c.file), { force: true });
    fs.rmSync(path.join(dir, sidecarName(c.file)), { force: true });
  }
  for (const name of fs.readdirSync(dir)) {
    if (isAtomicTempFile(name)) fs.rmSync(path.join(dir, name), { force: true });
  }
  // Orphan sidecars (their checkpoint gone) would only confuse a reader.
  for (const name of fs.readdirSync(dir)) {
    const m = /^(ckpt-\d+)\.sha256$/.exec(name);
    if (m && !fs.existsSync(path.join(dir, `${m[1]}.safetensors`))) fs.rmSync(path.join(dir, name), { force: true });
  }

  return { step, file, path: path.join(dir, file), sha256 };
}

function errMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'ENOENT' ? 'file is missing' : (err.message ?? String(e));
}

/** Parse latest.json into {step, file, sha256} or return the reason it is unusable. */
function readLatest(dir: string): { step: number; file: string; sha256: string } | string {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, LATEST_FILE), 'utf8');
  } catch (e) {
    return errMessage(e);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `not valid JSON (${(e as Error).message})`;
  }
  const o = (v ?? {}) as Record<string, unknown>;
  const m = typeof o.file === 'string' ? FILE_RE.exec(o.file) : null;
  if (typeof o.step !== 'number' || !Number.isSafeInteger(o.step) || o.step < 0) return `field "step" is not a non-negative integer: ${JSON.stringify(o.step)}`;
  if (!m) return `field "file" is not a checkpoint file name: ${JSON.stringify(o.file)}`;
  if (Number(m[1]) !== o.step) return `field "file" (${o.file}) does not match field "step" (${o.step})`;
  if (typeof o.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(o.sha256)) return `field "sha256" is not a hex SHA-256: ${JSON.stringify(o.sha256)}`;
  return { step: o.step, file: o.file as string, sha256: o.sha256 };
}

/** Verify one checkpoint; returns it decoded, or the reason it fails. */
function verify(dir: string, step: number, file: string, expectedSha?: string): Omit<LoadedCheckpoint, 'skipped'> | string {
  const full = path.join(dir, file);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(full);
  } catch (e) {
    return errMessage(e);
  }
  const sha256 = sha256Hex(bytes);
  if (expectedSha !== undefined && sha256 !== expectedSha) return `SHA-256 ${sha256} differs from latest.json's ${expectedSha}`;

  let sidecar: string | undefined;
  try {
    sidecar = fs.readFileSync(path.join(dir, sidecarName(file)), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return `sidecar ${sidecarName(file)}: ${errMessage(e)}`;
  }
  if (sidecar !== undefined) {
    const m = /^([0-9a-f]{64}) [ *]?(\S+)\s*$/.exec(sidecar);
    if (!m) return `sidecar ${sidecarName(file)} is malformed: ${JSON.stringify(sidecar.slice(0, 100))}`;
    if (m[1] !== sha256) return `SHA-256 ${sha256} differs from sidecar ${sidecarName(file)}'s ${m[1]}`;
  }

  let decoded;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (e) {
    return (e as Error).message;
  }
  const embedded = decoded.metadata[SHA_KEY];
  if (embedded === undefined) return `__metadata__ has no "${SHA_KEY}"`;
  const actual = contentSha256(decoded.tensors, decoded.metadata);
  if (embedded !== actual) return `content SHA-256 ${actual} differs from __metadata__ "${SHA_KEY}" ${embedded}`;
  if (decoded.metadata[STEP_KEY] !== String(step)) {
    return `__metadata__ "${STEP_KEY}" is ${JSON.stringify(decoded.metadata[STEP_KEY])}, the file name says ${step}`;
  }
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(decoded.metadata)) if (!k.startsWith(RESERVED_PREFIX)) metadata[k] = v;
  return { step, file, path: full, sha256, tensors: decoded.tensors, metadata };
}

/**
 * Load the newest checkpoint that verifies, or undefined when there is none. Never throws on a torn,
 * corrupt or missing file: such files are listed in `skipped` (and passed to `onSkip`) with the reason.
 */
export function loadLatestCheckpoint(runDir: string, opts: LoadCheckpointOptions = {}): LoadedCheckpoint | undefined {
  const dir = path.resolve(runDir, CHECKPOINT_DIR);
  const skipped: SkippedCheckpoint[] = [];
  const skip = (file: string, reason: string): void => {
    const s = { file, reason };
    skipped.push(s);
    opts.onSkip?.(s);
  };

  const all = listCheckpoints(runDir);
  const latest = readLatest(dir);
  const candidates: { step: number; file: string; sha?: string }[] = [];
  if (typeof latest === 'string') {
    if (all.length > 0 || latest !== 'file is missing') skip(LATEST_FILE, latest);
    candidates.push(...all);
  } else {
    candidates.push({ step: latest.step, file: latest.file, sha: latest.sha256 });
    for (const c of all) {
      if (c.step > latest.step) skip(c.file, `newer than latest.json (step ${latest.step}): written but never committed`);
      else if (c.step < latest.step) candidates.push(c);
    }
  }

  for (const c of candidates) {
    const result = verify(dir, c.step, c.file, c.sha);
    if (typeof result === 'string') skip(c.file, result);
    else return { ...result, skipped };
  }
  return undefined;
}
