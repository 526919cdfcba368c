/**
 * gpu backend kernels of the classic-control family: each env's step, observation and reset as
 * KernelEnvSpec snippets (the conventions are documented in sim/gpu/spec.ts), with the JS core of the
 * same env as the reference.
 */
import type { BatchedCore } from '../../sim/batched.ts';
import { AcrobotCore, parseAcrobotParams } from './acrobot.ts';
import { CartPoleCore, parseCartPoleParams } from './cartpole.ts';
import { MountainCarCore, parseMountainCarParams } from './mountain_car.ts';
import { MountainCarContinuousCore, parseMountainCarContinuousParams } from './mountain_car_continuous.ts';
import { PendulumCore, parsePendulumParams } from './pendulum.ts';
import { envKwargs } from './params.ts';
import { flt } from '../../sim/gpu/literal.ts';
import type { KernelEnvSpec } from '../../sim/gpu/spec.ts';

export type { KernelEnvSpec };

/**
 * `read`/`write` for a JS core whose per-env state is the named typed-array fields, in state-row order;
 * `reset` clears whatever bookkeeping the core keeps beside them when a row is written in.
 */
function fieldRows(fields: readonly string[], reset?: (core: BatchedCore, i: number) => void): Pick<KernelEnvSpec, 'read' | 'write'> {
  const f = (core: BatchedCore, k: number): Float64Array => (core as unknown as Record<string, Float64Array>)[fields[k]];
  return {
    read(core, i, out, off) {
      for (let k = 0; k < fields.length; k++) out[off + k] = f(core, k)[i];
    },
    write(core, i, src, off) {
      for (let k = 0; k < fields.length; k++) f(core, k)[i] = src[off + k];
      reset?.(core, i);
    },
  };
}

// ---------------------------------------------------------------- CartPole-v1
export const cartPoleSpec: KernelEnvSpec = {
  id: 'classic/CartPole-v1',
  stateDim: 4,
  obsDim: 4,
  actDim: 1,
  nActions: 2,
  resetDraws: 4,
  snippets(kwargs) {
    const p = parseCartPoleParams(envKwargs(kwargs));
    const totalMass = p.massPole + p.massCart;
    const pml = p.massPole * p.length;
    const tau = flt(p.tau, 'tau');
    const integrate = p.kinematicsIntegrator === 'euler'
      ? `n0 = s0 + ${tau} * s1; n1 = s1 + ${tau} * xAcc; n2 = s2 + ${tau} * s3; n3 = s3 + ${tau} * thAcc;`
      : `n1 = s1 + ${tau} * xAcc; n0 = s0 + ${tau} * n1; n3 = s3 + ${tau} * thAcc; n2 = s2 + ${tau} * n3;`;
    const step = `
      let force = ${flt(-p.forceMag)};
      if (a0 > 0.5) { force = ${flt(p.forceMag)}; }
      const ct = Math.cos(s2);
      const st = Math.sin(s2);
      const temp = (force + ${flt(pml)} * (s3 * s3) * st) / ${flt(totalMass)};
      const thAcc = (${flt(p.gravity)} * st - ct * temp) / (${flt(p.length)} * (${flt(4 / 3)} - (${flt(p.massPole)} * (ct * ct)) / ${flt(totalMass)}));
      const xAcc = temp - (${flt(pml)} * thAcc * ct) / ${flt(totalMass)};
      ${integrate}
      rew = 1.0;
      if (n0 < ${flt(-p.xThreshold)} || n0 > ${flt(p.xThreshold)} || n2 < ${flt(-p.thetaThresholdRadians)} || n2 > ${flt(p.thetaThresholdRadians)}) { term = 1.0; }`;
    const obs = 'o0 = q0; o1 = q1; o2 = q2; o3 = q3;';
    const reset = 'r0 = -0.05 + 0.1 * U(0); r1 = -0.05 + 0.1 * U(1); r2 = -0.05 + 0.1 * U(2); r3 = -0.05 + 0.1 * U(3);';
    return { step, obs, reset };
  },
  makeJsCore: (n, kwargs) => new CartPoleCore(n, parseCartPoleParams(envKwargs(kwargs))),
  ...fieldRows(['x', 'xDot', 'theta', 'thetaDot'], (core, i) => {
    (core as CartPoleCore).terminatedBefore[i] = 0;
  }),
  stateFromObs(obs, off, out, soff) {
    for (let k = 0; k < 4; k++) out[soff + k] = obs[off + k];
  },
  randomState(u, out, off) {
    out[off] = -2.6 + 5.2 * u();
    out[off + 1] = -3 + 6 * u();
    out[off + 2] = -0.25 + 0.5 * u();
    out[off + 3] = -3 + 6 * u();
  },
};

// ---------------------------------------------------------------- Pendulum-v1
/** State: θ (unnormalised, as the JS core keeps it), θdot. */
export const pendulumSpec: KernelEnvSpec = {
  id: 'classic/Pendulum-v1',
  stateDim: 2,
  obsDim: 3,
  actDim: 1,
  nActions: 0,
  resetDraws: 2,
  snippets(kwargs) {
    const p = parsePendulumParams(envKwargs(kwargs));
    const PI = flt(Math.PI);
    const TWO_PI = flt(2 * Math.PI);
    const maxT = flt(p.maxTorque, 'maxTorque');
    const maxS = flt(p.maxSpeed, 'maxSpeed');
    const dt = flt(p.dt, 'dt');
    const step = `
      let pdU = a0;
      if (pdU > ${maxT}) { pdU = ${maxT}; }
      if (pdU < ${flt(-p.maxTorque)}) { pdU = ${flt(-p.maxTorque)}; }
      let pdThn = s0 + ${PI};
      if (pdThn < 0.0 || pdThn >= ${TWO_PI}) { pdThn = pdThn - ${TWO_PI} * Math.floor(pdThn / ${TWO_PI}); }
      pdThn = pdThn - ${PI};
      rew = -(pdThn * pdThn + 0.1 * (s1 * s1) + 0.001 * (pdU * pdU));
      let pdThd = s1 + (${flt((3 * p.g) / (2 * p.l))} * Math.sin(s0) + ${flt(3.0 / (p.m * (p.l * p.l)))} * pdU) * ${dt};
      if (pdThd > ${maxS}) { pdThd = ${maxS}; }
      if (pdThd < ${flt(-p.maxSpeed)}) { pdThd = ${flt(-p.maxSpeed)}; }
      n1 = pdThd;
      n0 = s0 + pdThd * ${dt};
      term = 0.0;`;
    const obs = 'o0 = Math.cos(q0); o1 = Math.sin(q0); o2 = q1;';
    // rng.uniform(-π, π), rng.uniform(-1, 1) (the default xInit, yInit)
    const reset = `r0 = ${flt(-Math.PI)} + ${TWO_PI} * U(0); r1 = -1.0 + 2.0 * U(1);`;
    return { step, obs, reset };
  },
  makeJsCore: (n, kwargs) => new PendulumCore(n, parsePendulumParams(envKwargs(kwargs))),
  ...fieldRows(['theta', 'thetaDot'], (core, i) => {
    (core as PendulumCore).lastU[i] = Number.NaN;
  }),
  stateFromObs(obs, off, out, soff) {
    out[soff] = Math.atan2(obs[off + 1], obs[off]);
    out[soff + 1] = obs[off + 2];
  },
  randomState(u, out, off) {
    out[off] = -Math.PI + 2 * Math.PI * u();
    out[off + 1] = -8 + 16 * u();
  },
};

// ---------------------------------------------------------------- MountainCar-v0 and MountainCarContinuous-v0
interface MountainCarLimits {
  readonly maxSpeed: number;
  readonly minPosition: number;
  readonly maxPosition: number;
  readonly goalPosition: number;
  readonly goalVelocity: number;
}

/**
 * What both cars share after the velocity update `mcV` (in their JS cores' order): clip the velocity,
 * move, clip the position, stop at the left wall, and set `n0`, `n1` and `mcDone` (the goal test).
 */
function mountainCarTail(p: MountainCarLimits): string {
  const maxS = flt(p.maxSpeed, 'maxSpeed');
  const minP = flt(p.minPosition, 'minPosition');
  const maxP = flt(p.maxPosition, 'maxPosition');
  return `
      if (mcV > ${maxS}) { mcV = ${maxS}; }
      if (mcV < ${flt(-p.maxSpeed)}) { mcV = ${flt(-p.maxSpeed)}; }
      let mcX = s0 + mcV;
      if (mcX > ${maxP}) { mcX = ${maxP}; }
      if (mcX < ${minP}) { mcX = ${minP}; }
      if (mcX == ${minP} && mcV < 0.0) { mcV = 0.0; }
      n0 = mcX;
      n1 = mcV;
      let mcDone = 0.0;
      if (mcX >= ${flt(p.goalPosition, 'goalPosition')} && mcV >= ${flt(p.goalVelocity, 'goalVelocity')}) { mcDone = 1.0; }`;
}

/** State rows of both cars' JS cores (position, velocity), their reset and the visited range. */
const mountainCarRows: Pick<KernelEnvSpec, 'stateDim' | 'obsDim' | 'actDim' | 'resetDraws' | 'read' | 'write' | 'stateFromObs' | 'randomState'> = {
  stateDim: 2,
  obsDim: 2,
  actDim: 1,
  resetDraws: 1,
  ...fieldRows(['position', 'velocity']),
  stateFromObs(obs, off, out, soff) {
    for (let k = 0; k < 2; k++) out[soff + k] = obs[off + k];
  },
  randomState(u, out, off) {
    out[off] = -1.2 + 1.8 * u();
    out[off + 1] = -0.07 + 0.14 * u();
  },
};
const MC_OBS = 'o0 = q0; o1 = q1;';
// position ~ rng.uniform(−0.6, −0.4); velocity = 0 (no draw)
const MC_RESET = 'r0 = -0.6 + 0.2 * U(0); r1 = 0.0;';

export const mountainCarSpec: KernelEnvSpec = {
  ...mountainCarRows,
  id: 'classic/MountainCar-v0',
  nActions: 3,
  snippets(kwargs) {
    const p = parseMountainCarParams(envKwargs(kwargs));
    // (action | 0) − 1 for the actions 0, 1, 2
    const step = `
      let mcPush = 0.0;
      if (a0 < 0.5) { mcPush = -1.0; }
      if (a0 > 1.5) { mcPush = 1.0; }
      let mcV = s1 + mcPush * ${flt(p.force, 'force')} + Math.cos(3.0 * s0) * ${flt(-p.gravity, 'gravity')};${mountainCarTail(p)}
      term = mcDone;
      rew = -1.0;`;
    return { step, obs: MC_OBS, reset: MC_RESET };
  },
  makeJsCore: (n, kwargs) => new MountainCarCore(n, parseMountainCarParams(envKwargs(kwargs))),
};

export const mountainCarContinuousSpec: KernelEnvSpec = {
  ...mountainCarRows,
  id: 'classic/MountainCarContinuous-v0',
  nActions: 0,
  snippets(kwargs) {
    const p = parseMountainCarContinuousParams(envKwargs(kwargs));
    // force = clip(a); the reward squares the raw action a (Gymnasium)
    const step = `
      const mccF = Math.min(Math.max(a0, ${flt(p.minAction, 'minAction')}), ${flt(p.maxAction, 'maxAction')});
      let mcV = s1 + (mccF * ${flt(p.power, 'power')} - ${flt(p.gravity, 'gravity')} * Math.cos(3.0 * s0));${mountainCarTail(p)}
      term = mcDone;
      rew = mcDone * 100.0 - a0 * a0 * 0.1;`;
    return { step, obs: MC_OBS, reset: MC_RESET };
  },
  makeJsCore: (n, kwargs) => new MountainCarContinuousCore(n, parseMountainCarContinuousParams(envKwargs(kwargs))),
};

// ---------------------------------------------------------------- Acrobot-v1
/** State: θ1, θ2, θ1dot, θ2dot. One RK4 step, the four `_dsdt` evaluations unrolled. */
export const acrobotSpec: KernelEnvSpec = {
  id: 'classic/Acrobot-v1',
  stateDim: 4,
  obsDim: 6,
  actDim: 1,
  nActions: 3,
  resetDraws: 4,
  snippets(kwargs) {
    const p = parseAcrobotParams(envKwargs(kwargs));
    if (p.torqueNoiseMax > 0) {
      throw new Error(`classic/Acrobot-v1: torqueNoiseMax = ${p.torqueNoiseMax} is not supported on the gpu backend (torque noise draws from the env's generator); use --backend js or torqueNoiseMax 0`);
    }
    const m1 = p.linkMass1;
    const m2 = p.linkMass2;
    const l1 = p.linkLength1;
    const lc1 = p.linkComPos1;
    const lc2 = p.linkComPos2;
    const g = p.gravity;
    const I = p.linkMoi;
    const nips = p.bookOrNips === 'nips';
    const HALF_PI = flt(Math.PI / 2);
    // Constant sub-products, as in the JS core's acrobotConstants.
    const m1lc1sq = flt(m1 * (lc1 * lc1));
    const M2 = flt(m2);
    const l1sqPlusLc2sq = flt(l1 * l1 + lc2 * lc2);
    const twoL1Lc2 = flt(2 * l1 * lc2);
    const lc2sq = flt(lc2 * lc2);
    const l1lc2 = flt(l1 * lc2);
    const m2lc2g = flt(m2 * lc2 * g);
    const negM2l1lc2 = flt(-m2 * l1 * lc2);
    const twoM2l1lc2 = flt(2 * m2 * l1 * lc2);
    const gravityArm = flt((m1 * lc1 + m2 * l1) * g);
    const m2l1lc2 = flt(m2 * l1 * lc2);
    const m2lc2sqPlusI2 = flt(m2 * (lc2 * lc2) + I);
    const I1 = flt(I, 'linkMoi');
    const I2 = I1;
    const dt = flt(p.dt, 'dt');
    const dt2 = flt(p.dt / 2.0);
    const dt6 = flt(p.dt / 6.0);
    /** `_dsdt` at (t1, t2, d1, d2) with torque acT into ${k}0 … ${k}3. */
    const dsdt = (k: string, t1: string, t2: string, d1: string, d2: string): string => {
      const num = nips
        ? `acT + (${k}D2 / ${k}D1) * ${k}P1 - ${k}P2`
        : `acT + (${k}D2 / ${k}D1) * ${k}P1 - ${m2l1lc2} * (${d1} * ${d1}) * ${k}S2 - ${k}P2`;
      return `
      const ${k}C2 = Math.cos(${t2});
      const ${k}S2 = Math.sin(${t2});
      const ${k}D1 = ${m1lc1sq} + ${M2} * (${l1sqPlusLc2sq} + ${twoL1Lc2} * ${k}C2) + ${I1} + ${I2};
      const ${k}D2 = ${M2} * (${lc2sq} + ${l1lc2} * ${k}C2) + ${I2};
      const ${k}P2 = ${m2lc2g} * Math.cos(${t1} + ${t2} - ${HALF_PI});
      const ${k}P1 = ${negM2l1lc2} * (${d2} * ${d2}) * ${k}S2 - ${twoM2l1lc2} * ${d2} * ${d1} * ${k}S2 + ${gravityArm} * Math.cos(${t1} - ${HALF_PI}) + ${k}P2;
      const ${k}3 = (${num}) / (${m2lc2sqPlusI2} - (${k}D2 * ${k}D2) / ${k}D1);
      const ${k}0 = ${d1};
      const ${k}1 = ${d2};
      const ${k}2 = -(${k}D2 * ${k}3 + ${k}P1) / ${k}D1;`;
    };
    const stage = (k: string, prev: string, h: string): string =>
      dsdt(k, `(s0 + ${h} * ${prev}0)`, `(s1 + ${h} * ${prev}1)`, `(s2 + ${h} * ${prev}2)`, `(s3 + ${h} * ${prev}3)`);
    const PI = flt(Math.PI);
    const TWO_PI = flt(2 * Math.PI);
    /** Gymnasium's wrap(x, −π, π): subtract (add) 2π the fewest times that bring x into [−π, π]. */
    const wrap = (x: string): string => `
      if (${x} > ${PI}) { ${x} = ${x} + ${TWO_PI} * Math.floor((${PI} - ${x}) / ${TWO_PI}); }
      if (${x} < ${flt(-Math.PI)}) { ${x} = ${x} - ${TWO_PI} * Math.floor((${x} + ${PI}) / ${TWO_PI}); }`;
    // AVAIL_TORQUE = [-1, 0, +1]
    const step = `
      let acT = 0.0;
      if (a0 < 0.5) { acT = -1.0; }
      if (a0 > 1.5) { acT = 1.0; }
      ${dsdt('acA', 's0', 's1', 's2', 's3')}
      ${stage('acB', 'acA', dt2)}
      ${stage('acC', 'acB', dt2)}
      ${stage('acD', 'acC', dt)}
      let acT1 = s0 + ${dt6} * (acA0 + 2.0 * acB0 + 2.0 * acC0 + acD0);
      let acT2 = s1 + ${dt6} * (acA1 + 2.0 * acB1 + 2.0 * acC1 + acD1);
      const acV1 = s2 + ${dt6} * (acA2 + 2.0 * acB2 + 2.0 * acC2 + acD2);
      const acV2 = s3 + ${dt6} * (acA3 + 2.0 * acB3 + 2.0 * acC3 + acD3);
      ${wrap('acT1')}
      ${wrap('acT2')}
      n0 = acT1;
      n1 = acT2;
      n2 = Math.min(Math.max(acV1, ${flt(-p.maxVel1)}), ${flt(p.maxVel1, 'maxVel1')});
      n3 = Math.min(Math.max(acV2, ${flt(-p.maxVel2)}), ${flt(p.maxVel2, 'maxVel2')});
      rew = -1.0;
      if (-Math.cos(acT1) - Math.cos(acT2 + acT1) > 1.0) { term = 1.0; rew = 0.0; }`;
    const obs = 'o0 = Math.cos(q0); o1 = Math.sin(q0); o2 = Math.cos(q1); o3 = Math.sin(q1); o4 = q2; o5 = q3;';
    const reset = 'r0 = -0.1 + 0.2 * U(0); r1 = -0.1 + 0.2 * U(1); r2 = -0.1 + 0.2 * U(2); r3 = -0.1 + 0.2 * U(3);';
    return { step, obs, reset };
  },
  makeJsCore: (n, kwargs) => new AcrobotCore(n, parseAcrobotParams(envKwargs(kwargs))),
  // The JS core's per-env generator is only used for torque noise, which the gpu backend refuses.
  ...fieldRows(['theta1', 'theta2', 'theta1Dot', 'theta2Dot']),
  /**
   * Angles over [−π, π), velocities over half the default limits (±2π, ±4.5π; a random policy stays
   * within ±1.7π, ±2.7π). Near the limits one RK4 step is ill-conditioned (∂θ2dot'/∂θ2 reaches ~400),
   * so float32 rounding alone moves θ2dot' by up to ~1e-3 there: no float32 kernel meets the 1e-5
   * one-step check on such states, while over half the limits float32 stays below 1e-5.
   */
  stateFromObs(obs, off, out, soff) {
    out[soff] = Math.atan2(obs[off + 1], obs[off]);
    out[soff + 1] = Math.atan2(obs[off + 3], obs[off + 2]);
    out[soff + 2] = obs[off + 4];
    out[soff + 3] = obs[off + 5];
  },
  randomState(u, out, off) {
    out[off] = -Math.PI + 2 * Math.PI * u();
    out[off + 1] = -Math.PI + 2 * Math.PI * u();
    out[off + 2] = -2 * Math.PI + 4 * Math.PI * u();
    out[off + 3] = -4.5 * Math.PI + 9 * Math.PI * u();
  },
};

/** Specs by registry id. */
export const KERNEL_SPECS: ReadonlyMap<string, KernelEnvSpec> = new Map(
  [cartPoleSpec, pendulumSpec, mountainCarSpec, mountainCarContinuousSpec, acrobotSpec].map((s) => [s.id, s]),
);

export function kernelSpecFor(id: string): KernelEnvSpec {
  const spec = KERNEL_SPECS.get(id);
  if (!spec) throw new Error(`the gpu backend has kernels for ${[...KERNEL_SPECS.keys()].join(', ')}; '${id}' has none (use --backend js)`);
  return spec;
}
