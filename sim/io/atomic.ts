/**
 * Atomic file replacement: a reader (or a process restarted after a crash or power cut) sees either
 * the old content or the new, never a mix or a truncated file.
 *
 * Hand-written: npm's write-file-atomic does not fsync the directory, and the whole recipe is 30 lines.
 *
 * Steps: write `path.tmp-<pid>-<counter>` (created exclusively), fsync it, rename it over `path`,
 * fsync the directory so the rename itself is durable. On failure the temp file is removed and the
 * target is left as it was. A crash can still leave a temp file behind; `isAtomicTempFile` recognises
 * those so owners of a folder (checkpoints) can sweep them.
 *
 * Synchronous on purpose: callers write checkpoints and logs between updates, not in a hot loop.
 * `fs` is imported as the default (CommonJS) object so tests can inject a failure with `vi.spyOn`.
 */
import fs from 'node:fs';
import path from 'node:path';

let counter = 0;

/** The temp name used for `target`; exported for tests and sweeps. */
export function atomicTempPath(target: string): string {
  return `${target}.tmp-${process.pid}-${counter++}`;
}

/** True for names produced by `atomicTempPath` (`<name>.tmp-<pid>-<counter>`). */
export function isAtomicTempFile(name: string): boolean {
  return /\.tmp-\d+-\d+$/.test(name);
}

/** fsync a directory so renames and unlinks in it survive a power cut. No-op where the OS refuses (Windows). */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Windows cannot open or fsync a directory; there the rename is as durable as it gets.
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw e;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Replace `target` with `data` atomically and durably (temp file + fsync + rename + directory fsync). */
export function writeFileAtomic(target: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = atomicTempPath(target);
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    try {
      for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off, bytes.length - off);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDirectory(path.dirname(path.resolve(target)));
}
