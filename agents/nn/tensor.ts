/**
 * Tensors and named parameter lists for the hand-written network engine.
 *
 * A `Tensor` is a shape plus a row-major `Float32Array` (last index fastest), optionally named.
 * Parameters, gradients and optimiser state travel as ordered lists of *named* tensors
 * (`readonly Tensor[]`, names unique), the TypeScript analogue of a torch `state_dict`: names are
 * what checkpoints (safetensors) store, and what `loadParams` matches on — never list position.
 */

export interface Tensor {
  /** Dotted name as in a torch state_dict (`0.weight`, `actor.2.bias`); required in parameter lists. */
  name?: string;
  /** Dimensions, outermost first. `[]` is a scalar (one element). */
  shape: number[];
  /** Row-major elements; `data.length === numel(shape)`. */
  data: Float32Array;
}

/** Number of elements of a shape (1 for the scalar shape `[]`). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `[64, 4]`, for error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function shapeEquals(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkShape(shape: readonly number[], where: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`${where}: dimensions must be non-negative integers, got ${formatShape(shape)}`);
  }
}

/** A tensor of the given shape over `data` (shared, not copied) or over fresh zeros. */
export function tensor(shape: readonly number[], data?: Float32Array, name?: string): Tensor {
  checkShape(shape, `tensor${name === undefined ? '' : ` "${name}"`}`);
  const n = numel(shape);
  if (data !== undefined && data.length !== n) {
    throw new RangeError(`tensor${name === undefined ? '' : ` "${name}"`}: shape ${formatShape(shape)} needs ${n} elements, data has ${data.length}`);
  }
  const t: Tensor = { shape: [...shape], data: data ?? new Float32Array(n) };
  if (name !== undefined) t.name = name;
  return t;
}

export function zeros(shape: readonly number[], name?: string): Tensor {
  return tensor(shape, undefined, name);
}

/** Deep copy (new data), keeping or replacing the name. */
export function cloneTensor(t: Tensor, name: string | undefined = t.name): Tensor {
  return tensor(t.shape, new Float32Array(t.data), name);
}

/** The tensor's name, or an error saying which list entry lacks one. */
export function tensorName(t: Tensor, index: number, where: string): string {
  if (t.name === undefined || t.name === '') throw new Error(`${where}: tensor at index ${index} (shape ${formatShape(t.shape)}) has no name`);
  return t.name;
}

/** Throws unless every tensor is named and names are unique. */
export function assertNamed(tensors: readonly Tensor[], where: string): void {
  const seen = new Set<string>();
  tensors.forEach((t, i) => {
    const name = tensorName(t, i, where);
    if (seen.has(name)) throw new Error(`${where}: duplicate tensor name "${name}"`);
    seen.add(name);
  });
}

/**
 * Views of `tensors` renamed `prefix + name` and sharing their data (writes go through), e.g.
 * `[...withPrefix('actor.', actor.params()), ...withPrefix('critic.', critic.params())]` for one optimiser
 * over two networks, with CleanRL's state_dict names.
 */
export function withPrefix(prefix: string, tensors: readonly Tensor[]): Tensor[] {
  return tensors.map((t, i) => ({ name: prefix + tensorName(t, i, 'withPrefix'), shape: t.shape, data: t.data }));
}

/** Total number of elements. */
export function paramCount(tensors: readonly Tensor[]): number {
  let n = 0;
  for (const t of tensors) n += t.data.length;
  return n;
}

/** Set every element of every tensor to 0 (gradients before a backward pass). */
export function zeroTensors(tensors: readonly Tensor[]): void {
  for (let k = 0; k < tensors.length; k++) tensors[k].data.fill(0);
}

/** Concatenate the tensors' data in list order into `out` (allocated when omitted). */
export function flattenParams(tensors: readonly Tensor[], out?: Float32Array): Float32Array {
  const n = paramCount(tensors);
  const flat = out ?? new Float32Array(n);
  if (flat.length !== n) throw new RangeError(`flattenParams: out has ${flat.length} elements, the tensors hold ${n}`);
  let o = 0;
  for (const t of tensors) {
    flat.set(t.data, o);
    o += t.data.length;
  }
  return flat;
}

/** Inverse of `flattenParams`: copy consecutive slices of `flat` into the tensors, in list order. */
export function unflattenParams(flat: Float32Array, target: readonly Tensor[]): void {
  const n = paramCount(target);
  if (flat.length !== n) throw new RangeError(`unflattenParams: flat vector has ${flat.length} elements, the target tensors hold ${n}`);
  let o = 0;
  for (const t of target) {
    t.data.set(flat.subarray(o, o + t.data.length));
    o += t.data.length;
  }
}

/** Copies of the tensors keyed by name (a torch `state_dict()`), for checkpoints. */
export function stateDict(tensors: readonly Tensor[]): Map<string, Tensor> {
  assertNamed(tensors, 'stateDict');
  const out = new Map<string, Tensor>();
  for (const t of tensors) out.set(t.name as string, cloneTensor(t));
  return out;
}

export interface LoadParamsOptions {
  /** Fail on source tensors that the target does not have (torch `strict`). Default true. */
  strict?: boolean;
  /** Error-message prefix naming the caller. */
  where?: string;
}

/**
 * Copy `source` into `target` by name (torch `load_state_dict`). Every target tensor must be present in
 * the source with the same shape; with `strict` (default) the source may hold no extra names.
 * Nothing is written unless every check passes. Errors name the tensor and both shapes.
 */
export function loadParams(
  target: readonly Tensor[],
  source: ReadonlyMap<string, Tensor> | readonly Tensor[],
  options: LoadParamsOptions = {},
): void {
  const where = options.where ?? 'loadParams';
  const strict = options.strict ?? true;
  assertNamed(target, `${where} (target)`);
  let byName: ReadonlyMap<string, Tensor>;
  if (Array.isArray(source)) {
    const list = source as readonly Tensor[];
    assertNamed(list, `${where} (source)`);
    byName = new Map(list.map((t) => [t.name as string, t]));
  } else {
    byName = source as ReadonlyMap<string, Tensor>;
  }
  const missing: string[] = [];
  for (const t of target) {
    const s = byName.get(t.name as string);
    if (s === undefined) {
      missing.push(t.name as string);
      continue;
    }
    if (!shapeEquals(s.shape, t.shape) || s.data.length !== t.data.length) {
      throw new Error(`${where}: tensor "${t.name}" has shape ${formatShape(s.shape)} in the source but ${formatShape(t.shape)} in the target`);
    }
  }
  if (missing.length > 0) {
    throw new Error(`${where}: source lacks tensor(s) ${missing.map((n) => `"${n}"`).join(', ')} (source has ${[...byName.keys()].map((n) => `"${n}"`).join(', ') || 'none'})`);
  }
  if (strict) {
    const wanted = new Set(target.map((t) => t.name as string));
    const extra = [...byName.keys()].filter((n) => !wanted.has(n));
    if (extra.length > 0) throw new Error(`${where}: unexpected tensor(s) ${extra.map((n) => `"${n}"`).join(', ')} in the source (pass strict: false to ignore them)`);
  }
  for (const t of target) t.data.set((byName.get(t.name as string) as Tensor).data);
}
