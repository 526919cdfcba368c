/**
 * parseParams: validate a robotics env's keyword arguments once against its zod schema, with errors that
 * name the env, the field and the value (STYLE §8). (The classic family has the same helper; families do
 * not import each other.)
 */
import type { z } from 'zod';

export function parseParams<S extends z.ZodObject>(schema: S, input: unknown, envName: string): z.output<S> {
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
  throw new RangeError(`${envName}: ${messages.join('; ')}`);
}
