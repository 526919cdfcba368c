/**
 * Adam with torch.optim.Adam semantics, and global gradient-norm clipping (torch clip_grad_norm_).
 *
 * Per parameter, at step t (1-based):
 *   g ← grad (+ weightDecay·θ, torch's L2 form),  m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
 *   θ ← θ − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + eps)      — eps outside the sqrt, as torch.
 * CleanRL PPO: `new Adam(params, grads, { lr: 2.5e-4, eps: 1e-5 })`, `adam.lr = frac * 2.5e-4` to anneal,
 * and `clipGradNorm(grads, 0.5)` before `step()`.
 *
 * The optimiser binds parameter and gradient tensors once (same names and shapes, in the same order);
 * `step()` reads the gradients as they are then. State (m, v, step) exports as named tensors
 * `exp_avg.<param>`, `exp_avg_sq.<param>` (torch's names) and `step` [1] for checkpoints.
 */
import { assertNamed, formatShape, shapeEquals, tensor, type Tensor } from './tensor.ts';

export interface AdamOptions {
  /** Learning rate. Default 1e-3 (torch). Mutable later through `adam.lr`. */
  lr?: number;
  /** (β1, β2). Default (0.9, 0.999). */
  betas?: readonly [number, number];
  /** Added to the bias-corrected √v. Default 1e-8 (torch); CleanRL PPO uses 1e-5. */
  eps?: number;
  /** L2 penalty added to the gradient (torch Adam, not AdamW). Default 0. */
  weightDecay?: number;
}

export class Adam {
  /** Learning rate used by the next `step()`; set it to anneal. */
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Number of `step()` calls so far (torch's `state['step']`). */
  stepCount = 0;
  private readonly params: readonly Tensor[];
  private readonly grads: readonly Tensor[];
  private readonly expAvg: readonly Tensor[];
  private readonly expAvgSq: readonly Tensor[];

  constructor(params: readonly Tensor[], grads: readonly Tensor[], options: AdamOptions = {}) {
    assertNamed(params, 'Adam params');
    if (grads.length !== params.length) throw new Error(`Adam: got ${params.length} parameters but ${grads.length} gradients`);
    params.forEach((p, i) => {
      const g = grads[i];
      if (!shapeEquals(p.shape, g.shape) || p.data.length !== g.data.length) {
        throw new Error(`Adam: gradient ${i} ("${g.name ?? ''}") has shape ${formatShape(g.shape)} but parameter "${p.name}" has ${formatShape(p.shape)}`);
      }
      if (g.name !== undefined && g.name !== p.name) throw new Error(`Adam: gradient ${i} is named "${g.name}" but parameter ${i} is "${p.name}"`);
    });
    const lr = options.lr ?? 1e-3;
    const [beta1, beta2] = options.betas ?? [0.9, 0.999];
    const eps = options.eps ?? 1e-8;
    const weightDecay = options.weightDecay ?? 0;
    if (!(lr >= 0)) throw new RangeError(`Adam: lr must be >= 0, got ${lr}`);
    if (!(beta1 >= 0 && beta1 < 1)) throw new RangeError(`Adam: betas[0] must be in [0, 1), got ${beta1}`);
    if (!(beta2 >= 0 && beta2 < 1)) throw new RangeError(`Adam: betas[1] must be in [0, 1), got ${beta2}`);
    if (!(eps >= 0)) throw new RangeError(`Adam: eps must be >= 0, got ${eps}`);
    if (!(weightDecay >= 0)) throw new RangeError(`Adam: weightDecay must be >= 0, got ${weightDecay}`);
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.params = [...params];
    this.grads = [...grads];
    this.expAvg = params.map((p) => tensor(p.shape, undefined, `exp_avg.${p.name}`));
    this.expAvgSq = params.map((p) => tensor(p.shape, undefined, `exp_avg_sq.${p.name}`));
  }

  /** One update of every bound parameter from its bound gradient. */
  step(): void {
    if (!(this.lr >= 0)) throw new RangeError(`Adam.step: lr must be >= 0, got ${this.lr}`);
    const t = ++this.stepCount;
    const b1 = this.beta1, b2 = this.beta2, eps = this.eps, wd = this.weightDecay;
    const stepSize = this.lr / (1 - Math.pow(b1, t));
    const bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k].data, g = this.grads[k].data, m = this.expAvg[k].data, v = this.expAvgSq[k].data;
      for (let i = 0; i < p.length; i++) {
        const gi = wd === 0 ? g[i] : g[i] + wd * p[i];
        const mi = (m[i] = b1 * m[i] + (1 - b1) * gi);
        const vi = (v[i] = b2 * v[i] + (1 - b2) * gi * gi);
        p[i] -= (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
      }
    }
  }

  /** Zero the bound gradients (torch `optimizer.zero_grad()`, set_to_none=False). */
  zeroGrad(): void {
    for (let k = 0; k < this.grads.length; k++) this.grads[k].data.fill(0);
  }

  /** Copies of the state: `step` [1], then `exp_avg.<name>` and `exp_avg_sq.<name>` per parameter. */
  stateDict(): Tensor[] {
    const out: Tensor[] = [tensor([1], Float32Array.of(this.stepCount), 'step')];
    for (let k = 0; k < this.params.length; k++) {
      out.push(tensor(this.expAvg[k].shape, new Float32Array(this.expAvg[k].data), this.expAvg[k].name));
      out.push(tensor(this.expAvgSq[k].shape, new Float32Array(this.expAvgSq[k].data), this.expAvgSq[k].name));
    }
    return out;
  }

  /** Restore `stateDict()` output (by name, shapes checked; nothing changes unless all checks pass). */
  loadStateDict(state: ReadonlyMap<string, Tensor> | readonly Tensor[]): void {
    const byName = Array.isArray(state) ? new Map((state as readonly Tensor[]).map((t) => [t.name ?? '', t])) : (state as ReadonlyMap<string, Tensor>);
    const step = byName.get('step');
    if (step === undefined || step.data.length !== 1) throw new Error(`Adam.loadStateDict: missing a one-element "step" tensor`);
    const stepCount = step.data[0];
    if (!Number.isInteger(stepCount) || stepCount < 0) throw new Error(`Adam.loadStateDict: "step" must be a non-negative integer, got ${stepCount}`);
    const wanted = [...this.expAvg, ...this.expAvgSq];
    for (const t of wanted) {
      const s = byName.get(t.name as string);
      if (s === undefined) throw new Error(`Adam.loadStateDict: missing tensor "${t.name}"`);
      if (!shapeEquals(s.shape, t.shape) || s.data.length !== t.data.length) {
        throw new Error(`Adam.loadStateDict: tensor "${t.name}" has shape ${formatShape(s.shape)} in the state but ${formatShape(t.shape)} in the optimiser`);
      }
    }
    const known = new Set(['step', ...wanted.map((t) => t.name as string)]);
    for (const name of byName.keys()) if (!known.has(name)) throw new Error(`Adam.loadStateDict: unexpected tensor "${name}"`);
    for (const t of wanted) t.data.set((byName.get(t.name as string) as Tensor).data);
    this.stepCount = stepCount;
  }
}

/**
 * Scale all gradients together so their global L2 norm is at most `maxNorm` (torch
 * `clip_grad_norm_`: coefficient maxNorm / (norm + 1e-6), applied only when below 1). Returns the norm
 * before clipping (computed in float64), which CleanRL does not log but is worth logging. A non-finite
 * norm leaves the gradients as they are (torch would scale them by NaN): check the returned value.
 */
export function clipGradNorm(grads: readonly Tensor[], maxNorm: number): number {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  let sq = 0;
  for (let k = 0; k < grads.length; k++) {
    const d = grads[k].data;
    for (let i = 0; i < d.length; i++) sq += d[i] * d[i];
  }
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (let k = 0; k < grads.length; k++) {
      const d = grads[k].data;
      for (let i = 0; i < d.length; i++) d[i] *= coef;
    }
  }
  return norm;
}
