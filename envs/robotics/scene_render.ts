/**
 * What a robotics scene looks like: the primitive list (table, floor, an arm drawn for looks and posed
 * by two-link IK from the hand, palm, finger pads, cubes, drawer, goal marker) and the named cameras
 * `front`, `side`, `top` and `wrist` (attached to the hand). Drawing only: nothing here touches physics.
 */
import type { Camera3D } from '../../sim/render/camera3d.ts';
import type { Primitive } from '../../sim/render/renderer3d.ts';
import { DRAWER, GOAL_RADIUS, PAD, PALM, TABLE } from './geometry.ts';
import type { SceneBuffers } from './scene_buffers.ts';
import type { TaskDef } from './task.ts';

export const CAMERAS = ['front', 'side', 'top', 'wrist'] as const;
export type CameraName = (typeof CAMERAS)[number];

export const COLORS = {
  floor: 0x59616b,
  table: 0xb48c64,
  arm: 0xa3a9b1,
  palm: 0x3c3f44,
  pad: 0x6e737a,
  goal: 0x2f6fe0,
  cabinet: 0x7d5f44,
  drawer: 0xcfa877,
  handle: 0x2a2a2a,
} as const;

/** The camera `name` for env i (the wrist camera follows the TCP). */
export function cameraFor(name: CameraName, b: SceneBuffers, i: number): Camera3D {
  switch (name) {
    case 'front':
      return { eye: [0, 1.28, 0.62], target: [0, 0.68, 0.06], up: [0, 0, 1], fovyDeg: 45 };
    case 'side':
      return { eye: [0.75, 0.72, 0.4], target: [0, 0.72, 0.08], up: [0, 0, 1], fovyDeg: 45 };
    case 'top':
      return { eye: [0, 0.72, 0.95], target: [0, 0.72, 0], up: [0, 1, 0], fovyDeg: 40 };
    case 'wrist': {
      const x = b.tcp[3 * i], y = b.tcp[3 * i + 1], z = b.tcp[3 * i + 2];
      return { eye: [x, y - 0.1, z + 0.06], target: [x, y + 0.06, z - 0.03], up: [0, 0, 1], fovyDeg: 75, near: 0.005 };
    }
  }
}

/** The arm's shoulder (drawn only). */
const SHOULDER = [0, 0.12, 0.38] as const;
const LINK = 0.42;

/** Primitives of env i's scene. */
export function scenePrimitives(task: TaskDef, b: SceneBuffers, i: number, out: Primitive[] = []): Primitive[] {
  out.length = 0;
  out.push({ kind: 'box', center: [0, 0.65, -0.8], half: [3, 3, 0.02], color: COLORS.floor });
  out.push({ kind: 'box', center: TABLE.center, half: TABLE.half, color: COLORS.table });
  const tx = b.tcp[3 * i], ty = b.tcp[3 * i + 1], tz = b.tcp[3 * i + 2];

  // Arm for looks: pedestal, two links by planar IK from the shoulder to the wrist above the palm.
  out.push({ kind: 'cylinder', a: [0, SHOULDER[1], 0], b: SHOULDER, radius: 0.05, color: COLORS.arm });
  const wx = tx, wy = ty, wz = tz + PALM.offset[2] + PALM.half[2] + 0.05;
  const dx = wx - SHOULDER[0], dy = wy - SHOULDER[1], dz = wz - SHOULDER[2];
  const d = Math.min(Math.hypot(dx, dy, dz), 2 * LINK - 1e-6);
  const h = Math.sqrt(Math.max(0, LINK * LINK - (d * d) / 4));
  // Elbow: off the shoulder–wrist midpoint, perpendicular to it within the vertical plane, upwards.
  const dn = Math.hypot(dx, dy, dz) || 1;
  const ux = dx / dn, uy = dy / dn, uz = dz / dn;
  let px = -uz * ux, py = -uz * uy, pz = 1 - uz * uz; // z − (z·u)u
  const pn = Math.hypot(px, py, pz) || 1;
  px /= pn;
  py /= pn;
  pz /= pn;
  const ex = SHOULDER[0] + (ux * d) / 2 + px * h, ey = SHOULDER[1] + (uy * d) / 2 + py * h, ez = SHOULDER[2] + (uz * d) / 2 + pz * h;
  const wristEnd = [SHOULDER[0] + ux * d, SHOULDER[1] + uy * d, SHOULDER[2] + uz * d];
  out.push({ kind: 'capsule', a: SHOULDER, b: [ex, ey, ez], radius: 0.035, color: COLORS.arm });
  out.push({ kind: 'capsule', a: [ex, ey, ez], b: wristEnd, radius: 0.03, color: COLORS.arm });
  out.push({ kind: 'cylinder', a: [wx, wy, wz], b: [tx, ty, tz + PALM.offset[2]], radius: 0.022, color: COLORS.arm });

  // Hand: palm and pads.
  out.push({ kind: 'box', center: [tx + PALM.offset[0], ty + PALM.offset[1], tz + PALM.offset[2]], half: PALM.half, color: COLORS.palm });
  for (let s = 0; s < 2; s++) {
    const sign = s === 0 ? -1 : 1;
    const c = b.closure[2 * i + s];
    out.push({ kind: 'box', center: [tx + sign * (PAD.openOffset - c), ty, tz], half: PAD.half, color: COLORS.pad });
  }

  // Objects.
  task.objects.forEach((def, k) => {
    const o = b.objOff(i, k);
    out.push({
      kind: 'box',
      center: [b.obj[o], b.obj[o + 1], b.obj[o + 2]],
      half: [def.half, def.half, def.half],
      quat: [b.obj[o + 3], b.obj[o + 4], b.obj[o + 5], b.obj[o + 6]],
      color: def.color,
    });
  });

  if (task.drawer) {
    const bx = b.drawerBase[3 * i], by = b.drawerBase[3 * i + 1], bz = b.drawerBase[3 * i + 2];
    const q = b.drawer[2 * i];
    const C = DRAWER.cabinet;
    out.push({ kind: 'box', center: [bx + C.offset[0], by + C.offset[1], bz + C.offset[2]], half: C.half, color: COLORS.cabinet });
    const B = DRAWER.box;
    const dx0 = bx + B.offset[0], dy0 = by + B.offset[1] - q, dz0 = bz + B.offset[2];
    out.push({ kind: 'box', center: [dx0, dy0, dz0], half: B.half, color: COLORS.drawer });
    const H = DRAWER.handle;
    const hx = b.handle[3 * i], hy = b.handle[3 * i + 1], hz = b.handle[3 * i + 2];
    out.push({ kind: 'capsule', a: [hx - H.halfLength, hy, hz], b: [hx + H.halfLength, hy, hz], radius: H.radius, color: COLORS.handle });
    const S = DRAWER.standoff;
    for (const sx of [-S.x, S.x]) {
      out.push({ kind: 'box', center: [dx0 + sx, dy0 + S.offsetY, dz0 + S.offsetZ], half: S.half, color: COLORS.handle });
    }
  } else if (task.name !== 'Stack') {
    out.push({ kind: 'sphere', center: [b.goal[3 * i], b.goal[3 * i + 1], b.goal[3 * i + 2]], radius: GOAL_RADIUS, color: COLORS.goal });
  }
  return out;
}
