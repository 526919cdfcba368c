/** Keyword-argument helpers of the classic family; validation is sim/params.ts's `parseParams`. */
export { parseParams } from '../../sim/params.ts';

/** Keyword arguments minus the ones the shell consumes (`renderMode`), ready for `parseParams`. */
export function envKwargs(kwargs: Record<string, unknown> | undefined): Record<string, unknown> {
  if (kwargs === undefined) return {};
  const { renderMode: _renderMode, ...rest } = kwargs;
  return rest;
}
