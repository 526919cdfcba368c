/**
 * Distances between reward functions that ignore potential shaping and positive scaling.
 *
 * EPIC (Gleave et al., ICLR 2021): canonicalise
 *   C(R)(s, a, s') = R(s, a, s') + E[γ R(s', A, S') − R(s, A, S') − γ R(S, A, S')]
 * with S, S' ~ D_S and A ~ D_A independent (estimated here from samples), then
 *   D_EPIC(R1, R2) = √((1 − ρ(C(R1), C(R2))) / 2)
 * with ρ the Pearson correlation over coverage transitions. D(R, λR + shaping) = 0 for λ > 0, D(R, −R) = 1.
 *
 * STARC-style (Skalse et al., ICLR 2024): the same canonicalisation, each canonical reward normalised to
 * unit L2 norm over the coverage set, distance = ½‖s(R1) − s(R2)‖₂ ∈ [0, 1].
 */
export type RewardOf<S, A> = (s: S, a: A, s2: S) => number;

export interface CoverageSample<S, A> {
  /** Transitions on which the rewards are compared. */
  readonly transitions: readonly { readonly s: S; readonly a: A; readonly s2: S }[];
  /** Samples of D_S (states) and D_A (actions) for the canonicalisation's expectations. */
  readonly states: readonly S[];
  readonly actions: readonly A[];
}

/** Canonicalised values of R on every coverage transition. */
export function canonicalize<S, A>(R: RewardOf<S, A>, cov: CoverageSample<S, A>, gamma: number): Float64Array {
  const { states, actions, transitions } = cov;
  if (states.length === 0 || actions.length === 0) throw new Error('canonicalize: the coverage sample needs states and actions for the expectations');
  // (S, A, S') triples in which S and S' each run over the state sample the same number of times, so
  // both expectations are over the same D_S (what makes the shaping terms cancel exactly).
  const n = states.length;
  const rounds = Math.ceil(actions.length / n);
  const shift = Math.floor(n / 2) + 1;
  const pairs: { A: A; S: S; S2: S }[] = [];
  for (let k = 0; k < n * rounds; k++) pairs.push({ S: states[k % n], A: actions[k % actions.length], S2: states[(k + shift) % n] });
  // E[R(S, A, S')] is one constant for all transitions.
  let meanSAS = 0;
  for (const p of pairs) meanSAS += R(p.S, p.A, p.S2);
  meanSAS /= pairs.length;
  const expectFrom = (x: S): number => {
    let t = 0;
    for (const p of pairs) t += R(x, p.A, p.S2);
    return t / pairs.length;
  };
  const cache = new Map<S, number>();
  const ex = (x: S) => {
    let v = cache.get(x);
    if (v === undefined) {
      v = expectFrom(x);
      cache.set(x, v);
    }
    return v;
  };
  const out = new Float64Array(transitions.length);
  transitions.forEach((t, i) => {
    out[i] = R(t.s, t.a, t.s2) + gamma * ex(t.s2) - ex(t.s) - gamma * meanSAS;
  });
  return out;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length || n < 2) throw new Error(`pearson: need two arrays of the same length ≥ 2, got ${n} and ${y.length}`);
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return sxx === syy ? 1 : 0; // a constant reward carries no preference
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

export function epicDistance<S, A>(R1: RewardOf<S, A>, R2: RewardOf<S, A>, cov: CoverageSample<S, A>, gamma: number): number {
  const rho = pearson(canonicalize(R1, cov, gamma), canonicalize(R2, cov, gamma));
  return Math.sqrt(Math.max(0, (1 - rho) / 2));
}

export function starcDistance<S, A>(R1: RewardOf<S, A>, R2: RewardOf<S, A>, cov: CoverageSample<S, A>, gamma: number): number {
  const norm = (v: Float64Array) => {
    let s = 0;
    for (const x of v) s += x * x;
    const n = Math.sqrt(s);
    return n === 0 ? v : v.map((x) => x / n);
  };
  const a = norm(canonicalize(R1, cov, gamma));
  const b = norm(canonicalize(R2, cov, gamma));
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s) / 2;
}
