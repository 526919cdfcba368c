/** Configured model endpoints (LLM, VLM): validate the base URL and join the API path. */

/** `${base}/${path}` for an http(s) base URL; the error names the environment variable and the value. */
export function endpointUrl(base: string, envVar: string, path: string): string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new Error(`${envVar} must be an http(s) URL, got '${base}'`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${envVar} must be an http(s) URL, got '${base}'`);
  return `${base.replace(/\/+$/, '')}/${path}`;
}
