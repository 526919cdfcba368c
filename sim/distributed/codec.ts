/**
 * Typed arrays in job payloads: little-endian bytes as base64 inside JSON (BullMQ stores job data and
 * results as JSON strings). Float32 round-trips exactly; a JSON number array would not be smaller and
 * would cost a parse per element.
 */
export function f32ToB64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function b64ToF32(s: string, field = 'array'): Float32Array {
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength % 4 !== 0) throw new TypeError(`${field}: ${buf.byteLength} bytes is not a whole number of float32 values`);
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export function u8ToB64(a: Uint8Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function b64ToU8(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}
