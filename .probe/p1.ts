import v8 from "node:v8"; if (process.env.NOLIFT) v8.setFlagsFromString("--no-liftoff");
import RAPIER from '@dimforge/rapier3d-compat';
const t0 = performance.now();
await RAPIER.init();
console.log('init ms', performance.now() - t0);
const PAD = { hx: 0.005, hy: 0.012, hz: 0.02 };
const OPEN = 0.055, MAXC = 0.048;
function build(withCube: boolean, cx = 0, cy = 0.65, yaw = 0) {
  const w = new RAPIER.World({ x: 0, y: 0, z: -9.81 });
  w.timestep = 0.0125;
  w.numSolverIterations = 4;
  w.integrationParameters.contact_natural_frequency = 300;
  const table = w.createRigidBody(RAPIER.RigidBodyDesc.fixed().setTranslation(0, 0.65, -0.05));
  w.createCollider(RAPIER.ColliderDesc.cuboid(1, 0.6, 0.05).setFriction(1.0), table);
  const hand = w.createRigidBody(RAPIER.RigidBodyDesc.kinematicPositionBased().setTranslation(0, 0.6, 0.2));
  w.createCollider(RAPIER.ColliderDesc.cuboid(0.065, 0.015, 0.01).setTranslation(0, 0, 0.035), hand);
  const pads = [] as RAPIER.RigidBody[]; const joints = [] as RAPIER.PrismaticImpulseJoint[];
  for (const s of [1, -1]) {
    const b = w.createRigidBody(RAPIER.RigidBodyDesc.dynamic().setTranslation(s * OPEN, 0.6, 0.2).setGravityScale(0).setCanSleep(false));
    w.createCollider(RAPIER.ColliderDesc.cuboid(PAD.hx, PAD.hy, PAD.hz).setFriction(1.0).setMass(0.1), b);
    const jd = RAPIER.JointData.prismatic({ x: s * OPEN, y: 0, z: 0 }, { x: 0, y: 0, z: 0 }, { x: -s, y: 0, z: 0 });
    jd.limitsEnabled = true; jd.limits = [0, MAXC];
    const j = w.createImpulseJoint(jd, hand, b, true) as RAPIER.PrismaticImpulseJoint;
    j.setContactsEnabled(false);
    j.configureMotorModel(RAPIER.MotorModel.ForceBased);
    j.configureMotorPosition(0, 1000, 100);
    j.setMotorMaxForce(100);
    pads.push(b); joints.push(j);
  }
  let cube: RAPIER.RigidBody | undefined;
  if (withCube) {
    const q = { w: Math.cos(yaw / 2), x: 0, y: 0, z: Math.sin(yaw / 2) };
    cube = w.createRigidBody(RAPIER.RigidBodyDesc.dynamic().setTranslation(cx, cy, 0.02).setRotation(q));
    w.createCollider(RAPIER.ColliderDesc.cuboid(0.02, 0.02, 0.02).setMass(0.05).setFriction(1.0), cube);
  }
  return { w, hand, pads, joints, cube };
}
// grasp-lift test
function trial(cx: number, cy: number, yaw: number) {
  const s = build(true, cx, cy, yaw);
  const tgt = { x: 0, y: 0.6, z: 0.2 };
  let grip = -1;
  const v = { x: 0, y: 0, z: 0 };
  const plan: Array<[number, number, number, number, number]> = [
    [cx, cy, 0.12, -1, 40], [cx, cy, 0.025, -1, 30], [cx, cy, 0.025, 1, 15], [cx, cy, 0.25, 1, 40], [cx + 0.2, cy + 0.1, 0.25, 1, 40], [cx + 0.2, cy + 0.1, 0.25, 1, 160],
  ];
  for (const [x, y, z, g, n] of plan) {
    for (let k = 0; k < n; k++) {
      const dx = Math.max(-0.01, Math.min(0.01, x - tgt.x)), dy = Math.max(-0.01, Math.min(0.01, y - tgt.y)), dz = Math.max(-0.01, Math.min(0.01, z - tgt.z));
      tgt.x += dx; tgt.y += dy; tgt.z = Math.max(0.025, tgt.z + dz);
      grip = g;
      s.hand.setNextKinematicTranslation(tgt);
      for (const j of s.joints) j.configureMotorPosition(((grip + 1) / 2) * MAXC, 1000, 100);
      s.w.step();
    }
  }
  const c = s.cube!.translation(v);
  const off = { x: c.x - tgt.x, y: c.y - tgt.y, z: c.z - tgt.z };
  const p0 = s.pads[0].translation();
  s.w.free();
  return { off, padx: p0.x - tgt.x };
}
let ok = 0;
for (let i = 0; i < 20; i++) {
  const cx = -0.1 + 0.01 * i, cy = 0.6 + 0.005 * i, yaw = 0;
  const r = trial(cx, cy, yaw);
  const good = Math.hypot(r.off.x, r.off.y, r.off.z) < 0.01;
  if (good) ok++; else console.log('fail', i, r);
  if (i < 3) console.log(r);
}
console.log('grasp ok', ok, '/20');
// timing
for (const withCube of [false, true]) {
  const s = build(withCube);
  const tgt = { x: 0, y: 0.6, z: 0.2 };
  let n = 0; const T = withCube ? 40000 : 40000;
  const t1 = performance.now();
  for (let k = 0; k < T; k++) {
    tgt.x = 0.1 * Math.sin(k * 0.01); tgt.z = 0.1 + 0.05 * Math.cos(k * 0.013);
    s.hand.setNextKinematicTranslation(tgt);
    for (const j of s.joints) j.configureMotorPosition(0.02, 1000, 100);
    s.w.step(); n++;
  }
  const t2 = performance.now();
  console.log(withCube ? 'cube' : 'reach', 'us/step', ((t2 - t1) * 1000) / n);
  s.w.free();
}
const tb = performance.now();
for (let k = 0; k < 200; k++) build(true).w.free();
console.log('build ms', (performance.now() - tb) / 200);
