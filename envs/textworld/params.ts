/**
 * Keyword-argument validation for the text-world family: zod once at construction, errors that name the
 * field and the value (STYLE §8), e.g. `textworld: parameter 'split' = "test" is invalid (…)`.
 * (The same shape as envs/classic/params.ts; kept per family so families stay independent.)
 */
import type { z } from 'zod';

export function parseParams<S extends z.ZodObject>(schema: S, input: unknown, where: string): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const known = Object.keys(schema.shape).join(', ');
  const messages = r.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown parameter(s) ${issue.keys.map((k) => `'${k}'`).join(', ')} (known: ${known})`;
    const field = issue.path.map(String).join('.');
    let value: unknown = input;
    for (const k of issue.path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[k] : undefined;
    return `parameter '${field}' = ${JSON.stringify(value) ?? String(value)} is invalid (${issue.message})`;
  });
  throw new RangeError(`${where}: ${messages.join('; ')}`);
}
