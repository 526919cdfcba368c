// sim/render (Raster, View, frameSize) — lives here because the classic envs are its only users so far;
// move to test/sim/render/ when that folder exists.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameSize } from '../../../sim/render/frame_size.ts';
import { Raster, rgb } from '../../../sim/render/raster.ts';
import { View } from '../../../sim/render/view.ts';

const count = (r: Raster, color: number) => {
  let n = 0;
  for (let y = 0; y < r.height; y++) for (let x = 0; x < r.width; x++) if (r.pixel(x, y) === color) n++;
  return n;
};

describe('Raster', () => {
  it('clears to a colour and reads pixels back', () => {
    const r = new Raster(7, 5).clear(rgb(1, 2, 3));
    expect(r.data.length).toBe(7 * 5 * 3);
    expect(count(r, 0x010203)).toBe(35);
    expect(Array.from(r.data.subarray(0, 3))).toEqual([1, 2, 3]);
  });

  it('fills exactly the pixels whose centres are inside a rectangle', () => {
    const r = new Raster(20, 20).clear(0);
    r.fillRect(2, 3, 6, 5, 0xff0000);
    expect(count(r, 0xff0000)).toBe(8);
    expect(r.pixel(2, 3)).toBe(0xff0000);
    expect(r.pixel(5, 4)).toBe(0xff0000);
    expect(r.pixel(6, 4)).toBe(0);
    expect(r.pixel(2, 5)).toBe(0);
    // Corners in any order; partially outside is clipped.
    const q = new Raster(20, 20).clear(0).fillRect(6, 5, 2, 3, 0xff0000);
    expect(Buffer.from(q.data).equals(Buffer.from(r.data))).toBe(true);
    const c = new Raster(4, 4).clear(0).fillRect(-10, -10, 100, 2, 0xffffff);
    expect(count(c, 0xffffff)).toBe(8);
    expect(count(new Raster(4, 4).clear(0).fillRect(10, 10, 20, 20, 0xffffff), 0xffffff)).toBe(0);
  });

  it('a square polygon and a rotated rectangle at angle 0 equal fillRect', () => {
    const a = new Raster(30, 30).clear(0).fillRect(4, 6, 14, 20, 0x00ff00);
    const b = new Raster(30, 30).clear(0).fillPolygon([4, 6, 14, 6, 14, 20, 4, 20], 0x00ff00);
    const c = new Raster(30, 30).clear(0).fillRotatedRect(9, 13, 10, 14, 0, 0x00ff00);
    expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
    expect(Buffer.from(c.data).equals(Buffer.from(a.data))).toBe(true);
    // A quarter turn swaps width and height.
    const d = new Raster(30, 30).clear(0).fillRotatedRect(15, 15, 10, 4, Math.PI / 2, 0x00ff00);
    const e = new Raster(30, 30).clear(0).fillRect(13, 10, 17, 20, 0x00ff00);
    expect(Buffer.from(d.data).equals(Buffer.from(e.data))).toBe(true);
  });

  it('polygon and circle areas match geometry; shapes are deterministic', () => {
    fc.assert(
      fc.property(fc.double({ min: 3, max: 40, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (radius, frac) => {
        const cx = 50 + frac;
        const r = new Raster(100, 100).clear(0).fillCircle(cx, 50.3, radius, 0xffffff);
        const area = Math.PI * radius * radius;
        expect(Math.abs(count(r, 0xffffff) - area)).toBeLessThanOrEqual(4 * radius + 4);
        const again = new Raster(100, 100).clear(0).fillCircle(cx, 50.3, radius, 0xffffff);
        expect(Buffer.from(again.data).equals(Buffer.from(r.data))).toBe(true);
      }),
      { numRuns: 40 },
    );
    const t = new Raster(100, 100).clear(0).fillPolygon([10, 10, 90, 10, 10, 90], 0xffffff);
    expect(Math.abs(count(t, 0xffffff) - 3200)).toBeLessThan(100);
  });

  it('draws thick lines and polylines', () => {
    const r = new Raster(50, 50).clear(0).line(5, 25, 45, 25, 4, 0xffffff);
    expect(count(r, 0xffffff)).toBe(160);
    const diag = new Raster(50, 50).clear(0).line(0, 0, 50, 50, 1, 0xffffff);
    for (let k = 1; k < 49; k++) expect(diag.pixel(k, k)).toBe(0xffffff); // no gaps along the diagonal
    const p = new Raster(50, 50).clear(0).polyline([5, 5, 45, 5, 45, 45], 3, 0xffffff);
    expect(p.pixel(25, 5)).toBe(0xffffff);
    expect(p.pixel(45, 25)).toBe(0xffffff);
    expect(p.pixel(25, 25)).toBe(0);
  });

  it('rejects bad sizes and degenerate polygons', () => {
    expect(() => new Raster(0, 10)).toThrow(/width must be a positive integer, got 0/);
    expect(() => new Raster(10, 1.5)).toThrow(/height must be a positive integer, got 1.5/);
    expect(() => new Raster(4, 4).fillPolygon([0, 0, 1, 1], 0)).toThrow(/at least 3 vertices, got 4/);
    expect(() => new Raster(4, 4).fillPolygon([0, 0, 1, 1, Number.NaN, 2], 0)).toThrow(/vertex 2 is not finite/);
  });
});

describe('View', () => {
  it('maps a y-up design canvas onto the raster', () => {
    const r = new Raster(60, 40).clear(0);
    const v = new View(r, 600, 400);
    expect(v.px(300)).toBe(30);
    expect(v.py(0)).toBe(40);
    expect(v.py(400)).toBe(0);
    v.polygon([0, 0, 100, 0, 100, 100, 0, 100], 0xffffff); // bottom-left 10×10 pixels
    expect(r.pixel(0, 39)).toBe(0xffffff);
    expect(r.pixel(9, 30)).toBe(0xffffff);
    expect(r.pixel(0, 0)).toBe(0);
    expect(count(r, 0xffffff)).toBe(100);
    // A rectangle rotated counter-clockwise (y up) by 90° points up from its origin.
    const s = new Raster(100, 100).clear(0);
    new View(s, 100, 100).rotatedRect(0, 40, -2, 2, Math.PI / 2, 50, 50, 0xffffff);
    expect(s.pixel(50, 20)).toBe(0xffffff); // above the origin on screen
    expect(s.pixel(50, 70)).toBe(0);
  });
});

describe('frameSize', () => {
  it('defaults, overrides and errors name the field', () => {
    expect(frameSize(undefined, { width: 30, height: 20 }, ['default'], 'X')).toEqual({ width: 30, height: 20 });
    expect(frameSize({ width: 8, camera: 'default' }, { width: 30, height: 20 }, ['default'], 'X')).toEqual({ width: 8, height: 20 });
    expect(() => frameSize({ camera: 'side' }, { width: 1, height: 1 }, ['default'], 'X')).toThrow("X: camera 'side' is not one of [default]");
    expect(() => frameSize({ width: -3 }, { width: 1, height: 1 }, ['default'], 'X')).toThrow('X: render width must be an integer in [1, 8192], got -3');
  });
});
