/**
 * Renderer3D: a small deterministic z-buffered triangle rasteriser for 3D scenes made of boxes, spheres,
 * capsules and cylinders, with flat Lambert shading from one directional light plus a head light.
 * Generic: it takes a list of primitives and a `Camera3D` and knows nothing about any env.
 *
 * - Meshes: unit box (12 triangles), UV sphere (`sphereSegments`), cylinder and capsule (tube + two
 *   spheres) with `roundSegments` around the axis.
 * - Pipeline per triangle: world-space back-face culling → camera space → clipping against the near
 *   plane → perspective projection → edge-function rasterisation at pixel centres with a 1/depth
 *   z-buffer (1/depth is affine in screen space, so the depth test is exact for planar triangles).
 * - Plain float64 arithmetic, no randomness, no anti-aliasing: the same scene gives the same bytes.
 *
 * Output frames are RGB `Uint8Array` H×W×3, a fresh array per call (callers keep frames); the depth
 * buffer and vertex scratch are reused between calls.
 */
import type { Frame } from '../env.ts';
import { type Camera3D, CameraProjection, type Vec3Like } from './camera3d.ts';

/** Quaternion [w, x, y, z]. */
export type QuatLike = readonly [number, number, number, number] | readonly number[];

export type Primitive =
  | { readonly kind: 'box'; readonly center: Vec3Like; readonly half: Vec3Like; readonly quat?: QuatLike; readonly color: number }
  | { readonly kind: 'sphere'; readonly center: Vec3Like; readonly radius: number; readonly color: number }
  /** A capsule: the segment a–b swept by a ball of `radius`. */
  | { readonly kind: 'capsule'; readonly a: Vec3Like; readonly b: Vec3Like; readonly radius: number; readonly color: number }
  /** A closed cylinder with axis a–b. */
  | { readonly kind: 'cylinder'; readonly a: Vec3Like; readonly b: Vec3Like; readonly radius: number; readonly color: number };

export interface Renderer3DOptions {
  /** Background colour 0xRRGGBB. */
  readonly background?: number;
  /** Direction towards the light (normalised internally). */
  readonly light?: Vec3Like;
  /** Ambient share of the shading in [0, 1]. */
  readonly ambient?: number;
  /** Share of the head light (light from the camera) in [0, 1]. */
  readonly headLight?: number;
  readonly sphereSegments?: number;
  readonly roundSegments?: number;
}

interface Mesh {
  readonly verts: Float64Array;
  readonly tris: Uint16Array;
}

function boxMesh(): Mesh {
  const verts = new Float64Array(24);
  for (let k = 0; k < 8; k++) {
    verts[3 * k] = k & 1 ? 1 : -1;
    verts[3 * k + 1] = k & 2 ? 1 : -1;
    verts[3 * k + 2] = k & 4 ? 1 : -1;
  }
  // Counter-clockwise seen from outside.
  const tris = new Uint16Array([
    0, 2, 1, 1, 2, 3, // z−
    4, 5, 6, 5, 7, 6, // z+
    0, 1, 4, 1, 5, 4, // y−
    2, 6, 3, 3, 6, 7, // y+
    0, 4, 2, 2, 4, 6, // x−
    1, 3, 5, 3, 7, 5, // x+
  ]);
  return { verts, tris };
}

function sphereMesh(seg: number): Mesh {
  const nLat = Math.max(3, Math.round(seg * 0.6));
  const nLon = Math.max(4, seg);
  const verts: number[] = [0, 0, 1];
  for (let i = 1; i < nLat; i++) {
    const th = (Math.PI * i) / nLat;
    for (let j = 0; j < nLon; j++) {
      const ph = (2 * Math.PI * j) / nLon;
      verts.push(Math.sin(th) * Math.cos(ph), Math.sin(th) * Math.sin(ph), Math.cos(th));
    }
  }
  verts.push(0, 0, -1);
  const south = verts.length / 3 - 1;
  const ring = (i: number, j: number) => 1 + (i - 1) * nLon + (((j % nLon) + nLon) % nLon);
  const tris: number[] = [];
  for (let j = 0; j < nLon; j++) tris.push(0, ring(1, j), ring(1, j + 1));
  for (let i = 1; i < nLat - 1; i++) {
    for (let j = 0; j < nLon; j++) {
      tris.push(ring(i, j), ring(i + 1, j), ring(i + 1, j + 1));
      tris.push(ring(i, j), ring(i + 1, j + 1), ring(i, j + 1));
    }
  }
  for (let j = 0; j < nLon; j++) tris.push(south, ring(nLat - 1, j + 1), ring(nLat - 1, j));
  return { verts: Float64Array.from(verts), tris: Uint16Array.from(tris) };
}

/** Unit cylinder along z from −1 to 1, radius 1; `caps` closes the ends. */
function cylinderMesh(seg: number, caps: boolean): Mesh {
  const verts: number[] = [];
  for (let j = 0; j < seg; j++) {
    const ph = (2 * Math.PI * j) / seg;
    verts.push(Math.cos(ph), Math.sin(ph), -1, Math.cos(ph), Math.sin(ph), 1);
  }
  const tris: number[] = [];
  for (let j = 0; j < seg; j++) {
    const a = 2 * j, b = 2 * ((j + 1) % seg);
    tris.push(a, b, a + 1, b, b + 1, a + 1);
  }
  if (caps) {
    const bot = verts.length / 3;
    verts.push(0, 0, -1, 0, 0, 1);
    for (let j = 0; j < seg; j++) {
      const a = 2 * j, b = 2 * ((j + 1) % seg);
      tris.push(bot, b, a, bot + 1, a + 1, b + 1);
    }
  }
  return { verts: Float64Array.from(verts), tris: Uint16Array.from(tris) };
}

export class Renderer3D {
  private readonly background: number;
  private readonly light = new Float64Array(3);
  private readonly ambient: number;
  private readonly headLight: number;
  private readonly box: Mesh;
  private readonly sphere: Mesh;
  private readonly cylinder: Mesh;
  private readonly tube: Mesh;
  private depth = new Float32Array(0);
  // Scratch: world and camera coordinates of the current mesh's vertices, clipped polygon.
  private world = new Float64Array(0);
  private cam = new Float64Array(0);
  private readonly poly = new Float64Array(3 * 8);
  private readonly polyTmp = new Float64Array(3 * 8);
  private readonly m = new Float64Array(9);
  private readonly t = new Float64Array(3);
  private proj!: CameraProjection;
  private out!: Uint8Array;
  private width = 0;
  private height = 0;

  constructor(opts: Renderer3DOptions = {}) {
    this.background = opts.background ?? 0xdde4ec;
    const l = opts.light ?? [0.35, -0.45, 0.82];
    const n = Math.hypot(l[0], l[1], l[2]);
    for (let k = 0; k < 3; k++) this.light[k] = l[k] / n;
    this.ambient = opts.ambient ?? 0.3;
    this.headLight = opts.headLight ?? 0.2;
    this.box = boxMesh();
    this.sphere = sphereMesh(opts.sphereSegments ?? 10);
    this.cylinder = cylinderMesh(opts.roundSegments ?? 10, true);
    this.tube = cylinderMesh(opts.roundSegments ?? 10, false);
  }

  /** Render `prims` seen from `camera` into a fresh width×height RGB frame. */
  render(prims: readonly Primitive[], camera: Camera3D, width: number, height: number): Frame {
    if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
      throw new RangeError(`Renderer3D: width and height must be positive integers, got ${width}×${height}`);
    }
    this.proj = new CameraProjection(camera, width, height);
    this.width = width;
    this.height = height;
    const npx = width * height;
    if (this.depth.length < npx) this.depth = new Float32Array(npx);
    this.depth.fill(0, 0, npx);
    const out = new Uint8Array(npx * 3);
    const br = (this.background >>> 16) & 255, bg = (this.background >>> 8) & 255, bb = this.background & 255;
    for (let k = 0; k < out.length; k += 3) {
      out[k] = br;
      out[k + 1] = bg;
      out[k + 2] = bb;
    }
    this.out = out;
    for (const p of prims) this.drawPrimitive(p);
    return { width, height, data: out };
  }

  private drawPrimitive(p: Primitive): void {
    const m = this.m;
    const t = this.t;
    switch (p.kind) {
      case 'box': {
        const q = p.quat ?? [1, 0, 0, 0];
        const w = q[0], x = q[1], y = q[2], z = q[3];
        const n = Math.hypot(w, x, y, z) || 1;
        const qw = w / n, qx = x / n, qy = y / n, qz = z / n;
        // Rotation matrix (row-major) times diag(half).
        const r = [
          1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qw * qz), 2 * (qx * qz + qw * qy),
          2 * (qx * qy + qw * qz), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qw * qx),
          2 * (qx * qz - qw * qy), 2 * (qy * qz + qw * qx), 1 - 2 * (qx * qx + qy * qy),
        ];
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) m[3 * i + j] = r[3 * i + j] * p.half[j];
        t[0] = p.center[0];
        t[1] = p.center[1];
        t[2] = p.center[2];
        this.drawMesh(this.box, p.color);
        return;
      }
      case 'sphere':
        this.setSphere(p.center, p.radius);
        this.drawMesh(this.sphere, p.color);
        return;
      case 'cylinder':
      case 'capsule': {
        if (!this.setAxis(p.a, p.b, p.radius)) {
          this.setSphere(p.a, p.radius);
          this.drawMesh(this.sphere, p.color);
          return;
        }
        this.drawMesh(p.kind === 'cylinder' ? this.cylinder : this.tube, p.color);
        if (p.kind === 'capsule') {
          this.setSphere(p.a, p.radius);
          this.drawMesh(this.sphere, p.color);
          this.setSphere(p.b, p.radius);
          this.drawMesh(this.sphere, p.color);
        }
        return;
      }
      default:
        throw new TypeError(`Renderer3D: unknown primitive kind '${(p as { kind: string }).kind}'`);
    }
  }

  private setSphere(c: Vec3Like, r: number): void {
    const m = this.m;
    m.fill(0);
    m[0] = m[4] = m[8] = r;
    this.t[0] = c[0];
    this.t[1] = c[1];
    this.t[2] = c[2];
  }

  /** Transform taking the unit cylinder (z ∈ [−1, 1], radius 1) onto the axis a–b; false if a = b. */
  private setAxis(a: Vec3Like, b: Vec3Like, r: number): boolean {
    const dx = b[0] - a[0], dy = b[1] - a[1], dz = b[2] - a[2];
    const len = Math.hypot(dx, dy, dz);
    if (len < 1e-12) return false;
    const ux = dx / len, uy = dy / len, uz = dz / len;
    // v1 = normalise(u × ref), v2 = u × v1 (so v1 × v2 = u: orientation preserved).
    let rx = 0, ry = 0, rz = 1;
    if (Math.abs(uz) > 0.9) {
      rx = 1;
      rz = 0;
    }
    let v1x = uy * rz - uz * ry, v1y = uz * rx - ux * rz, v1z = ux * ry - uy * rx;
    const n1 = Math.hypot(v1x, v1y, v1z);
    v1x /= n1;
    v1y /= n1;
    v1z /= n1;
    const v2x = uy * v1z - uz * v1y, v2y = uz * v1x - ux * v1z, v2z = ux * v1y - uy * v1x;
    const m = this.m;
    const h = len / 2;
    m[0] = v1x * r; m[1] = v2x * r; m[2] = ux * h;
    m[3] = v1y * r; m[4] = v2y * r; m[5] = uy * h;
    m[6] = v1z * r; m[7] = v2z * r; m[8] = uz * h;
    this.t[0] = (a[0] + b[0]) / 2;
    this.t[1] = (a[1] + b[1]) / 2;
    this.t[2] = (a[2] + b[2]) / 2;
    return true;
  }

  private drawMesh(mesh: Mesh, color: number): void {
    const nv = mesh.verts.length / 3;
    if (this.world.length < 3 * nv) {
      this.world = new Float64Array(3 * nv);
      this.cam = new Float64Array(3 * nv);
    }
    const m = this.m, t = this.t, V = mesh.verts, W = this.world, C = this.cam, proj = this.proj;
    for (let v = 0; v < nv; v++) {
      const x = V[3 * v], y = V[3 * v + 1], z = V[3 * v + 2];
      const wx = t[0] + m[0] * x + m[1] * y + m[2] * z;
      const wy = t[1] + m[3] * x + m[4] * y + m[5] * z;
      const wz = t[2] + m[6] * x + m[7] * y + m[8] * z;
      W[3 * v] = wx;
      W[3 * v + 1] = wy;
      W[3 * v + 2] = wz;
      proj.toCamera(wx, wy, wz, C, 3 * v);
    }
    const cr = (color >>> 16) & 255, cg = (color >>> 8) & 255, cb = color & 255;
    const eye = proj.eye, L = this.light, fwd = proj.fwd;
    const T = mesh.tris;
    for (let k = 0; k < T.length; k += 3) {
      const a = 3 * T[k], b = 3 * T[k + 1], c = 3 * T[k + 2];
      const e1x = W[b] - W[a], e1y = W[b + 1] - W[a + 1], e1z = W[b + 2] - W[a + 2];
      const e2x = W[c] - W[a], e2y = W[c + 1] - W[a + 1], e2z = W[c + 2] - W[a + 2];
      let nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
      // Back-face culling: the normal must point towards the eye.
      if (nx * (W[a] - eye[0]) + ny * (W[a + 1] - eye[1]) + nz * (W[a + 2] - eye[2]) >= 0) continue;
      const nn = Math.hypot(nx, ny, nz);
      if (nn === 0) continue;
      nx /= nn;
      ny /= nn;
      nz /= nn;
      const diffuse = Math.max(0, nx * L[0] + ny * L[1] + nz * L[2]);
      const head = Math.max(0, -(nx * fwd[0] + ny * fwd[1] + nz * fwd[2]));
      const s = this.ambient + (1 - this.ambient - this.headLight) * diffuse + this.headLight * head;
      const r = Math.min(255, Math.round(cr * s)), g = Math.min(255, Math.round(cg * s)), bl = Math.min(255, Math.round(cb * s));
      this.drawTriangle(a, b, c, r, g, bl);
    }
  }

  /** Clip the camera-space triangle against the near plane, then rasterise the (fan of) triangles. */
  private drawTriangle(a: number, b: number, c: number, r: number, g: number, bl: number): void {
    const C = this.cam;
    const near = this.proj.near;
    const za = C[a + 2], zb = C[b + 2], zc = C[c + 2];
    if (za < near && zb < near && zc < near) return;
    let P = this.poly;
    let n = 3;
    P[0] = C[a]; P[1] = C[a + 1]; P[2] = za;
    P[3] = C[b]; P[4] = C[b + 1]; P[5] = zb;
    P[6] = C[c]; P[7] = C[c + 1]; P[8] = zc;
    if (za < near || zb < near || zc < near) {
      // Sutherland–Hodgman against z = near.
      const Q = this.polyTmp;
      let m = 0;
      for (let i = 0; i < n; i++) {
        const j = (i + 1) % n;
        const zi = P[3 * i + 2], zj = P[3 * j + 2];
        const inI = zi >= near, inJ = zj >= near;
        if (inI) {
          Q[3 * m] = P[3 * i];
          Q[3 * m + 1] = P[3 * i + 1];
          Q[3 * m + 2] = zi;
          m++;
        }
        if (inI !== inJ) {
          const s = (near - zi) / (zj - zi);
          Q[3 * m] = P[3 * i] + s * (P[3 * j] - P[3 * i]);
          Q[3 * m + 1] = P[3 * i + 1] + s * (P[3 * j + 1] - P[3 * i + 1]);
          Q[3 * m + 2] = near;
          m++;
        }
      }
      P = Q;
      n = m;
    }
    const proj = this.proj;
    const f = proj.focal, cx = proj.cx, cy = proj.cy;
    // Project in place: (x, y, 1/z).
    for (let i = 0; i < n; i++) {
      const iz = 1 / P[3 * i + 2];
      P[3 * i] = cx + f * P[3 * i] * iz;
      P[3 * i + 1] = cy - f * P[3 * i + 1] * iz;
      P[3 * i + 2] = iz;
    }
    for (let i = 1; i + 1 < n; i++) this.raster(P, 0, 3 * i, 3 * (i + 1), r, g, bl);
  }

  private raster(P: Float64Array, a: number, b: number, c: number, r: number, g: number, bl: number): void {
    const x0 = P[a], y0 = P[a + 1], z0 = P[a + 2];
    const x1 = P[b], y1 = P[b + 1], z1 = P[b + 2];
    const x2 = P[c], y2 = P[c + 1], z2 = P[c + 2];
    const area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    if (!(Math.abs(area) > 1e-12)) return;
    const inv = 1 / area;
    const W = this.width, H = this.height;
    let minX = Math.floor(Math.min(x0, x1, x2)), maxX = Math.ceil(Math.max(x0, x1, x2));
    let minY = Math.floor(Math.min(y0, y1, y2)), maxY = Math.ceil(Math.max(y0, y1, y2));
    if (minX < 0) minX = 0;
    if (minY < 0) minY = 0;
    if (maxX > W - 1) maxX = W - 1;
    if (maxY > H - 1) maxY = H - 1;
    if (minX > maxX || minY > maxY) return;
    const depth = this.depth, out = this.out;
    // Barycentric weights are affine in (xc, yc): w = base + dx·xc + dy·yc.
    const w0dx = (y1 - y2) * inv, w0dy = (x2 - x1) * inv, w0c = (x1 * y2 - x2 * y1) * inv;
    const w1dx = (y2 - y0) * inv, w1dy = (x0 - x2) * inv, w1c = (x2 * y0 - x0 * y2) * inv;
    const eps = -1e-9;
    for (let py = minY; py <= maxY; py++) {
      const yc = py + 0.5;
      let row = py * W + minX;
      for (let px = minX; px <= maxX; px++, row++) {
        const xc = px + 0.5;
        const w0 = w0c + w0dx * xc + w0dy * yc;
        if (w0 < eps) continue;
        const w1 = w1c + w1dx * xc + w1dy * yc;
        if (w1 < eps) continue;
        const w2 = 1 - w0 - w1;
        if (w2 < eps) continue;
        const iz = w0 * z0 + w1 * z1 + w2 * z2;
        if (iz <= depth[row]) continue;
        depth[row] = iz;
        const o = row * 3;
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = bl;
      }
    }
  }
}
