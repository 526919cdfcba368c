/**
 * Robo-Dopamine's progress labels and progress reconstruction (REFERENCE.md "Robo-Dopamine"):
 *
 * - Step-wise reward discretization: a demonstration split into N subtasks (boundaries given), each
 *   sampled with the same number K of states, gives M = N·K labelled states with progress Φ(s_i) = i/M,
 *   i = 0..M (the demo's first state is 0, its last 1).
 * - Hop between a BEFORE state of progress p and an AFTER state q (both as indices of 0..M):
 *   (q − p)/(M − p) if q > p (the fraction of the remaining way covered), (q − p)/p if q < p (the fraction
 *   of the way so far lost), 0 if equal; always in [−1, 1].
 * - Progress from hops, three ways, each in [0, 1]:
 *   incremental        Φ_t = Φ_{t−1} + (1 − Φ_{t−1})·h  (h ≥ 0),  Φ_{t−1} + Φ_{t−1}·h  (h < 0)
 *   forward-anchored   Φ = h(START → s)          (clipped at 0: a state behind the start is 0)
 *   backward-anchored  Φ = 1 + h(GOAL → s)       (h ≤ 0 when s is behind the goal)
 * - Fusion (ours, documented): the mean of the forward- and backward-anchored estimates. Both are functions
 *   of the state (given the episode's fixed START and GOAL references), so the fused Φ is a valid
 *   potential for PBRS; the incremental estimate depends on the path taken and is reported, not fused.
 */

/** Indices into a demo of length `length` (states 0..length−1) chosen by step-wise discretization. */
export function discretizeDemo(length: number, boundaries: readonly number[], perSubtask: number): number[] {
  if (!Number.isInteger(length) || length < 2) throw new RangeError(`discretizeDemo: length must be an integer ≥ 2, got ${length}`);
  if (!Number.isInteger(perSubtask) || perSubtask < 1) throw new RangeError(`discretizeDemo: perSubtask must be a positive integer, got ${perSubtask}`);
  const cuts = [0, ...boundaries, length - 1];
  for (let i = 1; i < cuts.length; i++) {
    if (!Number.isInteger(cuts[i]) || cuts[i] <= cuts[i - 1]) throw new RangeError(`discretizeDemo: boundaries must be increasing integers inside (0, ${length - 1}), got [${boundaries.join(', ')}]`);
  }
  const out = [0];
  for (let k = 1; k < cuts.length; k++) {
    const a = cuts[k - 1];
    const b = cuts[k];
    // K states per subtask, evenly spaced over (a, b], the subtask's end included.
    for (let j = 1; j <= perSubtask; j++) out.push(Math.round(a + ((b - a) * j) / perSubtask));
  }
  return out;
}

/** The hop label between progress indices p and q of 0..M. */
export function hopLabel(p: number, q: number, M: number): number {
  if (!(M > 0) || p < 0 || q < 0 || p > M || q > M) throw new RangeError(`hopLabel: need 0 ≤ p, q ≤ M and M > 0, got p=${p}, q=${q}, M=${M}`);
  if (q > p) return (q - p) / (M - p);
  if (q < p) return (q - p) / p;
  return 0;
}

/** The same hop from progress values in [0, 1] (p, q as fractions). */
export function hopFromProgress(p: number, q: number): number {
  if (q > p) return p >= 1 ? 0 : (q - p) / (1 - p);
  if (q < p) return p <= 0 ? 0 : (q - p) / p;
  return 0;
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);
const clampHop = (h: number): number => (h < -1 ? -1 : h > 1 ? 1 : h);

/** One incremental update. */
export function incrementalStep(prev: number, hop: number): number {
  const h = clampHop(hop);
  return clamp01(h >= 0 ? prev + (1 - prev) * h : prev + prev * h);
}

/** Progress along a sequence of hops from Φ_0 (default 0): Φ_1..Φ_T. */
export function incrementalProgress(hops: readonly number[], phi0 = 0): number[] {
  const out: number[] = [];
  let phi = phi0;
  for (const h of hops) out.push((phi = incrementalStep(phi, h)));
  return out;
}

export function forwardAnchored(hopFromStart: number): number {
  return clamp01(clampHop(hopFromStart));
}

export function backwardAnchored(hopFromGoal: number): number {
  return clamp01(1 + clampHop(hopFromGoal));
}

/** The fused potential: mean of the forward- and backward-anchored estimates. */
export function fuseProgress(hopFromStart: number, hopFromGoal: number): number {
  return 0.5 * (forwardAnchored(hopFromStart) + backwardAnchored(hopFromGoal));
}
