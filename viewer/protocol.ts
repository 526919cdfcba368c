/**
 * Live viewer wire protocol (see viewer/PROTOCOL.md): the zod schemas of client→server control
 * messages, the types of server→client JSON messages, and the binary pose frame codec.
 *
 * The frame codec uses only DataView/TextEncoder/TextDecoder so it also runs in a browser; the
 * schemas need zod.
 */
import { z } from 'zod';

/** Protocol version sent in `welcome`. Bump on incompatible changes. */
export const PROTOCOL_VERSION = 1;

/** Longest runId accepted (characters); keeps the u16 length of the pose frame header far from its limit. */
export const MAX_RUN_ID_LENGTH = 200;

/** Largest `slow` delay (ms per step) a client may ask for. */
export const MAX_SLOW_MS = 10_000;

/** `slow` without a value means this many ms per step. */
export const DEFAULT_SLOW_MS = 100;

/** Close codes the server uses (RFC 6455 §7.4.1). */
export const CLOSE_CODES = {
  /** Server shutting down. */
  goingAway: 1001,
  /** A binary message from a client. */
  unsupported: 1003,
  /** Invalid JSON or a control message that breaks the schema. */
  policy: 1008,
  /** A client message larger than maxPayload (closed by `ws` itself). */
  tooLarge: 1009,
} as const;

// ---------------------------------------------------------------------------------------------
// Client → server
// ---------------------------------------------------------------------------------------------

const runId = z.string().min(1).max(MAX_RUN_ID_LENGTH);
const envIndex = z.number().int().min(0).max(0xffff_ffff);

export const HelloSchema = z.object({
  type: z.literal('hello'),
  /** Free-form client name, e.g. 'browser'. */
  client: z.string().max(200).optional(),
  /** Protocol version the client speaks. */
  protocol: z.number().int().optional(),
});
export const ListSchema = z.object({ type: z.literal('list') });
export const PingSchema = z.object({ type: z.literal('ping'), t: z.number().optional() });
export const SubscribeSchema = z.object({
  type: z.literal('subscribe'),
  runId,
  /** Only this env's poses/transcript/page/episodeEnd; omitted = every env. Metrics always flow. */
  envIndex: envIndex.optional(),
});
export const UnsubscribeSchema = z.object({ type: z.literal('unsubscribe'), runId });
export const ControlSchema = z.object({
  type: z.literal('control'),
  runId,
  action: z.enum(['pause', 'resume', 'slow']),
  /** For 'slow': delay in ms per training step (0 = full speed, omitted = DEFAULT_SLOW_MS). */
  value: z.number().min(0).max(MAX_SLOW_MS).optional(),
});

export const ClientMessageSchema = z.discriminatedUnion('type', [
  HelloSchema,
  ListSchema,
  PingSchema,
  SubscribeSchema,
  UnsubscribeSchema,
  ControlSchema,
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
export type ControlAction = z.infer<typeof ControlSchema>['action'];

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** One line naming the field, what was wrong and the value given, from a zod error. */
export function formatZodError(error: z.ZodError, input: unknown, what = 'message'): string {
  const issue = error.issues[0];
  if (!issue) return `${what}: invalid`;
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : what;
  const message = issue.message
    .replace(/^Invalid input: /, '')
    .replace(/^Invalid discriminator value\. Expected /, 'expected one of ')
    .replace(/^Invalid option: expected one of /, 'expected one of ');
  return `${field}: ${message}, got ${describeValue(valueAt(input, issue.path))}`;
}

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; reason: string };

/** Parse one text message from a client: JSON, then the schema. Never throws. */
export function parseClientMessage(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `invalid JSON: ${(e as Error).message}` };
  }
  const r = ClientMessageSchema.safeParse(json);
  if (!r.success) return { ok: false, reason: formatZodError(r.error, json) };
  return { ok: true, message: r.data };
}

/** A close reason must fit in 123 UTF-8 bytes (RFC 6455 §5.5); cut it on a character boundary. */
export function closeReason(reason: string): string {
  const enc = new TextEncoder();
  if (enc.encode(reason).byteLength <= 123) return reason;
  let out = '';
  let bytes = 0;
  for (const ch of reason) {
    const n = enc.encode(ch).byteLength;
    if (bytes + n > 120) break;
    out += ch;
    bytes += n;
  }
  return `${out}...`;
}

// ---------------------------------------------------------------------------------------------
// Runs (publisher side)
// ---------------------------------------------------------------------------------------------

/** Run meta from the publisher; extra JSON fields (e.g. `scene` for robotics) are kept and listed. */
export const RunMetaSchema = z.looseObject({
  runId,
  env: z.string().min(1).max(200),
  /** 'classic' | 'robotics' | 'textworld' | 'web' or another family name. */
  family: z.string().min(1).max(100),
  agent: z.string().max(100).optional(),
  numEnvs: z.number().int().positive().max(0xffff_ffff).optional(),
});
export type RunFamily = 'classic' | 'robotics' | 'textworld' | 'web' | (string & {});
export interface RunMeta {
  runId: string;
  env: string;
  family: RunFamily;
  agent?: string;
  numEnvs?: number;
  /** Robotics: the bodies a pose frame holds, in order (layout agreed with the page). */
  scene?: unknown;
  /** Other JSON fields are passed through to clients as given. */
  [extra: string]: unknown;
}

/** A run as listed in `runs`: its meta plus live state. */
export interface RunInfo extends RunMeta {
  /** ms since epoch when openRun was called. */
  startedAt: number;
  /** The run's publisher called close() (history still available). */
  finished: boolean;
  paused: boolean;
  slowMs: number;
}

export interface TranscriptEntry {
  obs?: string;
  command?: string;
  reward?: number;
  /** Reward terms, name → value. */
  terms?: Record<string, number>;
}

export interface PageSnapshot {
  html: string;
  instruction: string;
  /** Ref of the element the agent acted on, if any. */
  actedRef?: string;
}

export type EpisodeStats = Record<string, number | string | boolean | null>;

// ---------------------------------------------------------------------------------------------
// Server → client (JSON text messages)
// ---------------------------------------------------------------------------------------------

export interface WelcomeMessage {
  type: 'welcome';
  protocol: number;
  heartbeatMs: number;
  maxPayload: number;
  sendBudgetBytes: number;
  serverTime: number;
}
export interface RunsMessage { type: 'runs'; runs: RunInfo[] }
export interface SubscribedMessage { type: 'subscribed'; runId: string; envIndex: number | null }
export interface UnsubscribedMessage { type: 'unsubscribed'; runId: string }
export interface HistoryMessage {
  type: 'history';
  runId: string;
  /**
   * Past metrics by step, ascending: each point holds the tags logged at that step. At most the
   * server's historyPoints points per tag are kept, so old steps may lack some tags.
   */
  points: Array<{ step: number; scalars: Record<string, number | null> }>;
}
export interface MetricsMessage { type: 'metrics'; runId: string; step: number; scalars: Record<string, number> }
export interface TranscriptMessage { type: 'transcript'; runId: string; envIndex: number; entry: TranscriptEntry }
export interface PageMessage { type: 'page'; runId: string; envIndex: number; snapshot: PageSnapshot }
export interface EpisodeEndMessage { type: 'episodeEnd'; runId: string; envIndex: number; stats: EpisodeStats }
export interface RunStateMessage { type: 'runState'; runId: string; paused: boolean; slowMs: number; finished: boolean }
export interface ErrorMessage { type: 'error'; field: string; message: string }
export interface PongMessage { type: 'pong'; t: number | null; serverTime: number }

export type ServerMessage =
  | WelcomeMessage
  | RunsMessage
  | SubscribedMessage
  | UnsubscribedMessage
  | HistoryMessage
  | MetricsMessage
  | TranscriptMessage
  | PageMessage
  | EpisodeEndMessage
  | RunStateMessage
  | ErrorMessage
  | PongMessage;

// ---------------------------------------------------------------------------------------------
// Binary pose frames
// ---------------------------------------------------------------------------------------------

/** 'RFP1' as 4 bytes. */
export const POSE_MAGIC = [0x52, 0x46, 0x50, 0x31] as const;

export interface PoseFrame {
  runId: string;
  envIndex: number;
  step: number;
  data: Float32Array;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Byte offset of the float32 data in a frame for a runId of this many UTF-8 bytes. */
export function poseDataOffset(idBytes: number): number {
  return 22 + idBytes;
}

/**
 * Encode a pose frame (little-endian):
 *   0  4 bytes  magic 'RFP1'
 *   4  u16      runId byte length L
 *   6      L bytes  runId UTF-8
 *   6+L    u32      envIndex
 *   10+L   f64      step
 *   18+L   u32      count (number of float32 values)
 *   22+L   count × f32 data (packed: not necessarily 4-byte aligned)
 */
export function encodePoseFrame(runId: string, envIndex: number, step: number, data: Float32Array): Uint8Array<ArrayBuffer> {
  const id = textEncoder.encode(runId);
  if (id.byteLength > 0xffff) throw new Error(`runId: ${id.byteLength} UTF-8 bytes is more than 65535`);
  if (!Number.isInteger(envIndex) || envIndex < 0 || envIndex > 0xffff_ffff) {
    throw new Error(`envIndex: must be an integer in [0, 2^32), got ${envIndex}`);
  }
  if (typeof step !== 'number') throw new Error(`step: must be a number, got ${typeof step}`);
  if (!(data instanceof Float32Array)) throw new Error(`data: must be a Float32Array, got ${describeValue(data)}`);
  const offset = poseDataOffset(id.byteLength);
  const out = new Uint8Array(offset + data.byteLength);
  const view = new DataView(out.buffer);
  out.set(POSE_MAGIC, 0);
  view.setUint16(4, id.byteLength, true);
  out.set(id, 6);
  const p = offset - 16;
  view.setUint32(p, envIndex, true);
  view.setFloat64(p + 4, step, true);
  view.setUint32(p + 12, data.length, true);
  if (littleEndianHost) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
  } else {
    for (let i = 0; i < data.length; i++) view.setFloat32(offset + 4 * i, data[i], true);
  }
  return out;
}

/**
 * Decode a pose frame. `data` is a view into `bytes` when the data happens to be 4-byte aligned
 * and the host is little-endian, otherwise a copy. Throws an Error naming the bad field.
 */
export function decodePoseFrame(bytes: ArrayBuffer | Uint8Array): PoseFrame {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  if (u8.byteLength < 22) throw new Error(`frame: ${u8.byteLength} bytes is shorter than the 22-byte header`);
  for (let i = 0; i < 4; i++) {
    if (u8[i] !== POSE_MAGIC[i]) {
      throw new Error(`magic: expected 'RFP1', got ${JSON.stringify(String.fromCharCode(...u8.subarray(0, 4)))}`);
    }
  }
  const idLen = view.getUint16(4, true);
  const offset = poseDataOffset(idLen);
  if (u8.byteLength < offset) throw new Error(`runId length: ${idLen} does not fit in a ${u8.byteLength}-byte frame`);
  let runId: string;
  try {
    runId = textDecoder.decode(u8.subarray(6, 6 + idLen));
  } catch {
    throw new Error('runId: not valid UTF-8');
  }
  const envIndex = view.getUint32(offset - 16, true);
  const step = view.getFloat64(offset - 12, true);
  const count = view.getUint32(offset - 4, true);
  if (u8.byteLength !== offset + 4 * count) {
    throw new Error(`count: ${count} float32 values need ${offset + 4 * count} bytes, frame has ${u8.byteLength}`);
  }
  let data: Float32Array;
  if (littleEndianHost && (u8.byteOffset + offset) % 4 === 0) {
    data = new Float32Array(u8.buffer, u8.byteOffset + offset, count);
  } else {
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(offset + 4 * i, true);
  }
  return { runId, envIndex, step, data };
}
