/**
 * safetensors: encode and decode the Hugging Face tensor file format, for F32, F64, I32, U8 and I64.
 *
 * Hand-written: the format is an 8-byte length, a JSON header and raw bytes, and no npm package
 * both writes it and validates a hostile header the way the reference (Rust) implementation does.
 *
 * Layout (https://github.com/huggingface/safetensors, "Format"):
 *
 * | bytes        | content                                                                    |
 * | ------------ | -------------------------------------------------------------------------- |
 * | 0..8         | N, the header length, unsigned 64-bit little-endian                        |
 * | 8..8+N       | UTF-8 JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}`, padded with spaces |
 * | 8+N..        | the data buffer: each tensor's elements, row-major, little-endian          |
 *
 * `data_offsets` are relative to the data buffer's start. Decoding checks what the Rust reference
 * checks: the offsets tile the buffer exactly (no overlap, no hole, no trailing bytes) and each
 * tensor's byte length equals product(shape) × the dtype's size. Encoding pads the header so the data
 * buffer starts on an 8-byte boundary and lays tensors out by element size, largest first, then by
 * name (the reference order), so every tensor is aligned for a zero-copy view by other readers.
 *
 * Decoded tensors are copies: they never alias the input bytes, and the input may be unaligned.
 * A duplicated key in the header cannot be detected (JSON.parse keeps the last one).
 */

export type SafetensorsDtype = 'F32' | 'F64' | 'I32' | 'U8' | 'I64';

export type TensorData = Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array;

/** One tensor: `data` is row-major with `data.length === product(shape)`; `shape: []` is a scalar. */
export interface Tensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

export type TensorMap = Record<string, Tensor>;

export interface DecodedSafetensors {
  readonly tensors: TensorMap;
  /** The header's `__metadata__` ({} when absent). */
  readonly metadata: Record<string, string>;
}

/** A malformed tensor or file; `tensor` is the tensor's name (undefined for file-level fields). */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  constructor(
    readonly tensor: string | undefined,
    readonly field: string,
    detail: string,
  ) {
    super(`safetensors: ${tensor === undefined ? '' : `tensor ${JSON.stringify(tensor)} `}field "${field}": ${detail}`);
  }
}

interface DtypeInfo {
  readonly bytes: number;
  readonly array: { new (buffer: ArrayBuffer): TensorData; readonly name: string };
}

const DTYPES: Readonly<Record<SafetensorsDtype, DtypeInfo>> = {
  F64: { bytes: 8, array: Float64Array },
  I64: { bytes: 8, array: BigInt64Array },
  F32: { bytes: 4, array: Float32Array },
  I32: { bytes: 4, array: Int32Array },
  U8: { bytes: 1, array: Uint8Array },
};

/** The reference implementation refuses headers above 100 MB; so do we (a corrupt length field). */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('sim/io/safetensors.ts assumes a little-endian host (typed arrays are copied byte for byte)');
}

function isDtype(d: unknown): d is SafetensorsDtype {
  return typeof d === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, d);
}

const DTYPE_LIST = Object.keys(DTYPES).join(', ');

function checkShape(name: string | undefined, shape: unknown): number {
  if (!Array.isArray(shape)) throw new SafetensorsError(name, 'shape', `expected an array of non-negative integers, got ${JSON.stringify(shape)}`);
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new SafetensorsError(name, 'shape', `dimensions must be non-negative integers, got ${JSON.stringify(shape)}`);
    }
    size *= d;
  }
  if (!Number.isSafeInteger(size)) throw new SafetensorsError(name, 'shape', `${JSON.stringify(shape)} has more elements than 2^53`);
  return size;
}

/** Assign an own property, even for the key "__proto__" (plain `o[k] = v` would set the prototype). */
function setOwn<T>(o: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Encode tensors (and optional string metadata) as a safetensors file.
 * Throws SafetensorsError naming the tensor and field when a dtype is unknown, the typed array does not
 * match the dtype, or `data.length` differs from product(shape).
 */
export function encodeSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new SafetensorsError(undefined, `${METADATA_KEY}.${k}`, `metadata values must be strings (JSON-encode objects), got ${typeof v}`);
      }
    }
    header[METADATA_KEY] = { ...metadata };
  }

  const entries = Object.entries(tensors).map(([name, t]) => {
    if (name === METADATA_KEY) throw new SafetensorsError(name, 'name', `"${METADATA_KEY}" is reserved for metadata`);
    if (!isDtype(t.dtype)) throw new SafetensorsError(name, 'dtype', `unsupported dtype ${JSON.stringify(t.dtype)}; use one of ${DTYPE_LIST}`);
    const info = DTYPES[t.dtype];
    if (!(t.data instanceof info.array)) {
      throw new SafetensorsError(name, 'data', `dtype ${t.dtype} needs a ${info.array.name}, got ${t.data?.constructor?.name ?? typeof t.data}`);
    }
    const size = checkShape(name, t.shape);
    if (t.data.length !== size) {
      throw new SafetensorsError(name, 'shape', `shape ${JSON.stringify(t.shape)} has ${size} elements but data has ${t.data.length}`);
    }
    return { name, t, bytes: info.bytes };
  });
  // Largest element first keeps every tensor aligned to its element size; then by name, as the reference does.
  entries.sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  let offset = 0;
  for (const { name, t } of entries) {
    const end = offset + t.data.byteLength;
    setOwn(header, name, { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, end] });
    offset = end;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let at = 8 + headerLen;
  for (const { t } of entries) {
    out.set(bytesOf(t.data), at);
    at += t.data.byteLength;
  }
  return out;
}

/** Where the data buffer starts (8 + the header length), after checking the length field fits `bytes`. */
function dataOffset(bytes: Uint8Array): number {
  if (bytes.length < 8) throw new SafetensorsError(undefined, 'header length', `needs 8 bytes, the input has ${bytes.length}`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new SafetensorsError(undefined, 'header length', `${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (n > BigInt(bytes.length - 8)) {
    throw new SafetensorsError(undefined, 'header length', `${n} runs past the end of the input (${bytes.length - 8} bytes after the length field)`);
  }
  if (n < 2n) throw new SafetensorsError(undefined, 'header length', `${n} is too short for a JSON object`);
  return 8 + Number(n);
}

/** Decode a safetensors file; throws SafetensorsError naming the tensor and field on any inconsistency. */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  const dataStart = dataOffset(bytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    throw new SafetensorsError(undefined, 'header', 'is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw new SafetensorsError(undefined, 'header', `must start with "{", got ${JSON.stringify(text.slice(0, 16))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(undefined, 'header', `is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new SafetensorsError(undefined, 'header', 'must be a JSON object');
  }

  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const spans: { name: string; begin: number; end: number; dtype: SafetensorsDtype; shape: number[] }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        throw new SafetensorsError(undefined, METADATA_KEY, `must be an object of strings, got ${JSON.stringify(entry)}`);
      }
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new SafetensorsError(undefined, `${METADATA_KEY}.${k}`, `must be a string, got ${JSON.stringify(v)}`);
        setOwn(metadata, k, v);
      }
      continue;
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new SafetensorsError(name, 'entry', `must be an object {dtype, shape, data_offsets}, got ${JSON.stringify(entry)}`);
    }
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (!isDtype(dtype)) throw new SafetensorsError(name, 'dtype', `unsupported dtype ${JSON.stringify(dtype)}; supported: ${DTYPE_LIST}`);
    const size = checkShape(name, shape);
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)
    ) {
      throw new SafetensorsError(name, 'data_offsets', `expected [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) throw new SafetensorsError(name, 'data_offsets', `[${begin}, ${end}] ends before it begins`);
    if (end > dataLen) {
      throw new SafetensorsError(name, 'data_offsets', `[${begin}, ${end}] runs past the data buffer (${dataLen} bytes)`);
    }
    const want = size * DTYPES[dtype].bytes;
    if (end - begin !== want) {
      throw new SafetensorsError(
        name,
        'data_offsets',
        `[${begin}, ${end}] spans ${end - begin} bytes but dtype ${dtype} with shape ${JSON.stringify(shape)} needs ${want}`,
      );
    }
    spans.push({ name, begin, end, dtype, shape: shape as number[] });
  }

  // The spans must tile [0, dataLen) exactly, as in the reference implementation.
  const sorted = [...spans].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let prev: string | undefined;
  for (const s of sorted) {
    if (s.begin < cursor) {
      throw new SafetensorsError(s.name, 'data_offsets', `[${s.begin}, ${s.end}] overlaps tensor ${JSON.stringify(prev)} (which ends at ${cursor})`);
    }
    if (s.begin > cursor) {
      throw new SafetensorsError(s.name, 'data_offsets', `[${s.begin}, ${s.end}] leaves a hole: the previous tensor ends at ${cursor}`);
    }
    cursor = s.end;
    prev = s.name;
  }
  if (cursor !== dataLen) {
    throw new SafetensorsError(undefined, 'data_offsets', `tensors cover ${cursor} bytes but the data buffer has ${dataLen}`);
  }

  const tensors: TensorMap = {};
  for (const s of spans) {
    // A copy with its own exactly-sized buffer (Buffer#slice would alias, and its .buffer is a shared pool).
    const copy = new Uint8Array(bytes.subarray(dataStart + s.begin, dataStart + s.end));
    setOwn<Tensor>(tensors, s.name, { dtype: s.dtype, shape: s.shape, data: new DTYPES[s.dtype].array(copy.buffer) });
  }
  return { tensors, metadata };
}
