/** Run `fn` with stderr captured: its value beside everything it wrote (nothing leaks into the test output). */
export async function withStderr<T>(fn: () => Promise<T>): Promise<{ value: T; err: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let err = '';
  process.stderr.write = ((s: string | Uint8Array) => {
    err += String(s);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { value: await fn(), err };
  } finally {
    process.stderr.write = write;
  }
}

/** Run a CLI `main` with stderr captured (tests check the message and the exit code). */
export async function captureStderr(fn: () => Promise<number>): Promise<{ code: number; err: string }> {
  const { value, err } = await withStderr(fn);
  return { code: value, err };
}
