/**
 * Test fixtures for the Redis-backed tests: a private `redis-server` on a loopback port (no persistence,
 * temp dir), restartable on the same port, and `npm run worker` processes. A missing `redis-server`
 * fails with the command that installs it (never a silent skip).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const INSTALL_REDIS = 'apt-get install -y redis-server';

export function requireRedisServer(): void {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(`redis-server is not installed; the distributed tests need it: ${INSTALL_REDIS}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class RedisServer {
  private proc: ChildProcess | undefined;
  private constructor(readonly port: number, readonly dir: string, readonly extra: string[]) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(extra: string[] = []): Promise<RedisServer> {
    requireRedisServer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-redis-'));
    const s = new RedisServer(await freePort(), dir, extra);
    await s.spawn();
    return s;
  }

  private async spawn(): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, ...this.extra], { stdio: 'ignore' });
    await waitForPort(this.port);
  }

  /** Kill (SIGKILL: everything in memory is lost) and, after `downMs`, start again on the same port. */
  async restart(downMs = 500): Promise<void> {
    await this.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await this.spawn();
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  async close(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface WorkerProc {
  readonly proc: ChildProcess;
  /** Everything it printed on stderr. */
  readonly log: string[];
  readonly ready: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Start `npm run worker` (node --import tsx cli/worker.ts) against `url`; `ready` resolves on its ready line. */
export function startWorkerProcess(url: string, args: string[] = []): WorkerProc {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli', 'worker.ts'), '--redis', url, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  let buf = '';
  const ready = new Promise<void>((resolve, reject) => {
    proc.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        log.push(line);
        if (/: ready on /.test(line)) resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`worker exited with code ${code} before it was ready:\n${log.join('\n')}`)));
  });
  ready.catch(() => {});
  return {
    proc,
    log,
    ready,
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(signal);
      }),
  };
}
