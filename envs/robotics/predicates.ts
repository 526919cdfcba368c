/**
 * Predicates over `SceneBuffers` (allocation-free): grasp, static, on-top. The state's `isGrasped` and
 * `isStatic` flags and every task's success rule are built from these.
 */
import { PAD } from './geometry.ts';
import type { SceneBuffers } from './scene_buffers.ts';

/** ManiSkill `is_static` thresholds used by the state flag and Stack's success rule. */
export const STATIC_LIN = 0.01;
export const STATIC_ANG = 0.5;

/** Pads count as touching a face within this gap [m]. */
const GRASP_GAP = 0.003;
/** Commanded closure beyond the measured one [m] that shows the motor is squeezing (≈ 2 N). */
const GRASP_SQUEEZE = 0.002;

/** Half extent along world x of box object k of env i (a cube's projection, from its rotation). */
export function halfExtentX(b: SceneBuffers, i: number, k: number): number {
  const o = b.objOff(i, k);
  const w = b.obj[o + 3], x = b.obj[o + 4], y = b.obj[o + 5], z = b.obj[o + 6];
  const r00 = 1 - 2 * (y * y + z * z);
  const r01 = 2 * (x * y - w * z);
  const r02 = 2 * (x * z + w * y);
  return b.objHalf[k] * (Math.abs(r00) + Math.abs(r01) + Math.abs(r02));
}

/**
 * Object k is grasped when it lies between the pads (overlapping them in y and z), both pads' inner
 * faces are within 3 mm of its sides along x, and both finger motors are still pushing inwards
 * (commanded closure ≥ measured + 2 mm). A geometric stand-in for ManiSkill's contact-force test.
 */
export function isGraspedAt(b: SceneBuffers, i: number, k: number): boolean {
  const o = b.objOff(i, k);
  const h = b.objHalf[k];
  const tx = b.tcp[3 * i];
  const dy = b.obj[o + 1] - b.tcp[3 * i + 1];
  const dz = b.obj[o + 2] - b.tcp[3 * i + 2];
  if (Math.abs(dy) > h || Math.abs(dz) > PAD.half[2] + h - 0.005) return false;
  const cl = b.closure[2 * i];
  const cr = b.closure[2 * i + 1];
  const cmd = b.closureCmd[i];
  if (cmd < cl + GRASP_SQUEEZE || cmd < cr + GRASP_SQUEEZE) return false;
  const inner = PAD.openOffset - PAD.half[0];
  const leftFace = tx - (inner - cl);
  const rightFace = tx + (inner - cr);
  const ext = halfExtentX(b, i, k);
  const ox = b.obj[o];
  return ox - ext - leftFace <= GRASP_GAP && rightFace - (ox + ext) <= GRASP_GAP && leftFace < ox && rightFace > ox;
}

/** ‖v‖ ≤ lin [m/s] and ‖ω‖ ≤ ang [rad/s]. */
export function isStaticAt(b: SceneBuffers, i: number, k: number, lin = STATIC_LIN, ang = STATIC_ANG): boolean {
  const o = b.objOff(i, k);
  const v = Math.hypot(b.obj[o + 7], b.obj[o + 8], b.obj[o + 9]);
  const w = Math.hypot(b.obj[o + 10], b.obj[o + 11], b.obj[o + 12]);
  return v <= lin && w <= ang;
}

/**
 * ManiSkill StackCube's geometric rule: A's centre within ‖(h, h)‖ + 5 mm of B's in xy, and A's height
 * above B within 5 mm of A's half size + B's half size.
 */
export function onTopAt(b: SceneBuffers, i: number, a: number, c: number): boolean {
  const oa = b.objOff(i, a);
  const oc = b.objOff(i, c);
  const hb = b.objHalf[c];
  const xy = Math.hypot(b.obj[oa] - b.obj[oc], b.obj[oa + 1] - b.obj[oc + 1]);
  const dz = b.obj[oa + 2] - b.obj[oc + 2];
  return xy <= Math.hypot(hb, hb) + 0.005 && Math.abs(dz - (b.objHalf[a] + hb)) <= 0.005;
}

/** Euclidean distance between 3-vectors at offsets `oa` of `a` and `ob` of `b`. */
export function dist3(a: Float64Array, oa: number, b: Float64Array, ob: number): number {
  return Math.hypot(a[oa] - b[ob], a[oa + 1] - b[ob + 1], a[oa + 2] - b[ob + 2]);
}
