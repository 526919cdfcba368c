/**
 * View: draw in a fixed y-up "design" canvas (the pixel space of Gymnasium's pygame drawing before its
 * vertical flip, e.g. 600×400 for CartPole) and land on a `Raster` of any size. x scales by
 * raster.width / designWidth, y by raster.height / designHeight (flipped so y points up); lengths that
 * are not tied to an axis (radii, line widths) scale by the smaller of the two.
 */
import type { Raster } from './raster.ts';

export class View {
  readonly sx: number;
  readonly sy: number;
  /** Isotropic scale for radii and thicknesses. */
  readonly s: number;

  constructor(
    readonly raster: Raster,
    designWidth: number,
    designHeight: number,
  ) {
    this.sx = raster.width / designWidth;
    this.sy = raster.height / designHeight;
    this.s = Math.min(this.sx, this.sy);
  }

  px(x: number): number {
    return x * this.sx;
  }

  py(y: number): number {
    return this.raster.height - y * this.sy;
  }

  /** Filled polygon from interleaved design-space vertices `[x0, y0, x1, y1, ...]`. */
  polygon(pts: readonly number[], color: number): this {
    const out = new Array<number>(pts.length);
    for (let k = 0; k < pts.length; k += 2) {
      out[k] = this.px(pts[k]);
      out[k + 1] = this.py(pts[k + 1]);
    }
    this.raster.fillPolygon(out, color);
    return this;
  }

  /**
   * Rectangle [l, r] × [b, t] in its own frame, turned counter-clockwise by `angle` about that frame's
   * origin, then moved to (ox, oy) — pygame's `Vector2(c).rotate_rad(angle) + offset` on each corner.
   */
  rotatedRect(l: number, r: number, b: number, t: number, angle: number, ox: number, oy: number, color: number): this {
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const corners = [l, b, l, t, r, t, r, b];
    const pts = new Array<number>(8);
    for (let k = 0; k < 8; k += 2) {
      const u = corners[k];
      const v = corners[k + 1];
      pts[k] = ox + u * c - v * s;
      pts[k + 1] = oy + u * s + v * c;
    }
    return this.polygon(pts, color);
  }

  circle(x: number, y: number, r: number, color: number): this {
    this.raster.fillCircle(this.px(x), this.py(y), r * this.s, color);
    return this;
  }

  line(x0: number, y0: number, x1: number, y1: number, thickness: number, color: number): this {
    this.raster.line(this.px(x0), this.py(y0), this.px(x1), this.py(y1), thickness * this.s, color);
    return this;
  }

  polyline(pts: readonly number[], thickness: number, color: number): this {
    const out = new Array<number>(pts.length);
    for (let k = 0; k < pts.length; k += 2) {
      out[k] = this.px(pts[k]);
      out[k + 1] = this.py(pts[k + 1]);
    }
    this.raster.polyline(out, thickness * this.s, color);
    return this;
  }
}
