/**
 * parseParams: validate an env's keyword arguments once, against its zod schema, with errors that name
 * the env, the field and the value (STYLE §8), e.g.
 * `CartPole-v1: parameter 'tau' = -1 is invalid (Too small: expected number to be >0)`.
 * Shared by every family (families do not import each other; they all know sim/).
 */
import type { z } from 'zod';

export function parseParams<S extends z.ZodObject>(schema: S, input: unknown, envName: string): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const known = Object.keys(schema.shape).join(', ');
  const messages = r.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown parameter(s) ${issue.keys.map((k) => `'${k}'`).join(', ')} (known: ${known})`;
    }
    const field = issue.path.map(String).join('.');
    let value: unknown = input;
    for (const k of issue.path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[k] : undefined;
    return `parameter '${field}' = ${JSON.stringify(value) ?? String(value)} is invalid (${issue.message})`;
  });
  throw new RangeError(`${envName}: ${messages.join('; ')}`);
}
