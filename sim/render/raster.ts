/**
 * Raster: a tiny deterministic software rasteriser on an RGB `Uint8Array` (H×W×3, row-major), enough to
 * draw the classic-control pictures (rectangles, rotated rectangles, polygons, circles, thick lines).
 *
 * Coordinates are pixels with the origin at the top-left corner and y pointing down; pixel (x, y) covers
 * [x, x+1) × [y, y+1) and is painted when its centre (x + ½, y + ½) lies inside the shape. No anti-aliasing
 * and only plain float arithmetic, so the same calls give the same bytes on every machine.
 * Colours are packed `0xRRGGBB` numbers.
 */
import type { Frame } from '../env.ts';

export class Raster implements Frame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  /** Scratch for scanline crossings (grown on demand; rendering is not a hot path). */
  private crossings = new Float64Array(16);

  constructor(width: number, height: number) {
    if (!Number.isInteger(width) || width <= 0) throw new RangeError(`Raster width must be a positive integer, got ${width}`);
    if (!Number.isInteger(height) || height <= 0) throw new RangeError(`Raster height must be a positive integer, got ${height}`);
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 3);
  }

  /** Fill the whole frame with one colour. */
  clear(color: number): this {
    const r = (color >>> 16) & 255;
    const g = (color >>> 8) & 255;
    const b = color & 255;
    const d = this.data;
    for (let k = 0; k < d.length; k += 3) {
      d[k] = r;
      d[k + 1] = g;
      d[k + 2] = b;
    }
    return this;
  }

  /** Paint pixels whose centres have x in [xa, xb) on row `y` (already clipped to the frame by rows). */
  private span(y: number, xa: number, xb: number, color: number): void {
    let x0 = Math.ceil(xa - 0.5);
    let x1 = Math.ceil(xb - 0.5); // exclusive
    if (x0 < 0) x0 = 0;
    if (x1 > this.width) x1 = this.width;
    if (x0 >= x1) return;
    const r = (color >>> 16) & 255;
    const g = (color >>> 8) & 255;
    const b = color & 255;
    const d = this.data;
    let k = (y * this.width + x0) * 3;
    for (let x = x0; x < x1; x++, k += 3) {
      d[k] = r;
      d[k + 1] = g;
      d[k + 2] = b;
    }
  }

  /** Axis-aligned rectangle spanning the corners (x0, y0) and (x1, y1) (any order). */
  fillRect(x0: number, y0: number, x1: number, y1: number, color: number): this {
    const xa = Math.min(x0, x1);
    const xb = Math.max(x0, x1);
    let ya = Math.ceil(Math.min(y0, y1) - 0.5);
    let yb = Math.ceil(Math.max(y0, y1) - 0.5);
    if (ya < 0) ya = 0;
    if (yb > this.height) yb = this.height;
    for (let y = ya; y < yb; y++) this.span(y, xa, xb, color);
    return this;
  }

  /**
   * Polygon from interleaved vertices `[x0, y0, x1, y1, ...]` (at least 3), filled by the even-odd rule
   * (exact for the convex shapes drawn here; self-intersecting input is still well defined).
   */
  fillPolygon(pts: ArrayLike<number>, color: number): this {
    const nv = pts.length >> 1;
    if (nv < 3 || (pts.length & 1) === 1) {
      throw new RangeError(`fillPolygon needs an even number of coordinates for at least 3 vertices, got ${pts.length}`);
    }
    let minY = Infinity;
    let maxY = -Infinity;
    for (let v = 0; v < nv; v++) {
      const y = pts[2 * v + 1];
      if (!Number.isFinite(y) || !Number.isFinite(pts[2 * v])) throw new RangeError(`fillPolygon vertex ${v} is not finite`);
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (this.crossings.length < nv) this.crossings = new Float64Array(nv);
    const xs = this.crossings;
    let ya = Math.ceil(minY - 0.5);
    let yb = Math.ceil(maxY - 0.5);
    if (ya < 0) ya = 0;
    if (yb > this.height) yb = this.height;
    for (let y = ya; y < yb; y++) {
      const yc = y + 0.5;
      let m = 0;
      for (let v = 0, u = nv - 1; v < nv; u = v++) {
        const x0 = pts[2 * u];
        const y0 = pts[2 * u + 1];
        const x1 = pts[2 * v];
        const y1 = pts[2 * v + 1];
        // Half-open on y so a vertex shared by two edges is counted once.
        if ((y0 <= yc && yc < y1) || (y1 <= yc && yc < y0)) xs[m++] = x0 + ((yc - y0) * (x1 - x0)) / (y1 - y0);
      }
      // Insertion sort: m is tiny.
      for (let a = 1; a < m; a++) {
        const t = xs[a];
        let b = a - 1;
        while (b >= 0 && xs[b] > t) {
          xs[b + 1] = xs[b];
          b--;
        }
        xs[b + 1] = t;
      }
      for (let a = 0; a + 1 < m; a += 2) this.span(y, xs[a], xs[a + 1], color);
    }
    return this;
  }

  /** Rectangle of size w×h centred at (cx, cy), rotated by `angle` radians (counter-clockwise on screen). */
  fillRotatedRect(cx: number, cy: number, w: number, h: number, angle: number, color: number): this {
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const hw = w / 2;
    const hh = h / 2;
    // On screen y points down, so a counter-clockwise turn maps (u, v) to (u c + v s, -u s + v c).
    const pts = [
      cx + -hw * c + -hh * s, cy - -hw * s + -hh * c,
      cx + hw * c + -hh * s, cy - hw * s + -hh * c,
      cx + hw * c + hh * s, cy - hw * s + hh * c,
      cx + -hw * c + hh * s, cy - -hw * s + hh * c,
    ];
    return this.fillPolygon(pts, color);
  }

  /** Disc of radius r centred at (cx, cy). */
  fillCircle(cx: number, cy: number, r: number, color: number): this {
    if (!(r > 0)) return this;
    let ya = Math.ceil(cy - r - 0.5);
    let yb = Math.ceil(cy + r - 0.5);
    if (ya < 0) ya = 0;
    if (yb > this.height) yb = this.height;
    for (let y = ya; y < yb; y++) {
      const dy = y + 0.5 - cy;
      const h2 = r * r - dy * dy;
      if (h2 <= 0) continue;
      const hw = Math.sqrt(h2);
      this.span(y, cx - hw, cx + hw, color);
    }
    return this;
  }

  /** Segment from (x0, y0) to (x1, y1) drawn as a `thickness`-wide quad (at least one pixel wide). */
  line(x0: number, y0: number, x1: number, y1: number, thickness: number, color: number): this {
    const t = Math.max(thickness, 1) / 2;
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len = Math.hypot(dx, dy);
    if (len === 0) return this.fillRect(x0 - t, y0 - t, x0 + t, y0 + t, color);
    const nx = (-dy / len) * t;
    const ny = (dx / len) * t;
    return this.fillPolygon([x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny], color);
  }

  /** Polyline through interleaved points `[x0, y0, x1, y1, ...]`, joints rounded so there are no gaps. */
  polyline(pts: ArrayLike<number>, thickness: number, color: number): this {
    const nv = pts.length >> 1;
    for (let v = 0; v + 1 < nv; v++) this.line(pts[2 * v], pts[2 * v + 1], pts[2 * v + 2], pts[2 * v + 3], thickness, color);
    if (thickness > 2) for (let v = 1; v + 1 < nv; v++) this.fillCircle(pts[2 * v], pts[2 * v + 1], thickness / 2, color);
    return this;
  }

  /** Colour of pixel (x, y) as `0xRRGGBB` (tests and debugging). */
  pixel(x: number, y: number): number {
    const k = (y * this.width + x) * 3;
    return (this.data[k] << 16) | (this.data[k + 1] << 8) | this.data[k + 2];
  }

  /** The frame (this raster's own bytes, not a copy). */
  toFrame(): Frame {
    return { width: this.width, height: this.height, data: this.data };
  }
}

/** `0xRRGGBB` from 0-255 components. */
export function rgb(r: number, g: number, b: number): number {
  return ((r & 255) << 16) | ((g & 255) << 8) | (b & 255);
}
