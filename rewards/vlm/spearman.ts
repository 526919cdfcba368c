/**
 * Spearman's rank correlation ρ (Pearson correlation of the ranks; ties get their average rank).
 * NaN when either side is constant or has fewer than 2 values.
 */
function ranks(v: readonly number[]): Float64Array {
  const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(v.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`spearman: lengths differ (${a.length} vs ${b.length})`);
  const n = a.length;
  if (n < 2) return NaN;
  // A constant side is checked on the values: its tied ranks' mean, summed in floating point, need not
  // cancel exactly, which would turn "undefined" into a tiny arbitrary number.
  const constant = (x: readonly number[]) => x.every((v) => v === x[0]);
  if (constant(a) || constant(b)) return NaN;
  const ra = ranks(a), rb = ranks(b);
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += ra[i] / n;
    mb += rb[i] / n;
  }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) ** 2;
    sbb += (rb[i] - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}
