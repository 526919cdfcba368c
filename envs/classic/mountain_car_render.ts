/**
 * drawMountainCar: the MountainCar picture shared by MountainCar-v0 and MountainCarContinuous-v0 —
 * Gymnasium's 600×400 drawing (track curve, car tilted by cos(3x) rad with two wheels, goal flag),
 * scaled to the frame.
 */
import type { Frame } from '../../sim/env.ts';
import { Raster } from '../../sim/render/raster.ts';
import { View } from '../../sim/render/view.ts';

const height = (x: number): number => Math.sin(3 * x) * 0.45 + 0.55;

export function drawMountainCar(
  width: number,
  heightPx: number,
  pos: number,
  minPosition: number,
  maxPosition: number,
  goalPosition: number,
): Frame {
  const raster = new Raster(width, heightPx).clear(0xffffff);
  const v = new View(raster, 600, 400);
  const scale = 600 / (maxPosition - minPosition);
  const carWidth = 40;
  const carHeight = 20;
  const clearance = 10;

  const curve: number[] = [];
  for (let k = 0; k < 100; k++) {
    const x = minPosition + ((maxPosition - minPosition) * k) / 99;
    curve.push((x - minPosition) * scale, height(x) * scale);
  }
  v.polyline(curve, 2, 0x000000);

  const angle = Math.cos(3 * pos);
  const cx = (pos - minPosition) * scale;
  const cy = clearance + height(pos) * scale;
  v.rotatedRect(-carWidth / 2, carWidth / 2, 0, carHeight, angle, cx, cy, 0x000000);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  for (const wx of [carWidth / 4, -carWidth / 4]) v.circle(cx + wx * c, cy + wx * s, carHeight / 2.5, 0x808080);

  const flagX = (goalPosition - minPosition) * scale;
  const flagY1 = height(goalPosition) * scale;
  const flagY2 = flagY1 + 50;
  v.line(flagX, flagY1, flagX, flagY2, 2, 0x000000);
  v.polygon([flagX, flagY2, flagX, flagY2 - 10, flagX + 25, flagY2 - 5], 0xcccc00);
  return raster.toFrame();
}
