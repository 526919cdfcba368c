// Proves: safetensors round-trips every supported dtype bit for bit, matches the reference byte layout
// (spec example and an encoding built by hand), keeps tensors aligned, and rejects corrupt files with
// errors that name the tensor and the field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SafetensorsError,
  type SafetensorsDtype,
  type Tensor,
  decodeSafetensors,
  encodeSafetensors,
} from '../../../sim/io/safetensors.ts';

const SIZE: Record<SafetensorsDtype, number> = { F64: 8, I64: 8, F32: 4, I32: 4, U8: 1 };

function bytesOf(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

const tensorArb: fc.Arbitrary<Tensor> = fc
  .tuple(fc.constantFrom<SafetensorsDtype>('F32', 'F64', 'I32', 'U8', 'I64'), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }))
  .chain(([dtype, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const len = { minLength: n, maxLength: n };
    const data: fc.Arbitrary<Tensor['data']> =
      dtype === 'F32'
        ? fc.float32Array(len)
        : dtype === 'F64'
          ? fc.float64Array(len)
          : dtype === 'I32'
            ? fc.int32Array(len)
            : dtype === 'U8'
              ? fc.uint8Array(len)
              : fc.bigInt64Array(len);
    return data.map((d) => ({ dtype, shape, data: d }));
  });

const nameArb = fc.string({ unit: 'grapheme', maxLength: 8 }).filter((s) => s !== '__metadata__');

/** Build a file from a header object and a data buffer of `dataLen` bytes, bypassing the encoder. */
function raw(header: unknown, dataLen: number, pad = true): Uint8Array {
  let json = new TextEncoder().encode(JSON.stringify(header));
  if (pad) {
    const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + dataLen);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

function rejects(bytes: Uint8Array, tensor: string | undefined, field: string, message: RegExp): void {
  let err: unknown;
  try {
    decodeSafetensors(bytes);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SafetensorsError);
  expect((err as SafetensorsError).tensor).toBe(tensor);
  expect((err as SafetensorsError).field).toBe(field);
  expect((err as Error).message).toMatch(message);
  if (tensor !== undefined) expect((err as Error).message).toContain(JSON.stringify(tensor));
}

describe('safetensors round trip', () => {
  it('decode(encode(x)) equals x bit for bit, for random tensor sets, dtypes, shapes and metadata', () => {
    fc.assert(
      fc.property(
        fc.dictionary(nameArb, tensorArb, { maxKeys: 6 }),
        fc.option(fc.dictionary(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), { maxKeys: 4 }), { nil: undefined }),
        (tensors, metadata) => {
          const bytes = encodeSafetensors(tensors, metadata);
          const back = decodeSafetensors(bytes);
          expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
          for (const [name, t] of Object.entries(tensors)) {
            const u = back.tensors[name];
            expect(u.dtype).toBe(t.dtype);
            expect(u.shape).toEqual(t.shape);
            expect(u.data.constructor).toBe(t.data.constructor);
            expect(Buffer.from(bytesOf(u)).equals(Buffer.from(bytesOf(t)))).toBe(true);
          }
          expect(back.metadata).toEqual(metadata ?? {});

          // Layout invariants: data starts on an 8-byte boundary, each tensor aligned to its element size.
          const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
          expect((8 + n) % 8).toBe(0);
          const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: SafetensorsDtype; data_offsets: number[] }>;
          for (const [name, e] of Object.entries(header)) {
            if (name !== '__metadata__') expect(e.data_offsets[0] % SIZE[e.dtype]).toBe(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('decodes from an unaligned view and returns copies that do not alias the input', () => {
    const bytes = encodeSafetensors({ x: { dtype: 'F64', shape: [2], data: new Float64Array([1.5, -2]) } });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const view = shifted.subarray(3);
    const back = decodeSafetensors(view);
    expect(Array.from(back.tensors.x.data as Float64Array)).toEqual([1.5, -2]);
    view.fill(0);
    expect(Array.from(back.tensors.x.data as Float64Array)).toEqual([1.5, -2]);
  });

  it('decodes from a Node Buffer (whose .buffer is a shared pool) into exactly-sized arrays', () => {
    const bytes = Buffer.from(encodeSafetensors({ x: { dtype: 'I32', shape: [3], data: new Int32Array([1, 2, 3]) } }));
    const x = decodeSafetensors(bytes).tensors.x.data as Int32Array;
    expect(x.length).toBe(3);
    expect(x.buffer.byteLength).toBe(12);
    bytes.fill(0);
    expect(Array.from(x)).toEqual([1, 2, 3]);
  });

  it('keeps a tensor named "__proto__" as an ordinary entry', () => {
    const tensors = JSON.parse('{"__proto__": 0}') as Record<string, unknown>;
    Object.defineProperty(tensors, '__proto__', { value: { dtype: 'U8', shape: [1], data: new Uint8Array([7]) }, enumerable: true });
    const back = decodeSafetensors(encodeSafetensors(tensors as Record<string, Tensor>));
    expect(Object.keys(back.tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(back.tensors)).toBe(Object.prototype);
  });
});

describe('safetensors byte compatibility', () => {
  it('decodes the reference implementation test file (unpadded 60-byte header, I32 [2,2] zeros)', () => {
    const header = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';
    const bytes = new Uint8Array([0x3c, 0, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode(header), ...new Array(16).fill(0)]);
    expect(header.length).toBe(0x3c);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({});
    expect(tensors.test.dtype).toBe('I32');
    expect(tensors.test.shape).toEqual([2, 2]);
    expect(tensors.test.data).toEqual(new Int32Array(4));
  });

  it('encodes byte for byte as the spec lays it out: u64 length, space-padded JSON, little-endian data', () => {
    const got = encodeSafetensors({ test: { dtype: 'I32', shape: [2, 2], data: new Int32Array([1, 2, 3, -1]) } }, { format: 'pt' });
    const json = '{"__metadata__":{"format":"pt"},"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';
    expect(json.length).toBe(91); // padded to 96
    const expected = new Uint8Array([
      96, 0, 0, 0, 0, 0, 0, 0,
      ...new TextEncoder().encode(json), 0x20, 0x20, 0x20, 0x20, 0x20,
      1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
    ]);
    expect(Array.from(got)).toEqual(Array.from(expected));
  });

  it('lays tensors out largest element first, then by name, and encodes I64 and F64 little-endian', () => {
    const bytes = encodeSafetensors({
      c: { dtype: 'U8', shape: [1], data: new Uint8Array([9]) },
      b: { dtype: 'F32', shape: [], data: new Float32Array([1]) },
      a: { dtype: 'I64', shape: [1], data: new BigInt64Array([-2n]) },
      d: { dtype: 'F64', shape: [1], data: new Float64Array([2]) },
    });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.a.data_offsets).toEqual([0, 8]);
    expect(header.d.data_offsets).toEqual([8, 16]);
    expect(header.b.data_offsets).toEqual([16, 20]);
    expect(header.c.data_offsets).toEqual([20, 21]);
    expect(header.b.shape).toEqual([]);
    expect(Array.from(bytes.subarray(8 + n))).toEqual([
      0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // I64 -2
      0, 0, 0, 0, 0, 0, 0, 0x40, // F64 2.0
      0, 0, 0x80, 0x3f, // F32 1.0
      9,
    ]);
  });
});

describe('safetensors rejects corrupt input', () => {
  const w = (o: object) => ({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8], ...o } });

  it('names the header length when it is missing, too long or absurd', () => {
    rejects(new Uint8Array(5), undefined, 'header length', /needs 8 bytes/);
    const long = raw(w({}), 8);
    new DataView(long.buffer).setBigUint64(0, 10_000n, true);
    rejects(long, undefined, 'header length', /runs past the end/);
    new DataView(long.buffer).setBigUint64(0, 2n ** 63n, true);
    rejects(long, undefined, 'header length', /limit/);
  });

  it('names the header when it is not a UTF-8 JSON object', () => {
    const bad = raw(w({}), 8);
    bad[8 + 3] = 0xff;
    rejects(bad, undefined, 'header', /UTF-8/);
    rejects(raw('x', 0), undefined, 'header', /must start with "\{"/);
    const broken = raw(w({}), 8);
    broken[8 + 1] = 0x5b; // '{[w"...' is not JSON
    rejects(broken, undefined, 'header', /JSON/);
  });

  it('names the tensor and field for a bad dtype, shape or offsets', () => {
    rejects(raw(w({ dtype: 'BF16' }), 8), 'w', 'dtype', /unsupported dtype "BF16"/);
    rejects(raw(w({ shape: [-1] }), 8), 'w', 'shape', /non-negative integers/);
    rejects(raw(w({ shape: 'x' }), 8), 'w', 'shape', /array/);
    rejects(raw(w({ data_offsets: [0] }), 8), 'w', 'data_offsets', /\[begin, end\]/);
    rejects(raw(w({ data_offsets: [8, 0] }), 8), 'w', 'data_offsets', /ends before it begins/);
    rejects(raw(w({ data_offsets: [0, 16] }), 8), 'w', 'data_offsets', /runs past the data buffer \(8 bytes\)/);
    rejects(raw(w({ shape: [3] }), 8), 'w', 'data_offsets', /spans 8 bytes but dtype F32 with shape \[3\] needs 12/);
    rejects(raw(w({ dtype: 'F64' }), 8), 'w', 'data_offsets', /needs 16/);
    rejects(raw({ w: 3 }, 0), 'w', 'entry', /must be an object/);
  });

  it('rejects overlapping offsets, holes and trailing bytes', () => {
    const two = (a: number[], b: number[]) => ({
      a: { dtype: 'U8', shape: [4], data_offsets: a },
      b: { dtype: 'U8', shape: [4], data_offsets: b },
    });
    rejects(raw(two([0, 4], [2, 6]), 6), 'b', 'data_offsets', /overlaps tensor "a"/);
    rejects(raw(two([0, 4], [6, 10]), 10), 'b', 'data_offsets', /hole/);
    rejects(raw(two([0, 4], [4, 8]), 9), undefined, 'data_offsets', /cover 8 bytes but the data buffer has 9/);
    expect(() => decodeSafetensors(raw(two([4, 8], [0, 4]), 8))).not.toThrow();
  });

  it('rejects metadata that is not a map of strings', () => {
    rejects(raw({ __metadata__: { k: 1 } }, 0), undefined, '__metadata__.k', /must be a string/);
    rejects(raw({ __metadata__: [] }, 0), undefined, '__metadata__', /object of strings/);
  });

  it('refuses to encode a tensor whose data does not match its dtype or shape', () => {
    const enc = (t: unknown) => () => encodeSafetensors({ w: t as Tensor });
    expect(enc({ dtype: 'F32', shape: [3], data: new Float32Array(2) })).toThrow(/tensor "w" field "shape": shape \[3\] has 3 elements but data has 2/);
    expect(enc({ dtype: 'F32', shape: [2], data: new Float64Array(2) })).toThrow(/tensor "w" field "data": dtype F32 needs a Float32Array, got Float64Array/);
    expect(enc({ dtype: 'F16', shape: [2], data: new Float32Array(2) })).toThrow(/tensor "w" field "dtype": unsupported dtype "F16"/);
    expect(enc({ dtype: 'U8', shape: [1.5], data: new Uint8Array(1) })).toThrow(/field "shape"/);
    expect(() => encodeSafetensors({ __metadata__: { dtype: 'U8', shape: [0], data: new Uint8Array() } })).toThrow(/reserved/);
    expect(() => encodeSafetensors({}, { k: 1 as unknown as string })).toThrow(/__metadata__\.k/);
  });
});
