/**
 * Build one robotics scene in its own Rapier world (the recipe measured in REFERENCE.md "Rapier recipe"):
 *
 * - z up, gravity −9.81 m/s², table = fixed box with its top at z = 0;
 * - the hand: a `kinematicPositionBased` body (palm box) moved with `setNextKinematicTranslation`
 *   before every `world.step()`, never rotated;
 * - two finger pads: dynamic boxes (0.1 kg, friction 1, gravity scale 0, no sleeping) on prismatic
 *   impulse joints from the hand (travel [0, 0.048] m, hand–pad contacts off), driven by force-based
 *   position motors (stiffness 1000 N/m, damping 100 N·s/m, force cap 100 N) set every step;
 * - cubes: dynamic 4 cm / 50 g boxes, friction 1; grasping works through contact and friction only;
 * - drawer: a dynamic box with a bar handle on a prismatic joint from a fixed cabinet (contacts between
 *   them off), its sliding friction emulated by a zero-velocity motor with a 5 N cap;
 * - integration: `timestep` = 0.0125 s, one `world.step()` per env step, 4 solver iterations,
 *   `contact_natural_frequency` = 300 Hz (the default 30 Hz lets pads sink 8–11 mm into a cube).
 *
 * A scene is normally alone in its world; `addScene` can also place it at a fixed offset in a shared
 * world (the core's `envsPerWorld` packing).
 */
import { CUBE, DRAWER, FINGER_MOTOR, FINGER_TRAVEL, PAD, PALM, TABLE } from './geometry.ts';
import { RAPIER } from './rapier.ts';
import type { SceneBuffers } from './scene_buffers.ts';
import type { TaskDef } from './task.ts';

export interface PhysicsParams {
  readonly dt: number;
  readonly solverIterations: number;
  readonly contactNaturalFrequency: number;
}

export interface SceneHandles {
  readonly world: RAPIER.World;
  readonly hand: RAPIER.RigidBody;
  /** [left (x < TCP), right]. */
  readonly pads: readonly [RAPIER.RigidBody, RAPIER.RigidBody];
  readonly padJoints: readonly [RAPIER.PrismaticImpulseJoint, RAPIER.PrismaticImpulseJoint];
  readonly objects: readonly RAPIER.RigidBody[];
  readonly drawer: RAPIER.RigidBody | undefined;
  /** Fixed bodies of this env (table, cabinet). */
  readonly statics: readonly RAPIER.RigidBody[];
}

/** Handle numbers of a scene, in the order `handleList` writes them (for snapshots). */
export function handleCount(task: TaskDef): number {
  return 6 + task.objects.length + (task.drawer ? 2 : 0);
}

/** hand, pads (2), pad joints (2), objects, drawer, table, cabinet. */
export function handleList(h: SceneHandles, out: Float64Array, off: number): void {
  let k = off;
  out[k++] = h.hand.handle;
  out[k++] = h.pads[0].handle;
  out[k++] = h.pads[1].handle;
  out[k++] = h.padJoints[0].handle;
  out[k++] = h.padJoints[1].handle;
  for (const o of h.objects) out[k++] = o.handle;
  if (h.drawer) out[k++] = h.drawer.handle;
  for (const st of h.statics) out[k++] = st.handle;
}

/** Re-attach handle objects to a world restored from a snapshot. */
export function handlesFromList(world: RAPIER.World, task: TaskDef, list: Float64Array, off: number): SceneHandles {
  let k = off;
  const body = () => world.getRigidBody(list[k++]);
  const joint = () => world.getImpulseJoint(list[k++]) as RAPIER.PrismaticImpulseJoint;
  const hand = body();
  const pads: [RAPIER.RigidBody, RAPIER.RigidBody] = [body(), body()];
  const padJoints: [RAPIER.PrismaticImpulseJoint, RAPIER.PrismaticImpulseJoint] = [joint(), joint()];
  const objects = task.objects.map(() => body());
  const drawer = task.drawer ? body() : undefined;
  const statics = task.drawer ? [body(), body()] : [body()];
  return { world, hand, pads, padJoints, objects, drawer, statics };
}

export function configureWorld(world: RAPIER.World, p: PhysicsParams): void {
  world.timestep = p.dt;
  world.numSolverIterations = p.solverIterations;
  world.integrationParameters.contact_natural_frequency = p.contactNaturalFrequency;
}

export function newWorld(p: PhysicsParams): RAPIER.World {
  const world = new RAPIER.World({ x: 0, y: 0, z: -9.81 });
  configureWorld(world, p);
  return world;
}

/** Remove every body of a scene (colliders and joints attached to them go too). */
export function removeScene(h: SceneHandles): void {
  const w = h.world;
  for (const b of [h.hand, ...h.pads, ...h.objects, ...(h.drawer ? [h.drawer] : []), ...h.statics]) w.removeRigidBody(b);
}

/**
 * Add env i's scene, built from its initial state in `b` (TCP, open pads, object poses, drawer base), to
 * `world` with its origin at (ox, oy, 0) (0 for a world of its own; packed worlds give each env a fixed
 * offset).
 */
export function addScene(world: RAPIER.World, task: TaskDef, b: SceneBuffers, i: number, ox = 0, oy = 0): SceneHandles {
  const table = world.createRigidBody(RAPIER.RigidBodyDesc.fixed().setTranslation(ox + TABLE.center[0], oy + TABLE.center[1], TABLE.center[2]));
  world.createCollider(RAPIER.ColliderDesc.cuboid(TABLE.half[0], TABLE.half[1], TABLE.half[2]).setFriction(TABLE.friction), table);
  const statics = [table];

  const tx = ox + b.tcp[3 * i], ty = oy + b.tcp[3 * i + 1], tz = b.tcp[3 * i + 2];
  const hand = world.createRigidBody(RAPIER.RigidBodyDesc.kinematicPositionBased().setTranslation(tx, ty, tz));
  world.createCollider(RAPIER.ColliderDesc.cuboid(PALM.half[0], PALM.half[1], PALM.half[2]).setTranslation(PALM.offset[0], PALM.offset[1], PALM.offset[2]), hand);
  const pads: RAPIER.RigidBody[] = [];
  const joints: RAPIER.PrismaticImpulseJoint[] = [];
  for (const sign of [-1, 1]) {
    const pad = world.createRigidBody(
      RAPIER.RigidBodyDesc.dynamic().setTranslation(tx + sign * PAD.openOffset, ty, tz).setGravityScale(0).setCanSleep(false),
    );
    world.createCollider(RAPIER.ColliderDesc.cuboid(PAD.half[0], PAD.half[1], PAD.half[2]).setFriction(PAD.friction).setMass(PAD.mass), pad);
    const jd = RAPIER.JointData.prismatic({ x: sign * PAD.openOffset, y: 0, z: 0 }, { x: 0, y: 0, z: 0 }, { x: -sign, y: 0, z: 0 });
    jd.limitsEnabled = true;
    jd.limits = [0, FINGER_TRAVEL];
    const j = world.createImpulseJoint(jd, hand, pad, true) as RAPIER.PrismaticImpulseJoint;
    j.setContactsEnabled(false);
    j.configureMotorModel(RAPIER.MotorModel.ForceBased);
    j.configureMotorPosition(b.closureCmd[i], FINGER_MOTOR.stiffness, FINGER_MOTOR.damping);
    j.setMotorMaxForce(FINGER_MOTOR.maxForce);
    pads.push(pad);
    joints.push(j);
  }

  const objects = task.objects.map((def, k) => {
    const o = b.objOff(i, k);
    const body = world.createRigidBody(
      RAPIER.RigidBodyDesc.dynamic()
        .setTranslation(ox + b.obj[o], oy + b.obj[o + 1], b.obj[o + 2])
        .setRotation({ w: b.obj[o + 3], x: b.obj[o + 4], y: b.obj[o + 5], z: b.obj[o + 6] }),
    );
    world.createCollider(RAPIER.ColliderDesc.cuboid(def.half, def.half, def.half).setMass(def.mass).setFriction(CUBE.friction), body);
    return body;
  });

  let drawer: RAPIER.RigidBody | undefined;
  if (task.drawer) {
    const bx = ox + b.drawerBase[3 * i], by = oy + b.drawerBase[3 * i + 1], bz = b.drawerBase[3 * i + 2];
    const C = DRAWER.cabinet;
    const cabinet = world.createRigidBody(RAPIER.RigidBodyDesc.fixed().setTranslation(bx + C.offset[0], by + C.offset[1], bz + C.offset[2]));
    world.createCollider(RAPIER.ColliderDesc.cuboid(C.half[0], C.half[1], C.half[2]), cabinet);
    statics.push(cabinet);
    const B = DRAWER.box;
    drawer = world.createRigidBody(RAPIER.RigidBodyDesc.dynamic().setTranslation(bx + B.offset[0], by + B.offset[1], bz + B.offset[2]).setGravityScale(0).setCanSleep(false));
    world.createCollider(RAPIER.ColliderDesc.cuboid(B.half[0], B.half[1], B.half[2]).setMass(B.mass), drawer);
    const H = DRAWER.handle;
    // Rapier capsules run along local y; a quarter turn about z lays the bar along x.
    const quarter = { w: Math.SQRT1_2, x: 0, y: 0, z: Math.SQRT1_2 };
    world.createCollider(
      RAPIER.ColliderDesc.capsule(H.halfLength, H.radius).setTranslation(H.offset[0], H.offset[1], H.offset[2]).setRotation(quarter).setMass(0.05).setFriction(1.0),
      drawer,
    );
    const S = DRAWER.standoff;
    for (const sx of [-S.x, S.x]) {
      world.createCollider(RAPIER.ColliderDesc.cuboid(S.half[0], S.half[1], S.half[2]).setTranslation(sx, S.offsetY, S.offsetZ).setMass(0.02), drawer);
    }
    const jd = RAPIER.JointData.prismatic(
      { x: B.offset[0] - C.offset[0], y: B.offset[1] - C.offset[1], z: B.offset[2] - C.offset[2] },
      { x: 0, y: 0, z: 0 },
      { x: 0, y: -1, z: 0 },
    );
    jd.limitsEnabled = true;
    jd.limits = [0, DRAWER.travel];
    const j = world.createImpulseJoint(jd, cabinet, drawer, true) as RAPIER.PrismaticImpulseJoint;
    j.setContactsEnabled(false);
    j.configureMotorModel(RAPIER.MotorModel.ForceBased);
    j.configureMotorVelocity(0, DRAWER.friction.damping);
    j.setMotorMaxForce(DRAWER.friction.maxForce);
  }
  return { world, hand, pads: [pads[0], pads[1]], padJoints: [joints[0], joints[1]], objects, drawer, statics };
}
