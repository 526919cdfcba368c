/** The GRM: learns hop labels, fast inference equals the batch path, the potential is a valid PBRS potential. */
import { describe, expect, it } from 'vitest';
import { demoPairs, Grm, viewFeatures } from '../../../rewards/dopamine/grm.ts';
import { DopaminePotential, dopamineShaping } from '../../../rewards/dopamine/potential.ts';
import { Rng } from '../../../sim/rng.ts';

/** A synthetic demo: views move along a line from a to b (progress t/T), with noise-free features. */
function lineDemo(rng: Rng, T: number, D: number): Float32Array[] {
  const a = Float32Array.from({ length: D }, () => rng.uniform(-0.5, 0.5));
  const b = Float32Array.from({ length: D }, () => rng.uniform(-0.5, 0.5));
  return Array.from({ length: T + 1 }, (_, t) => a.map((x, k) => x + ((b[k] - x) * t) / T));
}

describe('Grm', () => {
  it('fits hop labels of demonstrations and ranks held-out progress', () => {
    const rng = new Rng(3);
    const D = 12;
    const pairs = [];
    for (let d = 0; d < 20; d++) pairs.push(...demoPairs({ views: lineDemo(rng, 20, D), boundaries: [7, 14] }, 3));
    const g = new Grm({ inputDim: D, embed: 16, hidden: 32, rng });
    const first = g.fit(pairs, { epochs: 1, rng, lr: 3e-3 });
    const last = g.fit(pairs, { epochs: 30, rng, lr: 3e-3 });
    expect(last).toBeLessThan(first * 0.5);
    const held = lineDemo(rng, 20, D);
    const pot = new DopaminePotential<object>(g, () => new Float32Array(0), held[0], held[20]);
    const phi = held.map((v) => pot.progressOf(v));
    let increasing = 0;
    for (let t = 1; t < phi.length; t++) if (phi[t] > phi[t - 1]) increasing++;
    expect(increasing).toBeGreaterThanOrEqual(15);
    expect(phi[20]).toBeGreaterThan(phi[0] + 0.3);
  });

  it('the embedding path equals the batch path', () => {
    const rng = new Rng(1);
    const g = new Grm({ inputDim: 6, rng });
    const v = () => Float32Array.from({ length: 6 }, () => rng.uniform(-1, 1));
    const [s, goal, x] = [v(), v(), v()];
    const batch = g.predict([
      { before: s, after: x, start: s, goal },
      { before: goal, after: x, start: s, goal },
    ]);
    const fast = g.hopsFromEmbeddings(
      [
        [g.encode(s), g.encode(x)],
        [g.encode(goal), g.encode(x)],
      ],
      g.encode(s),
      g.encode(goal),
    );
    expect(fast[0]).toBeCloseTo(batch[0], 5);
    expect(fast[1]).toBeCloseTo(batch[1], 5);
    expect(() => g.predict([{ before: s, after: new Float32Array(3), start: s, goal }])).toThrow(/3 features/);
  });

  it('viewFeatures box-averages frames and appends the state view', () => {
    const frame = { width: 4, height: 4, data: new Uint8Array(48).fill(255) };
    frame.data.fill(0, 0, 24); // top half black
    const f = viewFeatures([frame], 2, [7, 8]);
    expect(Array.from(f)).toEqual([-0.5, -0.5, -0.5, -0.5, -0.5, -0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 7, 8]);
  });

  it('Dopamine shaping is potential-based: the shaped return telescopes to γ^TΦ(s_T) − Φ(s_0) (0 at a true terminal)', () => {
    const rng = new Rng(2);
    const g = new Grm({ inputDim: 4, rng });
    const states = Array.from({ length: 6 }, () => ({ v: Float32Array.from({ length: 4 }, () => rng.uniform(-1, 1)) }));
    const pot = new DopaminePotential<{ v: Float32Array }>(g, (s) => s.v, states[0].v, states[5].v);
    const gamma = 0.9;
    const shaping = dopamineShaping(pot, gamma);
    let ret = 0;
    for (let t = 0; t < 5; t++) ret += gamma ** t * shaping.compute(states[t], null, states[t + 1], {}, { terminated: false, truncated: t === 4 });
    expect(ret).toBeCloseTo(gamma ** 5 * pot.phi(states[5]) - pot.phi(states[0]), 5);
    const term = shaping.compute(states[3], null, states[4], {}, { terminated: true, truncated: false });
    expect(term).toBeCloseTo(-pot.phi(states[3]), 6);
    // Φ is cached per state object: 6 states, 6 evaluations.
    expect(pot.evaluations).toBe(6);
  });
});
