/**
 * TensorBoard event files (`events.out.tfevents.<unix>.<hostname>`): scalars a `tensorboard --logdir`
 * shows, written like PyTorch's SummaryWriter.add_scalar, plus a reader that checks every CRC.
 *
 * Hand-written: protobufjs is not worth a dependency for three messages (Event, Summary, Summary.Value,
 * plus SessionLog), and CRC32C is a 256-entry table.
 *
 * TFRecord framing, per record:
 *
 * | bytes | content                                          |
 * | ----- | ------------------------------------------------ |
 * | 8     | data length n, uint64 little-endian              |
 * | 4     | masked CRC32C of those 8 bytes, uint32 LE         |
 * | n     | data: one serialized `Event`                      |
 * | 4     | masked CRC32C of the data, uint32 LE              |
 *
 * masked(crc) = ((crc >>> 15) | (crc << 17)) + 0xa282ead8 (mod 2^32), as in TensorFlow's crc32c.h.
 *
 * Messages (tensorflow/core/util/event.proto, summary.proto), fields used:
 *
 * | message       | field                 | number | wire type       |
 * | ------------- | --------------------- | ------ | --------------- |
 * | Event         | wall_time (double)    | 1      | 64-bit          |
 * | Event         | step (int64)          | 2      | varint          |
 * | Event         | file_version (string) | 3      | length-delimited|
 * | Event         | summary (Summary)     | 5      | length-delimited|
 * | Event         | session_log           | 6      | length-delimited|
 * | Summary       | value (repeated)      | 1      | length-delimited|
 * | Summary.Value | tag (string)          | 1      | length-delimited|
 * | Summary.Value | simple_value (float)  | 2      | 32-bit          |
 * | SessionLog    | status (enum, START=1)| 1      | varint          |
 *
 * The first record is `{wall_time, file_version: "brain.Event:2"}`; each `addScalar` writes one Event
 * with one Summary.Value. `simple_value` is a float32, so values read back as `Math.fround(value)`.
 *
 * Resume: with `purgeStep` the writer first records a SessionLog START at that step; TensorBoard's
 * (Python) event accumulator then discards events with step ≥ `purgeStep` read before it (the crashed
 * run's orphans, from an older event file in the same folder). Pass `checkpointStep + 1`, matching `truncateMetricsAfter(path, checkpointStep)`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ScalarWriter, checkScalar } from './metrics.ts';

// CRC32C

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1; // Castagnoli, reflected
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), as used by TFRecord and iSCSI. crc32c("123456789") === 0xe3069283. */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC32C_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TensorFlow's masked CRC: rotate right by 15, add 0xa282ead8 (mod 2^32). */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

// PROTOBUF WRITERS

class ProtoWriter {
  private bytes: number[] = [];
  private readonly scratch = new DataView(new ArrayBuffer(8));

  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.bytes.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.bytes.push(Number(x));
    return this;
  }
  private tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  double(field: number, v: number): this {
    this.scratch.setFloat64(0, v, true);
    this.tag(field, 1);
    for (let i = 0; i < 8; i++) this.bytes.push(this.scratch.getUint8(i));
    return this;
  }
  float(field: number, v: number): this {
    this.scratch.setFloat32(0, v, true);
    this.tag(field, 5);
    for (let i = 0; i < 4; i++) this.bytes.push(this.scratch.getUint8(i));
    return this;
  }
  int64(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }
  bytesField(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.bytes.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export interface TfScalar {
  readonly tag: string;
  readonly simpleValue: number;
}

export interface TfEvent {
  readonly wallTime: number;
  readonly step: number;
  readonly fileVersion?: string;
  readonly summary?: readonly TfScalar[];
  /** SessionLog status (1 = START) when the event carries one. */
  readonly sessionLogStatus?: number;
}

/** Serialize an Event message (only the fields above). */
export function encodeEvent(e: TfEvent): Uint8Array {
  const w = new ProtoWriter().double(1, e.wallTime);
  if (e.step !== 0) w.int64(2, e.step); // proto3: a zero scalar is not written
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion);
  if (e.summary !== undefined) {
    const summary = new ProtoWriter();
    for (const v of e.summary) summary.bytesField(1, new ProtoWriter().string(1, v.tag).float(2, v.simpleValue).finish());
    w.bytesField(5, summary.finish());
  }
  if (e.sessionLogStatus !== undefined) w.bytesField(6, new ProtoWriter().int64(1, e.sessionLogStatus).finish());
  return w.finish();
}

/** Frame one record: length, masked CRC of the length, data, masked CRC of the data. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

// PROTOBUF READERS

class ProtoReader {
  pos = 0;
  private readonly view: DataView;
  constructor(
    private readonly b: Uint8Array,
    private readonly where: string,
  ) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  get done(): boolean {
    return this.pos >= this.b.length;
  }
  private need(n: number): void {
    if (this.pos + n > this.b.length) throw new Error(`${this.where}: truncated protobuf at byte ${this.pos}`);
  }
  varint(): bigint {
    let x = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.need(1);
      const byte = this.b[this.pos++];
      x |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asIntN(64, x);
    }
    throw new Error(`${this.where}: varint longer than 10 bytes at byte ${this.pos}`);
  }
  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
  bytes(): Uint8Array {
    const n = Number(this.varint());
    this.need(n);
    const b = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  /** Skip a field of the given wire type (unknown fields are legal protobuf). */
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) (this.need(8), (this.pos += 8));
    else if (wire === 2) this.bytes();
    else if (wire === 5) (this.need(4), (this.pos += 4));
    else throw new Error(`${this.where}: unsupported wire type ${wire} at byte ${this.pos}`);
  }
  key(): { field: number; wire: number } {
    const k = Number(this.varint());
    return { field: k >>> 3, wire: k & 7 };
  }
}

function decodeValue(b: Uint8Array, where: string): TfScalar {
  const r = new ProtoReader(b, where);
  let tag = '';
  let simpleValue = 0;
  while (!r.done) {
    const { field, wire } = r.key();
    if (field === 1 && wire === 2) tag = new TextDecoder().decode(r.bytes());
    else if (field === 2 && wire === 5) simpleValue = r.float();
    else r.skip(wire);
  }
  return { tag, simpleValue };
}

/** Parse one serialized Event (fields listed in the file header; others skipped). */
export function decodeEvent(b: Uint8Array, where = 'Event'): TfEvent {
  const r = new ProtoReader(b, where);
  let wallTime = 0;
  let step = 0;
  let fileVersion: string | undefined;
  let summary: TfScalar[] | undefined;
  let sessionLogStatus: number | undefined;
  while (!r.done) {
    const { field, wire } = r.key();
    if (field === 1 && wire === 1) wallTime = r.double();
    else if (field === 2 && wire === 0) step = Number(r.varint());
    else if (field === 3 && wire === 2) fileVersion = new TextDecoder().decode(r.bytes());
    else if (field === 5 && wire === 2) {
      const s = new ProtoReader(r.bytes(), `${where}.summary`);
      summary ??= [];
      while (!s.done) {
        const k = s.key();
        if (k.field === 1 && k.wire === 2) summary.push(decodeValue(s.bytes(), `${where}.summary.value`));
        else s.skip(k.wire);
      }
    } else if (field === 6 && wire === 2) {
      const s = new ProtoReader(r.bytes(), `${where}.session_log`);
      sessionLogStatus = 0;
      while (!s.done) {
        const k = s.key();
        if (k.field === 1 && k.wire === 0) sessionLogStatus = Number(s.varint());
        else s.skip(k.wire);
      }
    } else r.skip(wire);
  }
  return { wallTime, step, fileVersion, summary, sessionLogStatus };
}

/**
 * Decode every record of an event file, checking both CRCs of each. Throws naming the record index
 * and the field (length, length CRC, data, data CRC) on the first bad record.
 */
export function readTfEvents(bytes: Uint8Array): TfEvent[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: TfEvent[] = [];
  let pos = 0;
  for (let i = 0; pos < bytes.length; i++) {
    if (pos + 12 > bytes.length) throw new Error(`tfevents record ${i}: length header truncated (${bytes.length - pos} bytes left)`);
    const lenCrc = view.getUint32(pos + 8, true);
    const wantLenCrc = maskedCrc32c(bytes.subarray(pos, pos + 8));
    if (lenCrc !== wantLenCrc) throw new Error(`tfevents record ${i}: length CRC 0x${lenCrc.toString(16)} != 0x${wantLenCrc.toString(16)}`);
    const n = view.getBigUint64(pos, true);
    if (n > BigInt(bytes.length - pos - 16)) throw new Error(`tfevents record ${i}: data length ${n} runs past the end of the file`);
    const data = bytes.subarray(pos + 12, pos + 12 + Number(n));
    const dataCrc = view.getUint32(pos + 12 + Number(n), true);
    const wantDataCrc = maskedCrc32c(data);
    if (dataCrc !== wantDataCrc) throw new Error(`tfevents record ${i}: data CRC 0x${dataCrc.toString(16)} != 0x${wantDataCrc.toString(16)}`);
    events.push(decodeEvent(data, `tfevents record ${i}`));
    pos += 16 + Number(n);
  }
  return events;
}

// WRITER

export interface TfEventsWriterOptions {
  /** Host name in the file name (default `os.hostname()`). */
  readonly hostname?: string;
  /** Clock in Unix seconds (default `Date.now() / 1000`). */
  readonly now?: () => number;
  /** Append to the file once about this many bytes are buffered, without fsync (default 64 KiB). */
  readonly bufferBytes?: number;
  /** Write a SessionLog START at this step first, so TensorBoard drops older events at steps ≥ it (resume). */
  readonly purgeStep?: number;
}

/** Appends scalar events to `<logDir>/events.out.tfevents.<unix>.<hostname>`; buffered, fsync on flush/close. */
export class TfEventsWriter implements ScalarWriter {
  readonly path: string;
  private fd: number | undefined;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly bufferBytes: number;
  private readonly now: () => number;

  constructor(logDir: string, opts: TfEventsWriterOptions = {}) {
    const { purgeStep } = opts;
    if (purgeStep !== undefined && (!Number.isSafeInteger(purgeStep) || purgeStep < 0)) {
      throw new RangeError(`TfEventsWriter purgeStep must be a non-negative integer, got ${purgeStep}`);
    }
    this.now = opts.now ?? (() => Date.now() / 1000);
    this.bufferBytes = opts.bufferBytes ?? 65536;
    const wall = this.now();
    const host = (opts.hostname ?? os.hostname()).replace(/[^A-Za-z0-9._-]/g, '_');
    fs.mkdirSync(logDir, { recursive: true });
    // Opened for append: a second writer in the same second and folder continues the same valid stream.
    this.path = path.join(logDir, `events.out.tfevents.${Math.floor(wall)}.${host}`);
    this.fd = fs.openSync(this.path, 'a');
    this.pending.push(frameRecord(encodeEvent({ wallTime: wall, step: 0, fileVersion: 'brain.Event:2' })));
    if (purgeStep !== undefined) this.pending.push(frameRecord(encodeEvent({ wallTime: wall, step: purgeStep, sessionLogStatus: 1 })));
  }

  addScalar(tag: string, value: number, step: number, wall: number = this.now()): void {
    checkScalar(tag, value, step, wall);
    if (this.fd === undefined) throw new Error(`TfEventsWriter(${this.path}): addScalar after close()`);
    const record = frameRecord(encodeEvent({ wallTime: wall, step, summary: [{ tag, simpleValue: value }] }));
    this.pending.push(record);
    this.pendingBytes += record.length;
    if (this.pendingBytes >= this.bufferBytes) this.drain();
  }

  private drain(): void {
    if (this.fd === undefined || this.pending.length === 0) return;
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
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
