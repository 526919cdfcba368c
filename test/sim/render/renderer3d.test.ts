/**
 * Renderer3D: primitives land where CameraProjection says, the z-buffer keeps the nearest surface
 * whatever the drawing order (property), shading is deterministic, near-plane clipping is safe.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../sim/env.ts';
import { type Camera3D, CameraProjection } from '../../../sim/render/camera3d.ts';
import { type Primitive, Renderer3D } from '../../../sim/render/renderer3d.ts';

const BG = 0x000000;
const cam: Camera3D = { eye: [0, -3, 0], target: [0, 0, 0], up: [0, 0, 1], fovyDeg: 60 };
const at = (f: Frame, x: number, y: number) => {
  const k = (Math.floor(y) * f.width + Math.floor(x)) * 3;
  return [f.data[k], f.data[k + 1], f.data[k + 2]];
};
/** Hue class of a shaded pure colour: which channel dominates. */
const channel = (c: number[]) => (c[0] + c[1] + c[2] === 0 ? 'bg' : c[0] >= c[1] && c[0] >= c[2] ? 'r' : c[1] >= c[2] ? 'g' : 'b');

describe('CameraProjection', () => {
  it('puts the target at the image centre, +x to the right and +z up', () => {
    const p = new CameraProjection(cam, 100, 80);
    expect(p.project([0, 0, 0])).toMatchObject({ x: 50, y: 40, depth: 3 });
    expect(p.project([1, 0, 0]).x).toBeGreaterThan(50);
    expect(p.project([0, 0, 1]).y).toBeLessThan(40);
    // 60° vertical field of view: a point at the top edge of the view is tan(30°)·depth up.
    expect(p.project([0, 0, 3 * Math.tan(Math.PI / 6)]).y).toBeCloseTo(0, 9);
    expect(() => new CameraProjection({ ...cam, up: [0, 1, 0] }, 10, 10)).toThrow(/parallel/);
  });
});

describe('Renderer3D', () => {
  const r = new Renderer3D({ background: BG });

  it('draws each primitive kind at its projected centre, background elsewhere', () => {
    const prims: Primitive[] = [
      { kind: 'box', center: [-1, 0, 0.5], half: [0.2, 0.2, 0.2], quat: [0.92, 0.1, 0.2, 0.3], color: 0xff0000 },
      { kind: 'sphere', center: [1, 0, 0.5], radius: 0.25, color: 0x00ff00 },
      { kind: 'capsule', a: [-1, 0, -0.6], b: [-0.4, 0, -0.6], radius: 0.1, color: 0x0000ff },
      { kind: 'cylinder', a: [0.6, 0, -0.8], b: [0.6, 0, -0.3], radius: 0.15, color: 0xff00ff },
    ];
    const f = r.render(prims, cam, 120, 120);
    const p = new CameraProjection(cam, 120, 120);
    const c = (pt: [number, number, number]) => at(f, p.project(pt).x, p.project(pt).y);
    expect(channel(c([-1, 0, 0.5]))).toBe('r');
    expect(channel(c([1, 0, 0.5]))).toBe('g');
    expect(channel(c([-0.7, 0, -0.6]))).toBe('b');
    const m = c([0.6, 0, -0.55]);
    expect(m[0]).toBeGreaterThan(0);
    expect(m[2]).toBe(m[0]);
    expect(channel(c([0, 0, 0]))).toBe('bg');
    expect(r.render(prims, cam, 120, 120).data).toEqual(f.data);
  });

  it('the nearer of two overlapping spheres wins regardless of drawing order (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1.5, max: 1.5, noNaN: true }), fc.double({ min: -1.5, max: 1.5, noNaN: true }), fc.boolean(), (y1, y2, flip) => {
        fc.pre(Math.abs(y1 - y2) > 0.05);
        const a: Primitive = { kind: 'sphere', center: [0, y1, 0], radius: 0.3, color: 0xff0000 };
        const b: Primitive = { kind: 'sphere', center: [0, y2, 0], radius: 0.3, color: 0x00ff00 };
        const f = r.render(flip ? [a, b] : [b, a], cam, 48, 48);
        expect(channel(at(f, 24, 24))).toBe(y1 < y2 ? 'r' : 'g');
      }),
      { numRuns: 60 },
    );
  });

  it('faces towards the light are brighter than faces away from it', () => {
    const box: Primitive = { kind: 'box', center: [0, 0, 0], half: [0.5, 0.5, 0.5], color: 0xffffff };
    const lit = new Renderer3D({ background: BG, light: [0, 0, 1], headLight: 0 });
    const fromTop = lit.render([box], { eye: [0, 0, 3], target: [0, 0, 0], up: [0, 1, 0], fovyDeg: 40 }, 32, 32);
    const fromBelow = lit.render([box], { eye: [0, 0, -3], target: [0, 0, 0], up: [0, 1, 0], fovyDeg: 40 }, 32, 32);
    expect(at(fromTop, 16, 16)[0]).toBe(255);
    expect(at(fromBelow, 16, 16)[0]).toBeLessThan(100);
  });

  it('clips against the near plane: a camera inside a box sees its inner faces culled, a box crossing the plane is cut', () => {
    const big: Primitive = { kind: 'box', center: [0, 0, 0], half: [1, 1, 1], color: 0xff0000 };
    const f = r.render([big], { eye: [0, 0, 0], target: [0, 1, 0], up: [0, 0, 1], fovyDeg: 60 }, 16, 16);
    expect(f.data.every((v) => v === 0)).toBe(true);
    // Spans y ∈ [−3.5, −1.5] below the eye (y = −3): part of it lies behind the camera.
    const crossing: Primitive = { kind: 'box', center: [0, -2.5, -0.5], half: [0.3, 1, 0.3], color: 0x00ff00 };
    const g = r.render([crossing], cam, 32, 32);
    const p = new CameraProjection(cam, 32, 32).project([0, -2, -0.2]);
    expect(channel(at(g, p.x, p.y))).toBe('g');
    expect(() => r.render([big], cam, 0, 10)).toThrow(/positive integers/);
  });
});
