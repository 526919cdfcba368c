/** Run a CLI `main` with stderr captured (tests check the message; nothing leaks into the test output). */
export async function captureStderr(fn: () => Promise<number>): Promise<{ code: number; err: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let err = '';
  process.stderr.write = ((s: string) => {
    err += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await fn(), err };
  } finally {
    process.stderr.write = write;
  }
}
