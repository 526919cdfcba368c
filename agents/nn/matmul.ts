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
 * The JS kernels keep every inner loop contiguous (i-k-j order for `matmul`/`matmulTransA`, row-by-row
 * dot products for `matmulTransB`) and block them 2 rows × 4 terms so each load of `b` feeds two rows
 * and each store of `out` carries four products (≈ 3.5× a naive triple loop on V8). Arithmetic runs in
 * float64 inside a block and rounds to float32 on store.
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

/** out = a · b, i-k-j order, 2 rows of a × 4 columns of a (rows of b) per pass over a row of out. */
function jsMatmul(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, accumulate = false): void {
  checkDims('matmul', m, k, n);
  checkSizes('matmul', a, m * k, 'm*k', b, k * n, 'k*n', out, m, n);
  const k4 = k & ~3;
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const ra = i * k, rc = ra + k;
    const oa = i * n, oc = oa + n;
    if (!accumulate) {
      for (let j = 0; j < n; j++) {
        out[oa + j] = 0;
        out[oc + j] = 0;
      }
    }
    let p = 0;
    for (; p < k4; p += 4) {
      const a0 = a[ra + p], a1 = a[ra + p + 1], a2 = a[ra + p + 2], a3 = a[ra + p + 3];
      const c0 = a[rc + p], c1 = a[rc + p + 1], c2 = a[rc + p + 2], c3 = a[rc + p + 3];
      const b0 = p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        const x0 = b[b0 + j], x1 = b[b1 + j], x2 = b[b2 + j], x3 = b[b3 + j];
        out[oa + j] += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
        out[oc + j] += c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3;
      }
    }
    for (; p < k; p++) {
      const a0 = a[ra + p], c0 = a[rc + p];
      const b0 = p * n;
      for (let j = 0; j < n; j++) {
        const x = b[b0 + j];
        out[oa + j] += a0 * x;
        out[oc + j] += c0 * x;
      }
    }
  }
  if (i < m) {
    const ra = i * k, oa = i * n;
    if (!accumulate) for (let j = 0; j < n; j++) out[oa + j] = 0;
    for (let p = 0; p < k; p++) {
      const a0 = a[ra + p];
      const b0 = p * n;
      for (let j = 0; j < n; j++) out[oa + j] += a0 * b[b0 + j];
    }
  }
}

/** out = aᵀ · b: outer loop over the shared dimension (rows of a and b), 4 at a time; out stays in cache. */
function jsMatmulTransA(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, accumulate = false): void {
  checkDims('matmulTransA', m, k, n);
  checkSizes('matmulTransA', a, k * m, 'k*m', b, k * n, 'k*n', out, m, n);
  if (!accumulate) out.fill(0, 0, m * n);
  const k4 = k & ~3;
  let p = 0;
  for (; p < k4; p += 4) {
    const a0 = p * m, a1 = a0 + m, a2 = a1 + m, a3 = a2 + m;
    const b0 = p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    let i = 0;
    for (; i + 1 < m; i += 2) {
      const x0 = a[a0 + i], x1 = a[a1 + i], x2 = a[a2 + i], x3 = a[a3 + i];
      const y0 = a[a0 + i + 1], y1 = a[a1 + i + 1], y2 = a[a2 + i + 1], y3 = a[a3 + i + 1];
      const oa = i * n, oc = oa + n;
      for (let j = 0; j < n; j++) {
        const w0 = b[b0 + j], w1 = b[b1 + j], w2 = b[b2 + j], w3 = b[b3 + j];
        out[oa + j] += x0 * w0 + x1 * w1 + x2 * w2 + x3 * w3;
        out[oc + j] += y0 * w0 + y1 * w1 + y2 * w2 + y3 * w3;
      }
    }
    if (i < m) {
      const x0 = a[a0 + i], x1 = a[a1 + i], x2 = a[a2 + i], x3 = a[a3 + i];
      const oa = i * n;
      for (let j = 0; j < n; j++) out[oa + j] += x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
    }
  }
  for (; p < k; p++) {
    const a0 = p * m, b0 = p * n;
    for (let i = 0; i < m; i++) {
      const x = a[a0 + i];
      const oa = i * n;
      for (let j = 0; j < n; j++) out[oa + j] += x * b[b0 + j];
    }
  }
}

/** out = a · bᵀ: dot products of contiguous rows, a 2 × 4 block of out per pass (8 running sums). */
function jsMatmulTransB(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, accumulate = false): void {
  checkDims('matmulTransB', m, k, n);
  checkSizes('matmulTransB', a, m * k, 'm*k', b, n * k, 'n*k', out, m, n);
  const n4 = n & ~3;
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const ra = i * k, rc = ra + k;
    const oa = i * n, oc = oa + n;
    let j = 0;
    for (; j < n4; j += 4) {
      const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[ra + p], y = a[rc + p];
        const w0 = b[b0 + p], w1 = b[b1 + p], w2 = b[b2 + p], w3 = b[b3 + p];
        s0 += x * w0; s1 += x * w1; s2 += x * w2; s3 += x * w3;
        t0 += y * w0; t1 += y * w1; t2 += y * w2; t3 += y * w3;
      }
      if (accumulate) {
        out[oa + j] += s0; out[oa + j + 1] += s1; out[oa + j + 2] += s2; out[oa + j + 3] += s3;
        out[oc + j] += t0; out[oc + j + 1] += t1; out[oc + j + 2] += t2; out[oc + j + 3] += t3;
      } else {
        out[oa + j] = s0; out[oa + j + 1] = s1; out[oa + j + 2] = s2; out[oa + j + 3] = s3;
        out[oc + j] = t0; out[oc + j + 1] = t1; out[oc + j + 2] = t2; out[oc + j + 3] = t3;
      }
    }
    for (; j < n; j++) {
      const b0 = j * k;
      let s = 0, t = 0;
      for (let p = 0; p < k; p++) {
        const w = b[b0 + p];
        s += a[ra + p] * w;
        t += a[rc + p] * w;
      }
      if (accumulate) {
        out[oa + j] += s;
        out[oc + j] += t;
      } else {
        out[oa + j] = s;
        out[oc + j] = t;
      }
    }
  }
  if (i < m) {
    const ra = i * k, oa = i * n;
    for (let j = 0; j < n; j++) {
      const b0 = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ra + p] * b[b0 + p];
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
