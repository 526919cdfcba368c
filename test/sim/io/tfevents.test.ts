// Proves: CRC32C matches the published test vectors and a bitwise reference; the mask is TensorFlow's
// ((crc >>> 15 | crc << 17) + 0xa282ead8); Event protobufs match a hand-assembled encoding; and the
// writer's file decodes back (every CRC checked) to the same tags, values and steps, corrupt files
// being rejected with the record index.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  TfEventsWriter,
  crc32c,
  decodeEvent,
  encodeEvent,
  frameRecord,
  maskedCrc32c,
  readTfEvents,
} from '../../../sim/io/tfevents.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-tfevents-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Bit-at-a-time CRC32C, written straight from the definition (reflected polynomial 0x82F63B78). */
function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffffn;
  for (const b of bytes) {
    crc ^= BigInt(b);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ 0x82f63b78n : crc >> 1n;
  }
  return Number(crc ^ 0xffffffffn);
}

/** TensorFlow's crc32c::Mask, in BigInt so no JS 32-bit coercion is shared with the code under test. */
function tfMask(crc: number): number {
  const c = BigInt(crc);
  const rotated = ((c >> 15n) | (c << 17n)) & 0xffffffffn;
  return Number((rotated + 0xa282ead8n) & 0xffffffffn);
}

describe('CRC32C', () => {
  it('matches the check value and the RFC 3720 (iSCSI) vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('agrees with a bitwise reference, and the mask with TensorFlow formula, on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc32c(bytes)).toBe(crc32cBitwise(bytes));
        expect(maskedCrc32c(bytes)).toBe(tfMask(crc32cBitwise(bytes)));
      }),
    );
    expect(maskedCrc32c(new Uint8Array(0))).toBe(0xa282ead8);
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe(tfMask(0xe3069283));
  });
});

describe('Event protobuf and TFRecord framing', () => {
  it('encodes a scalar Event byte for byte as protobuf lays it out', () => {
    const got = encodeEvent({ wallTime: 1.5, step: 3, summary: [{ tag: 'a', simpleValue: 1 }] });
    expect(Array.from(got)).toEqual([
      0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, // field 1 wall_time, fixed64 double 1.5
      0x10, 0x03, // field 2 step, varint 3
      0x2a, 0x0a, // field 5 summary, 10 bytes
      0x0a, 0x08, // Summary field 1 value, 8 bytes
      0x0a, 0x01, 0x61, // Value field 1 tag "a"
      0x15, 0, 0, 0x80, 0x3f, // Value field 2 simple_value, fixed32 float 1.0
    ]);
    const fileVersion = encodeEvent({ wallTime: 0, step: 0, fileVersion: 'brain.Event:2' });
    expect(Array.from(fileVersion.subarray(9))).toEqual([0x1a, 13, ...new TextEncoder().encode('brain.Event:2')]);
  });

  it('frames a record as u64 length, masked CRC of the length, data, masked CRC of the data', () => {
    const data = new TextEncoder().encode('hello');
    const rec = frameRecord(data);
    const view = new DataView(rec.buffer);
    expect(rec.length).toBe(8 + 4 + 5 + 4);
    expect(view.getBigUint64(0, true)).toBe(5n);
    expect(view.getUint32(8, true)).toBe(tfMask(crc32cBitwise(rec.subarray(0, 8))));
    expect(Array.from(rec.subarray(12, 17))).toEqual(Array.from(data));
    expect(view.getUint32(17, true)).toBe(tfMask(crc32cBitwise(data)));
  });

  it('round-trips events with large steps, unicode tags and float32 values (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 4e9, noNaN: true }),
        fc.maxSafeNat(),
        fc.array(fc.record({ tag: fc.string({ unit: 'grapheme', minLength: 1 }), simpleValue: fc.float({ noNaN: true }) }), { maxLength: 3 }),
        (wallTime, step, summary) => {
          const back = decodeEvent(encodeEvent({ wallTime, step, summary }));
          expect(back.wallTime).toBe(wallTime);
          expect(back.step).toBe(step);
          expect(back.summary).toEqual(summary);
        },
      ),
    );
  });
});

describe('TfEventsWriter / readTfEvents', () => {
  it('writes the file-version record first, then one scalar event per call, readable back with CRCs checked', () => {
    let t = 1718000000.25;
    const w = new TfEventsWriter(dir, { hostname: 'box', now: () => (t += 1) });
    expect(path.basename(w.path)).toBe('events.out.tfevents.1718000001.box');
    const logged: [string, number, number][] = [
      ['charts/episodic_return', -12.3, 2048],
      ['losses/approx_kl', 0.0123, 2048],
      ['charts/SPS', 1234, 4096],
      ['charts/success_rate', NaN, 8192],
      ['losses/value_loss', 1e30, 2 ** 40],
    ];
    for (const [tag, value, step] of logged) w.addScalar(tag, value, step);
    w.flush();
    w.addScalar('charts/learning_rate', 2.5e-4, 8192, 5);
    w.close();
    expect(() => w.addScalar('charts/SPS', 1, 1)).toThrow(/after close/);

    const events = readTfEvents(fs.readFileSync(w.path));
    expect(events[0]).toMatchObject({ wallTime: 1718000001.25, step: 0, fileVersion: 'brain.Event:2' });
    expect(events[0].summary).toBeUndefined();
    const scalars = events.slice(1).map((e) => [e.summary![0].tag, e.summary![0].simpleValue, e.step]);
    expect(scalars).toEqual([...logged.map(([tag, v, s]) => [tag, Math.fround(v), s]), ['charts/learning_rate', Math.fround(2.5e-4), 8192]]);
    expect(events.slice(1, 6).map((e) => e.wallTime)).toEqual([2, 3, 4, 5, 6].map((k) => 1718000000.25 + k));
    expect(events[6].wallTime).toBe(5);
  });

  it('with purgeStep writes a SessionLog START at that step, so TensorBoard drops orphaned later events', () => {
    const w = new TfEventsWriter(dir, { hostname: 'h', now: () => 10, purgeStep: 4097 });
    w.addScalar('charts/SPS', 1, 5000);
    w.close();
    const events = readTfEvents(fs.readFileSync(w.path));
    expect(events.map((e) => [e.step, e.sessionLogStatus, e.fileVersion])).toEqual([
      [0, undefined, 'brain.Event:2'],
      [4097, 1, undefined],
      [5000, undefined, undefined],
    ]);
  });

  it('rejects a flipped bit or a truncated record, naming the record', () => {
    const w = new TfEventsWriter(dir, { hostname: 'h', now: () => 10 });
    w.addScalar('charts/SPS', 100, 1);
    w.close();
    const good = fs.readFileSync(w.path);
    const firstLen = 16 + Number(new DataView(good.buffer, good.byteOffset).getBigUint64(0, true));

    const dataFlip = Buffer.from(good);
    dataFlip[firstLen + 14] ^= 0x10;
    expect(() => readTfEvents(dataFlip)).toThrow(/record 1: data CRC/);
    const lenFlip = Buffer.from(good);
    lenFlip[firstLen] ^= 0x01;
    expect(() => readTfEvents(lenFlip)).toThrow(/record 1: length CRC/);
    expect(() => readTfEvents(good.subarray(0, good.length - 2))).toThrow(/record 1: data length \d+ runs past the end/);
    expect(() => readTfEvents(good.subarray(0, firstLen + 5))).toThrow(/record 1: length header truncated/);
    expect(readTfEvents(good)).toHaveLength(2);
  });

  it('rejects bad scalars by name and a bad purge step', () => {
    const w = new TfEventsWriter(dir, { hostname: 'h' });
    expect(() => w.addScalar('charts/SPS', 1, -3)).toThrow(/charts\/SPS: step must be a non-negative integer, got -3/);
    expect(() => w.addScalar('', 1, 1)).toThrow(/tag must be a non-empty string/);
    w.close();
    expect(() => new TfEventsWriter(dir, { hostname: 'h2', purgeStep: 0.5 })).toThrow(/purgeStep must be a non-negative integer, got 0\.5/);
    expect(fs.readdirSync(dir).some((n) => n.endsWith('.h2'))).toBe(false);
  });
});
