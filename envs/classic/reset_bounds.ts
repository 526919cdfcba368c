/**
 * resetBounds: Gymnasium's `utils.maybe_parse_reset_bounds` — reset options `{low, high}` override the
 * default uniform range of the initial state; both must be finite numbers with low <= high.
 */
export function resetBounds(
  options: Record<string, unknown> | undefined,
  defaultLow: number,
  defaultHigh: number,
  envName: string,
): { low: number; high: number } {
  const low = resetNumber(options, 'low', defaultLow, envName);
  const high = resetNumber(options, 'high', defaultHigh, envName);
  if (low > high) throw new RangeError(`${envName}: reset option low = ${low} is greater than high = ${high}`);
  return { low, high };
}

/** One numeric reset option (`options[name]`, or `fallback` when absent). */
export function resetNumber(options: Record<string, unknown> | undefined, name: string, fallback: number, envName: string): number {
  if (options === undefined || !(name in options) || options[name] === undefined) return fallback;
  const v = options[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new RangeError(`${envName}: reset option ${name} must be a finite number, got ${typeof v === 'number' ? v : JSON.stringify(v) ?? typeof v}`);
  }
  return v;
}
