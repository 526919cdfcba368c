/**
 * Geometry of the robotics scenes (metres, kilograms, z up, gravity −9.81 along z, table top at z = 0).
 * Coordinates follow Meta-World: the robot stands at y ≈ 0 and works in front of itself at y ≈ 0.4–1.0,
 * so objects spawn at y ∈ [0.6, 0.7] and goals at y ∈ [0.8, 0.9].
 *
 * The hand is a kinematic palm with two dynamic finger pads on prismatic joints (see world.ts). The
 * tool-centre point (TCP, `ee`) is the point midway between the pads at the pads' mid-height; the hand
 * body's origin is the TCP. Pad joint coordinate `closure` is 0 when open and `FINGER_TRAVEL` when fully
 * closed (each pad moves inwards along x).
 */

/** Control period [s] = physics timestep (one `world.step()` per env step, 80 Hz as Meta-World's 5 × 2.5 ms). */
export const DT = 0.0125;

/** Hand displacement per unit action per step [m] (Meta-World `action_scale` = 1/100). */
export const ACTION_SCALE = 0.01;

/**
 * The table: a fixed box whose top face is z = 0. Table and cubes use friction 0.5 (Rapier's default;
 * Rapier averages the two coefficients), pads 1.0, so a pad–cube contact has 0.75.
 */
export const TABLE = { center: [0, 0.65, -0.05], half: [0.8, 0.5, 0.05], friction: 0.5 } as const;

/** TCP workspace the hand target is clamped to (min z keeps the pads 5 mm above the table). */
export const WORKSPACE = { low: [-0.3, 0.4, 0.025], high: [0.3, 1.0, 0.35] } as const;

/** Hand start (TCP) for every task. */
export const HAND_INIT = [0, 0.6, 0.2] as const;

/** Palm box on the hand body, above the pads. */
export const PALM = { offset: [0, 0, 0.035], half: [0.065, 0.015, 0.01] } as const;

/** Finger pads: 1 cm thick along the closing axis x, 2.4 cm deep along y, 4 cm tall. */
export const PAD = {
  half: [0.005, 0.012, 0.02],
  /** |x| of a pad's centre relative to the TCP when open; inner faces then sit at ±5 cm. */
  openOffset: 0.055,
  mass: 0.1,
  friction: 1.0,
} as const;

/** Pad joint travel [m]: closure ∈ [0, FINGER_TRAVEL]; fully closed pads are 4 mm apart. */
export const FINGER_TRAVEL = 0.048;

/** Finger motor (force-based position motor): stiffness [N/m], damping [N·s/m], force cap [N]. */
export const FINGER_MOTOR = { stiffness: 1000, damping: 100, maxForce: 100 } as const;

/** Cubes: 4 cm, 50 g, friction 0.5. */
export const CUBE = { half: 0.02, mass: 0.05, friction: 0.5 } as const;

/**
 * Drawer, relative to its base point (x0, y0, 0) (Meta-World's drawer `obj_init_pos`): a fixed cabinet,
 * a drawer box on a prismatic joint that slides out along −y, and a bar handle along x in front of it.
 */
export const DRAWER = {
  cabinet: { offset: [0, 0, 0.075], half: [0.13, 0.11, 0.075] },
  box: { offset: [0, -0.002, 0.07], half: [0.11, 0.11, 0.05], mass: 1.0 },
  /** Handle bar centre relative to the drawer body; the bar runs along x. */
  handle: { offset: [0, -0.157, 0.02], radius: 0.008, halfLength: 0.06 },
  /** Standoffs holding the bar, at x = ±0.06 between the bar and the drawer front. */
  standoff: { offsetY: -0.1345, offsetZ: 0.02, half: [0.006, 0.0225, 0.006], x: 0.06 },
  /** Opening travel [m] (Meta-World `maxDist`). */
  travel: 0.2,
  /** Sliding friction emulated by a zero-velocity motor: damping [N·s/m] and force cap [N]. */
  friction: { damping: 1000, maxForce: 5 },
} as const;

/** Where the TCP sits when hooked behind the handle bar: bar centre + (0, HOOK_OFFSET_Y, 0). */
export const HOOK_OFFSET_Y = 0.0265;

/** Drawn-only goal marker radius. */
export const GOAL_RADIUS = 0.02;
