import { describe, expect, it } from 'vitest';
import {
  closeReason,
  decodePoseFrame,
  encodePoseFrame,
  parseClientMessage,
  poseDataOffset,
} from '../../viewer/protocol.ts';

describe('pose frames', () => {
  it('round-trips runId, envIndex, step and data', () => {
    for (const runId of ['r', 'run-12', 'runé-✓-多', 'x'.repeat(200)]) {
      const data = Float32Array.from({ length: 37 }, (_, i) => i * 0.5 - 3.25);
      const bytes = encodePoseFrame(runId, 4_000_000_000, 123456789.5, data);
      const idBytes = new TextEncoder().encode(runId).byteLength;
      expect(bytes.byteLength).toBe(poseDataOffset(idBytes) + 4 * data.length);
      const f = decodePoseFrame(bytes);
      expect(f.runId).toBe(runId);
      expect(f.envIndex).toBe(4_000_000_000);
      expect(f.step).toBe(123456789.5);
      expect(Array.from(f.data)).toEqual(Array.from(data));
    }
  });

  it('writes the documented little-endian header', () => {
    const bytes = encodePoseFrame('ab', 7, 2.5, new Float32Array([1.5]));
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('RFP1');
    expect(v.getUint16(4, true)).toBe(2);
    expect(new TextDecoder().decode(bytes.subarray(6, 8))).toBe('ab');
    expect(v.getUint32(8, true)).toBe(7);
    expect(v.getFloat64(12, true)).toBe(2.5);
    expect(v.getUint32(20, true)).toBe(1);
    expect(v.getFloat32(24, true)).toBe(1.5);
    expect(bytes.byteLength).toBe(28);
  });

  it('decodes from an unaligned view and from an ArrayBuffer', () => {
    const bytes = encodePoseFrame('odd', 1, 3, new Float32Array([1, 2, 3]));
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    expect(Array.from(decodePoseFrame(shifted.subarray(1)).data)).toEqual([1, 2, 3]);
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect(decodePoseFrame(ab).runId).toBe('odd');
  });

  it('an empty data array round-trips', () => {
    const f = decodePoseFrame(encodePoseFrame('e', 0, 0, new Float32Array(0)));
    expect(f.data.length).toBe(0);
  });

  it('rejects bad frames naming the field', () => {
    const good = encodePoseFrame('r', 0, 1, new Float32Array([1, 2]));
    const badMagic = good.slice();
    badMagic[0] = 0x58;
    expect(() => decodePoseFrame(badMagic)).toThrow(/magic: expected 'RFP1', got "XFP1"/);
    expect(() => decodePoseFrame(good.subarray(0, good.byteLength - 1))).toThrow(/count: 2 float32 values need 31 bytes, frame has 30/);
    expect(() => decodePoseFrame(good.subarray(0, 10))).toThrow(/frame: 10 bytes/);
    expect(() => encodePoseFrame('r', -1, 0, new Float32Array(1))).toThrow(/envIndex: .* got -1/);
  });
});

describe('client messages', () => {
  it('accepts every message type', () => {
    for (const m of [
      { type: 'hello' },
      { type: 'hello', client: 'browser', protocol: 1 },
      { type: 'list' },
      { type: 'ping', t: 5 },
      { type: 'subscribe', runId: 'r' },
      { type: 'subscribe', runId: 'r', envIndex: 3 },
      { type: 'unsubscribe', runId: 'r' },
      { type: 'control', runId: 'r', action: 'pause' },
      { type: 'control', runId: 'r', action: 'resume' },
      { type: 'control', runId: 'r', action: 'slow', value: 250 },
    ]) {
      const r = parseClientMessage(JSON.stringify(m));
      expect(r, JSON.stringify(m)).toEqual({ ok: true, message: m });
    }
  });

  it('names the field and value of a violation', () => {
    const reason = (text: string) => {
      const r = parseClientMessage(text);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason('{"type":"subscribe","runId":5}')).toBe('runId: expected string, received number, got 5');
    expect(reason('{"type":"subscribe","runId":"r","envIndex":-1}')).toMatch(/^envIndex: .*>=0, got -1$/);
    expect(reason('{"type":"control","runId":"r","action":"stop"}')).toBe(`action: expected one of "pause"|"resume"|"slow", got "stop"`);
    expect(reason('{"type":"control","runId":"r","action":"slow","value":1e9}')).toMatch(/^value: .*got 1000000000$/);
    expect(reason('{"type":"jump"}')).toBe(`type: expected one of 'hello' | 'list' | 'ping' | 'subscribe' | 'unsubscribe' | 'control', got "jump"`);
    expect(reason('[1]')).toMatch(/^message: expected object/);
    expect(reason('{nope')).toMatch(/^invalid JSON: /);
  });

  it('close reasons fit in 123 bytes', () => {
    expect(closeReason('short')).toBe('short');
    const long = closeReason('é'.repeat(200));
    expect(new TextEncoder().encode(long).byteLength).toBeLessThanOrEqual(123);
    expect(long.endsWith('...')).toBe(true);
  });
});
