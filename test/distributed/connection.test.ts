/**
 * Redis URLs (redis://, rediss:// with password and TLS options) become the right ioredis options, bad
 * ones are refused naming the flag and the value, passwords never reach messages or files, and an
 * unreachable Redis fails fast with a clear error and a non-zero exit for every command that takes one.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedisUrlError, isConnectionAbort, parseRedisUrl, pingRedis, redactRedisUrl, redisOptions, retryOnConnectionAbort, stripRedisPassword } from '../../sim/distributed/connection.ts';
import { jobId } from '../../sim/distributed/queues.ts';
import { b64ToF32, f32ToB64 } from '../../sim/distributed/codec.ts';
import { parseWorkerArgs, WorkerArgsError, main as workerMain } from '../../cli/worker.ts';
import { main as trainMain } from '../../cli/train.ts';
import { parseTrainArgs, TrainArgsError } from '../../cli/train_args.ts';
import { main as sweepMain } from '../../cli/sweep.ts';
import { withStderr } from '../helpers/capture.ts';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe('Redis URLs', () => {
  it('parses host, port, db, user and password; defaults port 6379 and db 0', () => {
    const a = parseRedisUrl('redis://10.0.0.5:7000/3', '--redis', {});
    expect(a).toMatchObject({ host: '10.0.0.5', port: 7000, db: 3, password: undefined, tls: undefined });
    const b = parseRedisUrl('redis://alice:s%40cret@redis.example', '--redis', {});
    expect(b).toMatchObject({ host: 'redis.example', port: 6379, db: 0, username: 'alice', password: 's@cret' });
    expect(b.display).not.toContain('cret');
    const o = redisOptions(b);
    expect(o).toMatchObject({ host: 'redis.example', port: 6379, username: 'alice', password: 's@cret', maxRetriesPerRequest: null });
  });

  it('takes the password from REWARDFORGE_REDIS_PASSWORD when the URL has none', () => {
    expect(parseRedisUrl('redis://h:1', '--redis', { REWARDFORGE_REDIS_PASSWORD: 'envpw' }).password).toBe('envpw');
    expect(parseRedisUrl('redis://:urlpw@h:1', '--redis', { REWARDFORGE_REDIS_PASSWORD: 'envpw' }).password).toBe('urlpw');
  });

  it('rediss:// turns TLS on, with CA, client certificate, server name and insecure options passed through', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-tls-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(dir, f), `PEM ${f}`);
    const s = parseRedisUrl(`rediss://:pw@db.internal:6380?tls-ca=${dir}/ca.pem&tls-cert=${dir}/cert.pem&tls-key=${dir}/key.pem&tls-servername=redis.prod`, '--workers', {});
    expect(s.tls).toEqual({ ca: 'PEM ca.pem', cert: 'PEM cert.pem', key: 'PEM key.pem', servername: 'redis.prod', rejectUnauthorized: true });
    expect(redisOptions(s).tls).toMatchObject({ servername: 'redis.prod', rejectUnauthorized: true });
    expect(parseRedisUrl('rediss://h?tls-insecure=1', '--redis', {}).tls?.rejectUnauthorized).toBe(false);
    expect(parseRedisUrl('rediss://h', '--redis', {}).tls).toEqual({ rejectUnauthorized: true, ca: undefined, cert: undefined, key: undefined, servername: undefined });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses bad URLs naming the flag and the value, never the password', () => {
    const bad: Array<[string, RegExp]> = [
      ['localhost:6379', /--workers: scheme 'localhost' .* use redis:\/\/ or rediss:\/\//],
      ['http://h:1', /scheme 'http'/],
      ['not a url', /--workers: 'not a url' is not a URL/],
      ['redis://h:99999', /--workers: '.*' is not a URL|port/],
      ['redis://h:1/abc', /database 'abc' .* must be a non-negative integer/],
      ['redis://h:1?foo=1', /unknown URL option 'foo'.*allowed: tls-ca/],
      ['redis://h:1?tls-ca=x', /need the rediss:\/\/ scheme/],
      ['rediss://h?tls-insecure=yes', /tls-insecure must be 0 or 1, got 'yes'/],
      ['rediss://h?tls-cert=/x', /tls-cert and tls-key go together/],
      ['rediss://h?tls-ca=/nonexistent/ca.pem', /cannot read the CA certificate \(tls-ca\) '\/nonexistent\/ca.pem' \(ENOENT\)/],
    ];
    for (const [url, re] of bad) expect(() => parseRedisUrl(url, '--workers', {}), url).toThrow(re);
    try {
      parseRedisUrl('redis://:hunter2@h:1/x', '--redis', {});
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
    expect(redactRedisUrl('redis://u:hunter2@h:1')).toBe('redis://u:***@h:1');
    expect(stripRedisPassword('redis://:hunter2@h:1/2')).toBe('redis://h:1/2');
    expect(stripRedisPassword('rediss://u:hunter2@h:1')).toBe('rediss://u@h:1');
  });

  it('an unreachable Redis fails fast with the URL and the cause', async () => {
    const port = await closedPort();
    const t0 = Date.now();
    await expect(pingRedis(parseRedisUrl(`redis://127.0.0.1:${port}`), '--workers', 3000)).rejects.toThrow(new RegExp(`--workers: cannot reach Redis at redis://127.0.0.1:${port} \\(.*ECONNREFUSED`));
    expect(Date.now() - t0).toBeLessThan(3000);
    await expect(pingRedis(parseRedisUrl(`redis://127.0.0.1:${port}`))).rejects.toBeInstanceOf(RedisUrlError);
  });

  it('commands exit non-zero naming the bad flag: worker, train:env --workers, sweep --workers', async () => {
    expect(() => parseWorkerArgs(['--redis', 'localhost'])).toThrow(WorkerArgsError);
    expect(() => parseWorkerArgs(['--redis', 'redis://h:1', '--queues', 'rollout,bogus'])).toThrow(/--queues: .*got 'rollout,bogus' \(allowed: rollout, train, eval, inner, iteration, echo\)/);
    expect(() => parseWorkerArgs([])).toThrow(/--redis/);
    expect(() => parseTrainArgs(['--env', 'classic/CartPole-v1', '--workers', 'redis://h:0'])).toThrow(TrainArgsError);
    expect(() => parseTrainArgs(['--env', 'classic/CartPole-v1', '--agent', 'dqn', '--workers', 'redis://h:1'])).toThrow(/--workers: distributed rollouts serve the ppo agent/);
    const port = await closedPort();
    const w = await withStderr(() => workerMain(['--redis', `redis://127.0.0.1:${port}`]));
    expect(w.value).toBe(2);
    expect(w.err).toMatch(/worker: --redis: cannot reach Redis at redis:\/\/127.0.0.1:\d+/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-unreach-'));
    const t = await withStderr(() => trainMain(['--env', 'classic/CartPole-v1', '--steps', '512', '--quiet', '--out', path.join(dir, 'run'), '--workers', `redis://127.0.0.1:${port}`]));
    expect(t.value).toBe(2);
    expect(t.err).toMatch(/train:env: --workers: cannot reach Redis at redis:\/\/127.0.0.1:\d+/);
    fs.writeFileSync(path.join(dir, 'grid.json'), JSON.stringify({ base: { env: 'classic/CartPole-v1' }, grid: { seed: [1] } }));
    const s = await withStderr(() => sweepMain(['--grid', path.join(dir, 'grid.json'), '--workers', `redis://127.0.0.1:${port}`, '--out', path.join(dir, 'sw')]));
    expect(s.value).toBe(2);
    expect(s.err).toMatch(/sweep: --workers: cannot reach Redis/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('transactions cut by a Redis restart', () => {
  const abort = (): Error => Object.assign(new Error('Command aborted due to connection close'), { name: 'AbortError' });

  it('runs an aborted transaction again until it goes through', async () => {
    expect(isConnectionAbort(abort())).toBe(true);
    expect(isConnectionAbort(new Error('WRONGTYPE Operation against a key'))).toBe(false);
    let calls = 0;
    const v = await retryOnConnectionAbort(async () => {
      calls++;
      if (calls < 3) throw abort();
      return 'ok';
    });
    expect([v, calls]).toEqual(['ok', 3]);
  });

  it('does not retry other errors, and gives up after the attempts', async () => {
    let calls = 0;
    await expect(retryOnConnectionAbort(async () => {
      calls++;
      throw new Error('WRONGTYPE Operation against a key');
    })).rejects.toThrow(/WRONGTYPE/);
    expect(calls).toBe(1);
    calls = 0;
    await expect(retryOnConnectionAbort(async () => {
      calls++;
      throw abort();
    }, 2)).rejects.toThrow(/aborted due to connection close/);
    expect(calls).toBe(2);
  });
});

describe('job ids and payload codec', () => {
  it('job ids are deterministic and never contain ":"', () => {
    expect(jobId('rollout', 'run-1', 'v3', 's0')).toBe('rollout.run-1.v3.s0');
    expect(() => jobId('rollout', 'bad:run')).toThrow(/run id/);
  });
  it('float32 payloads round-trip exactly', () => {
    const a = Float32Array.from([0, -1.5, 3.4028234663852886e38, 1e-45, Math.PI]);
    expect(Array.from(b64ToF32(f32ToB64(a)))).toEqual(Array.from(a));
    expect(Array.from(b64ToF32(f32ToB64(a.subarray(1, 3))))).toEqual([-1.5, 3.4028234663852886e38]);
    expect(() => b64ToF32('AAA=')).toThrow(/not a whole number of float32/);
  });
});
