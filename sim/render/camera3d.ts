/**
 * A pinhole camera for the 3D rasteriser: `eye` looks at `target`, `up` fixes the roll, `fovyDeg` is
 * the vertical field of view. `CameraProjection` maps world points to pixel coordinates (x right,
 * y down, origin at the top-left corner, pixel (x, y) covering [x, x+1) × [y, y+1)) and depth along the
 * viewing direction — the same mapping the rasteriser uses, so tests can ask where a point lands.
 */

export type Vec3Like = readonly [number, number, number] | Float64Array | readonly number[];

export interface Camera3D {
  readonly eye: Vec3Like;
  readonly target: Vec3Like;
  readonly up: Vec3Like;
  /** Vertical field of view [degrees]. */
  readonly fovyDeg: number;
  /** Near clipping distance [scene units]; default 0.01. */
  readonly near?: number;
}

export class CameraProjection {
  /** Camera basis (unit vectors): right, up (image), forward. */
  readonly right = new Float64Array(3);
  readonly upv = new Float64Array(3);
  readonly fwd = new Float64Array(3);
  readonly eye = new Float64Array(3);
  /** Focal length in pixels. */
  readonly focal: number;
  readonly near: number;
  readonly cx: number;
  readonly cy: number;

  constructor(
    readonly camera: Camera3D,
    readonly width: number,
    readonly height: number,
  ) {
    const e = camera.eye;
    const t = camera.target;
    for (let k = 0; k < 3; k++) {
      this.eye[k] = e[k];
      this.fwd[k] = t[k] - e[k];
    }
    normalize(this.fwd, 'camera target − eye');
    cross(this.fwd, camera.up, this.right);
    normalize(this.right, 'camera up × forward (up is parallel to the view direction)');
    cross(this.right, this.fwd, this.upv);
    if (!(camera.fovyDeg > 0 && camera.fovyDeg < 180)) throw new RangeError(`camera fovyDeg must be in (0, 180), got ${camera.fovyDeg}`);
    this.focal = height / 2 / Math.tan((camera.fovyDeg * Math.PI) / 360);
    this.near = camera.near ?? 0.01;
    this.cx = width / 2;
    this.cy = height / 2;
  }

  /** Camera coordinates (right, up, depth) of a world point into `out[off..off+3]`. */
  toCamera(x: number, y: number, z: number, out: Float64Array, off: number): void {
    const dx = x - this.eye[0];
    const dy = y - this.eye[1];
    const dz = z - this.eye[2];
    out[off] = dx * this.right[0] + dy * this.right[1] + dz * this.right[2];
    out[off + 1] = dx * this.upv[0] + dy * this.upv[1] + dz * this.upv[2];
    out[off + 2] = dx * this.fwd[0] + dy * this.fwd[1] + dz * this.fwd[2];
  }

  /** Pixel position (x right, y down) and depth of a world point; depth ≤ near means behind the camera. */
  project(p: Vec3Like): { x: number; y: number; depth: number } {
    const c = new Float64Array(3);
    this.toCamera(p[0], p[1], p[2], c, 0);
    return { x: this.cx + (this.focal * c[0]) / c[2], y: this.cy - (this.focal * c[1]) / c[2], depth: c[2] };
  }
}

function normalize(v: Float64Array, what: string): void {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(n > 1e-12)) throw new RangeError(`${what} has zero length`);
  v[0] /= n;
  v[1] /= n;
  v[2] /= n;
}

function cross(a: ArrayLike<number>, b: ArrayLike<number>, out: Float64Array): void {
  const x = a[1] * b[2] - a[2] * b[1];
  const y = a[2] * b[0] - a[0] * b[2];
  const z = a[0] * b[1] - a[1] * b[0];
  out[0] = x;
  out[1] = y;
  out[2] = z;
}
