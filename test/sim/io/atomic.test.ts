// Proves: writeFileAtomic replaces a file with the new content and leaves no temp file; when a step
// fails the target keeps its old content and the temp file is removed; and a process killed mid-write
// (SIGKILL) leaves the target holding one complete version, never a torn mix.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fsyncDirectory, isAtomicTempFile, writeFileAtomic } from '../../../sim/io/atomic.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-atomic-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates, then replaces, leaving only the target in the folder', () => {
    const target = path.join(dir, 'f.bin');
    writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    expect(Array.from(fs.readFileSync(target))).toEqual([1, 2, 3]);
    writeFileAtomic(target, 'new text');
    expect(fs.readFileSync(target, 'utf8')).toBe('new text');
    expect(fs.readdirSync(dir)).toEqual(['f.bin']);
  });

  it('holds the last content written after any sequence of writes (property)', () => {
    const target = path.join(dir, 'seq.bin');
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 5 }), (writes) => {
        for (const w of writes) writeFileAtomic(target, w);
        expect(Buffer.from(fs.readFileSync(target)).equals(Buffer.from(writes[writes.length - 1]))).toBe(true);
        expect(fs.readdirSync(dir)).toEqual(['seq.bin']);
      }),
      { numRuns: 30 },
    );
  });

  it('keeps the old content and removes the temp file when fsync fails', () => {
    const target = path.join(dir, 'f.txt');
    writeFileAtomic(target, 'old');
    const eio = Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    const spy = vi.spyOn(fs, 'fsyncSync').mockImplementationOnce(() => {
      throw eio;
    });
    expect(() => writeFileAtomic(target, 'new')).toThrow(/EIO/);
    expect(spy).toHaveBeenCalled();
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['f.txt']);
  });

  it('leaves the target alone and removes the temp file when the rename fails', () => {
    const target = path.join(dir, 'busy');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'x');
    expect(() => writeFileAtomic(target, 'new')).toThrow();
    expect(fs.readFileSync(path.join(target, 'inside'), 'utf8')).toBe('x');
    expect(fs.readdirSync(dir)).toEqual(['busy']);
  });

  it('fails loudly when the folder does not exist', () => {
    expect(() => writeFileAtomic(path.join(dir, 'missing', 'f'), 'x')).toThrow(/ENOENT/);
    expect(() => fsyncDirectory(path.join(dir, 'missing'))).toThrow(/ENOENT/);
  });

  it('recognises its temp names', () => {
    expect(isAtomicTempFile('latest.json.tmp-123-0')).toBe(true);
    expect(isAtomicTempFile('ckpt-000000000001.safetensors')).toBe(false);
    expect(isAtomicTempFile('notes.tmp')).toBe(false);
  });

  it('survives SIGKILL mid-write: the target is one complete version', async () => {
    const target = path.join(dir, 'big.bin');
    const size = 4 << 20;
    const atomicUrl = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../sim/io/atomic.ts')).href;
    const script = path.join(dir, 'writer.mjs');
    fs.writeFileSync(
      script,
      `import { writeFileAtomic } from ${JSON.stringify(atomicUrl)};
       const a = new Uint8Array(${size}).fill(0x61), b = new Uint8Array(${size}).fill(0x62);
       for (let i = 0; ; i++) { writeFileAtomic(${JSON.stringify(target)}, i % 2 ? b : a); if (i === 2) process.stdout.write('go\\n'); }`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => resolve());
      child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
    });
    await new Promise((r) => setTimeout(r, 37));
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;

    const got = fs.readFileSync(target);
    expect(got.length).toBe(size);
    const first = got[0];
    expect([0x61, 0x62]).toContain(first);
    expect(got.every((x) => x === first)).toBe(true);
    for (const name of fs.readdirSync(dir)) expect(['big.bin', 'writer.mjs'].includes(name) || isAtomicTempFile(name)).toBe(true);
  });
});
