/**
 * Matrix products behind every layer, swappable at run time (a gpu.js backend plugs in here later).
 *
 * All matrices are row-major `Float32Array`s; sizes are passed explicitly so callers can reuse buffers
 * larger than one product needs. Each call writes `out` (`accumulate = false`, the default) or adds into
 * it (`accumulate = true`, for gradients summed over several terms). `out` must not alias `a` or `b`.
 *
 * | call                       | computes        | a        | b        | out      |
 * |----------------------------|-----------------|----------|----------|----------|
 * | `matmul(a,b,out,m,k,n)`      | out = a · b     | [m × k]  | [k × n]  | [m × n]  |
 * | `matmulTransA(a,b,out,m,k,n)`| out = aᵀ · b    | [k × m]  | [k × n]  | [m × n]  |
 * | `matmulTransB(a,b,out,m,k,n)`| out = a · bᵀ    | [m × k]  | [n × k]  | [m × n]  |
 *
 * In a `Linear` layer (torch layout, W [out × in]): forward y = x·Wᵀ is `matmulTransB`, the weight
 * gradient dW = dYᵀ·x is `matmulTransA`, the input gradient dX = dY·W is `matmul`.
 *
 * The JS kernels keep every inner loop contiguous (i-k-j order; `matmulTransB` transposes the small
 * b once into a scratch buffer) and block them 4 rows × 4 terms, so each load of `b` feeds four rows and
 * each store of `out` carries four products (≈ 5× a naive triple loop on V8). Arithmetic runs in
 * float64 inside a block and rounds to float32 on store. Only the transpose scratch is ever allocated
 * (grown to the largest k·n seen), so steady-state calls allocate nothing.
 */

export interface MatmulBackend {
  readonly name: string;
  /** out[m×n] (+)= a[m×k] · b[k×n]. */
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, accumulate?: boolean): void;
  /** out[m×n] (+)= aᵀ · b with a stored [k×m], b [k×n] (weight gradients: dW = dYᵀ · x). */
  matmulTransA(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, accumulate?: boolean): void;
  /** out[m×n] (+)= a · bᵀ with a [m×k], b stored [n×k] (forward through a torch-layout weight). */
  matmulTransB(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, accumulate?: boolean): void;
}

function checkSizes(op: string, a: Float32Array, aNeed: number, aDims: string, b: Float32Array, bNeed: number, bDims: string, out: Float32Array, m: number, n: number): void {
  if (!(a.length >= aNeed && b.length >= bNeed && out.length >= m * n)) {
    const bad = a.length < aNeed ? `a has ${a.length} elements, needs ${aDims} = ${aNeed}`
      : b.length < bNeed ? `b has ${b.length} elements, needs ${bDims} = ${bNeed}`
      : `out has ${out.length} elements, needs m*n = ${m * n}`;
    throw new RangeError(`${op}: ${bad}`);
  }
}

function checkDims(op: string, m: number, k: number, n: number): void {
  if (!(Number.isInteger(m) && Number.isInteger(k) && Number.isInteger(n) && m >= 0 && k >= 0 && n >= 0)) {
    throw new RangeError(`${op}: sizes must be non-negative integers, got m=${m}, k=${k}, n=${n}`);
  }
}

/**
 * out (+)= a · b without checks: i-k-j order in 4 × 4 blocks — four rows of a against four rows of b —
 * so each pass over a row segment of b feeds four rows of out, and each load/store of out carries four
 * products. The 16 scalars of a stay in registers; every inner loop runs over contiguous memory.
 */
function matmulKernel(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, accumulate: boolean): void {
  const k4 = k & ~3;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const r0 = i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
    const o0 = i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    if (!accumulate) {
      for (let j = 0; j < n; j++) {
        out[o0 + j] = 0;
        out[o1 + j] = 0;
        out[o2 + j] = 0;
        out[o3 + j] = 0;
      }
    }
    let p = 0;
    for (; p < k4; p += 4) {
      const a0 = a[r0 + p], a1 = a[r0 + p + 1], a2 = a[r0 + p + 2], a3 = a[r0 + p + 3];
      const c0 = a[r1 + p], c1 = a[r1 + p + 1], c2 = a[r1 + p + 2], c3 = a[r1 + p + 3];
      const d0 = a[r2 + p], d1 = a[r2 + p + 1], d2 = a[r2 + p + 2], d3 = a[r2 + p + 3];
      const e0 = a[r3 + p], e1 = a[r3 + p + 1], e2 = a[r3 + p + 2], e3 = a[r3 + p + 3];
      const b0 = p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        const x0 = b[b0 + j], x1 = b[b1 + j], x2 = b[b2 + j], x3 = b[b3 + j];
        out[o0 + j] += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
        out[o1 + j] += c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3;
        out[o2 + j] += d0 * x0 + d1 * x1 + d2 * x2 + d3 * x3;
        out[o3 + j] += e0 * x0 + e1 * x1 + e2 * x2 + e3 * x3;
      }
    }
    for (; p < k; p++) {
      const a0 = a[r0 + p], c0 = a[r1 + p], d0 = a[r2 + p], e0 = a[r3 + p];
      const b0 = p * n;
      for (let j = 0; j < n; j++) {
        const x = b[b0 + j];
        out[o0 + j] += a0 * x;
        out[o1 + j] += c0 * x;
        out[o2 + j] += d0 * x;
        out[o3 + j] += e0 * x;
      }
    }
  }
  for (; i < m; i++) {
    const r0 = i * k, o0 = i * n;
    if (!accumulate) for (let j = 0; j < n; j++) out[o0 + j] = 0;
    let p = 0;
    for (; p < k4; p += 4) {
      const a0 = a[r0 + p], a1 = a[r0 + p + 1], a2 = a[r0 + p + 2], a3 = a[r0 + p + 3];
      const b0 = p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) out[o0 + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
    for (; p < k; p++) {
      const a0 = a[r0 + p];
      const b0 = p * n;
      for (let j = 0; j < n; j++) out[o0 + j] += a0 * b[b0 + j];
    }
  }
}

function jsMatmul(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, accumulate = false): void {
  checkDims('matmul', m, k, n);
  checkSizes('matmul', a, m * k, 'm*k', b, k * n, 'k*n', out, m, n);
  matmulKernel(a, b, out, m, k, n, accumulate);
}

/**
 * out (+)= aᵀ · b: the outer loop walks the shared dimension (rows of a and b) four at a time, and a
 * 4 × 4 block of a (4 shared rows × 4 output rows) updates four rows of out per pass over b. out (e.g. a
 * 64 × 64 weight gradient) stays in cache while a and b stream through once.
 */
function jsMatmulTransA(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, accumulate = false): void {
  checkDims('matmulTransA', m, k, n);
  checkSizes('matmulTransA', a, k * m, 'k*m', b, k * n, 'k*n', out, m, n);
  if (!accumulate) out.fill(0, 0, m * n);
  const k4 = k & ~3;
  let p = 0;
  for (; p < k4; p += 4) {
    const p0 = p * m, p1 = p0 + m, p2 = p1 + m, p3 = p2 + m;
    const b0 = p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const a0 = a[p0 + i], a1 = a[p1 + i], a2 = a[p2 + i], a3 = a[p3 + i];
      const c0 = a[p0 + i + 1], c1 = a[p1 + i + 1], c2 = a[p2 + i + 1], c3 = a[p3 + i + 1];
      const d0 = a[p0 + i + 2], d1 = a[p1 + i + 2], d2 = a[p2 + i + 2], d3 = a[p3 + i + 2];
      const e0 = a[p0 + i + 3], e1 = a[p1 + i + 3], e2 = a[p2 + i + 3], e3 = a[p3 + i + 3];
      const o0 = i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
      for (let j = 0; j < n; j++) {
        const x0 = b[b0 + j], x1 = b[b1 + j], x2 = b[b2 + j], x3 = b[b3 + j];
        out[o0 + j] += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
        out[o1 + j] += c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3;
        out[o2 + j] += d0 * x0 + d1 * x1 + d2 * x2 + d3 * x3;
        out[o3 + j] += e0 * x0 + e1 * x1 + e2 * x2 + e3 * x3;
      }
    }
    for (; i < m; i++) {
      const a0 = a[p0 + i], a1 = a[p1 + i], a2 = a[p2 + i], a3 = a[p3 + i];
      const o0 = i * n;
      for (let j = 0; j < n; j++) out[o0 + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
  }
  for (; p < k; p++) {
    const p0 = p * m, b0 = p * n;
    for (let i = 0; i < m; i++) {
      const x = a[p0 + i];
      const o0 = i * n;
      for (let j = 0; j < n; j++) out[o0 + j] += x * b[b0 + j];
    }
  }
}

/** Grown on demand, never shrunk: the transposed b of matmulTransB (a weight matrix, k·n floats). */
let transposeScratch = new Float32Array(0);

/**
 * out (+)= a · bᵀ. From 4 rows of a on, b is transposed once into a scratch buffer (k·n moves, against
 * m·k·n multiply-adds) and the product runs through the blocked i-k-j kernel; below that, row-by-row
 * dot products of contiguous rows.
 */
function jsMatmulTransB(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, accumulate = false): void {
  checkDims('matmulTransB', m, k, n);
  checkSizes('matmulTransB', a, m * k, 'm*k', b, n * k, 'n*k', out, m, n);
  if (m >= 4) {
    if (transposeScratch.length < k * n) transposeScratch = new Float32Array(k * n);
    const t = transposeScratch;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      for (let p = 0; p < k; p++) t[p * n + j] = b[bj + p];
    }
    matmulKernel(a, t, out, m, k, n, accumulate);
    return;
  }
  for (let i = 0; i < m; i++) {
    const ra = i * k, oa = i * n;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ra + p] * b[bj + p];
      if (accumulate) out[oa + j] += s;
      else out[oa + j] = s;
    }
  }
}

/** The plain-JavaScript reference backend (the default). */
export const jsBackend: MatmulBackend = Object.freeze({
  name: 'js',
  matmul: jsMatmul,
  matmulTransA: jsMatmulTransA,
  matmulTransB: jsMatmulTransB,
});

let current: MatmulBackend = jsBackend;

/** The backend every layer uses for its next call. */
export function getMatmulBackend(): MatmulBackend {
  return current;
}

/** Switch the backend for all subsequent layer calls; returns the previous one (to restore it). */
export function setMatmulBackend(backend: MatmulBackend): MatmulBackend {
  for (const fn of ['matmul', 'matmulTransA', 'matmulTransB'] as const) {
    if (typeof backend?.[fn] !== 'function') throw new TypeError(`setMatmulBackend: backend "${String(backend?.name)}" has no ${fn}() function`);
  }
  const previous = current;
  current = backend;
  return previous;
}
