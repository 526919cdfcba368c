/**
 * Weight initialisers, seeded by `Rng` (sim/rng.ts) so a run seed fixes every initial weight.
 *
 * `orthogonal` follows `torch.nn.init.orthogonal_` on a [rows × cols] matrix: draw a standard Gaussian
 * matrix, transpose it when rows < cols, take Q of its QR factorisation with the sign correction
 * Q ← Q·diag(sign(diag R)), transpose back, scale by `gain`. Q with sign-corrected R (positive diagonal) is
 * unique, so we compute it by modified Gram–Schmidt in float64 (with a second orthogonalisation pass for
 * accuracy), which has a positive diagonal by construction. Result: for rows ≥ cols the columns are
 * orthogonal (WᵀW = gain²·I), otherwise the rows are (WWᵀ = gain²·I). The Gaussian stream differs from
 * torch's, so weights match torch in distribution, not bit for bit.
 */
import type { Rng } from '../../sim/rng.ts';

/** Orthogonal [rows × cols] matrix (row-major) scaled by `gain`, written into `out` when given. */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng, out?: Float32Array): Float32Array {
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows >= 1 && cols >= 1)) {
    throw new RangeError(`orthogonal: rows and cols must be positive integers, got rows=${rows}, cols=${cols}`);
  }
  if (!Number.isFinite(gain)) throw new RangeError(`orthogonal: gain must be finite, got ${gain}`);
  const result = out ?? new Float32Array(rows * cols);
  if (result.length !== rows * cols) throw new RangeError(`orthogonal: out has ${result.length} elements, needs rows*cols = ${rows * cols}`);
  // torch draws the [rows × cols] Gaussian, then transposes when rows < cols so that r ≥ c.
  const flat = new Float64Array(rows * cols);
  for (let i = 0; i < flat.length; i++) flat[i] = rng.normal();
  const transposed = rows < cols;
  const r = transposed ? cols : rows;
  const c = transposed ? rows : cols;
  // q holds the c columns of the tall r × c matrix, column-major (column j at q[j*r ...]).
  const q = new Float64Array(r * c);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = flat[i * cols + j];
      if (transposed) q[i * r + j] = v; // element (j, i) of the transposed matrix
      else q[j * r + i] = v;
    }
  }
  for (let j = 0; j < c; j++) {
    const qj = j * r;
    for (let attempt = 0; ; attempt++) {
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < j; p++) {
          const qp = p * r;
          let dot = 0;
          for (let t = 0; t < r; t++) dot += q[qp + t] * q[qj + t];
          for (let t = 0; t < r; t++) q[qj + t] -= dot * q[qp + t];
        }
      }
      let norm = 0;
      for (let t = 0; t < r; t++) norm += q[qj + t] * q[qj + t];
      norm = Math.sqrt(norm);
      if (norm > 1e-10) {
        for (let t = 0; t < r; t++) q[qj + t] /= norm;
        break;
      }
      // A (probability-zero) rank-deficient draw: redraw this column.
      if (attempt > 100) throw new Error(`orthogonal: could not build a ${rows} × ${cols} orthogonal matrix`);
      for (let t = 0; t < r; t++) q[qj + t] = rng.normal();
    }
  }
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      // Untransposed: W[i][j] = Q[i][j] = column j, entry i. Transposed: W = Qᵀ, W[i][j] = Q[j][i] = column i, entry j.
      result[i * cols + j] = gain * (transposed ? q[i * r + j] : q[j * r + i]);
    }
  }
  return result;
}

/** Fill with U(low, high). */
export function uniformFill(data: Float32Array, low: number, high: number, rng: Rng): Float32Array {
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(low, high);
  return data;
}
