/**
 * Redis connection settings from a URL, for BullMQ queues, workers and flows (ioredis options).
 *
 *   redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]            plain TCP (port 6379 by default)
 *   rediss://[[USER]:PASSWORD@]HOST[:PORT][/DB][?tls-…]   TLS; query options:
 *       tls-ca=PATH          PEM file of the CA that signed the server certificate
 *       tls-cert=PATH        client certificate (PEM), with tls-key=PATH, for mutual TLS
 *       tls-servername=NAME  SNI / certificate host name when it differs from HOST
 *       tls-insecure=1       skip certificate verification (testing only)
 *
 * A password may also come from `REWARDFORGE_REDIS_PASSWORD` (kept out of `ps` listings); the URL's
 * wins when both are given. Passwords never appear in logs: `redactRedisUrl` masks them.
 *
 * The connection retries forever with a capped backoff (a Redis restart is survived: ioredis reconnects,
 * queued commands are replayed) and `maxRetriesPerRequest: null`, which BullMQ requires of workers.
 * Transactions are not replayed but rejected; `retryOnConnectionAbort` runs them again.
 * Reaching Redis at start-up is checked separately (`pingRedis`) so that a wrong host fails fast.
 */
import fs from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';

export class RedisUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUrlError';
  }
}

export interface RedisTlsOptions {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly servername?: string;
  readonly rejectUnauthorized: boolean;
}

export interface RedisSpec {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: RedisTlsOptions;
  /** The URL with its password masked, for messages. */
  readonly display: string;
}

const TLS_PARAMS = ['tls-ca', 'tls-cert', 'tls-key', 'tls-servername', 'tls-insecure'] as const;

export function redactRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@]*@/, '$1***@');
}

/**
 * The URL without its password, for files a run writes (config.json): a resumed run then takes the
 * password from `REWARDFORGE_REDIS_PASSWORD`.
 */
export function stripRedisPassword(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^:@/]*):[^@]*@/, (_m, scheme: string, user: string) => `${scheme}${user ? `${user}@` : ''}`);
}

function readPem(flag: string, file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new RedisUrlError(`${flag}: cannot read ${what} '${file}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * Parse `redis://` / `rediss://` URLs; errors name the flag, the (redacted) value and what is allowed.
 * `flag` is the option the URL came from, e.g. `--redis` or `--workers`.
 */
export function parseRedisUrl(url: string, flag = '--redis', env: NodeJS.ProcessEnv = process.env): RedisSpec {
  const display = redactRedisUrl(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RedisUrlError(`${flag}: '${display}' is not a URL; expected redis://[:PASSWORD@]HOST[:PORT][/DB] or rediss://… for TLS`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new RedisUrlError(`${flag}: scheme '${u.protocol.replace(/:$/, '')}' in '${display}' is not supported; use redis:// or rediss:// (TLS)`);
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new RedisUrlError(`${flag}: '${display}' names no host; e.g. redis://127.0.0.1:6379`);
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RedisUrlError(`${flag}: port '${u.port}' in '${display}' must be an integer in [1, 65535]`);
  const dbText = u.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) throw new RedisUrlError(`${flag}: database '${dbText}' in '${display}' must be a non-negative integer (the path of the URL)`);
  const db = dbText === '' ? 0 : Number(dbText);
  for (const key of u.searchParams.keys()) {
    if (!(TLS_PARAMS as readonly string[]).includes(key)) throw new RedisUrlError(`${flag}: unknown URL option '${key}' in '${display}'; allowed: ${TLS_PARAMS.join(', ')}`);
  }
  const q = (k: (typeof TLS_PARAMS)[number]) => u.searchParams.get(k) ?? undefined;
  const anyTls = TLS_PARAMS.some((k) => u.searchParams.has(k));
  if (u.protocol === 'redis:' && anyTls) throw new RedisUrlError(`${flag}: TLS options in '${display}' need the rediss:// scheme`);
  const insecure = q('tls-insecure');
  if (insecure !== undefined && insecure !== '0' && insecure !== '1') throw new RedisUrlError(`${flag}: tls-insecure must be 0 or 1, got '${insecure}'`);
  if ((q('tls-cert') === undefined) !== (q('tls-key') === undefined)) throw new RedisUrlError(`${flag}: tls-cert and tls-key go together (mutual TLS); got only ${q('tls-cert') ? 'tls-cert' : 'tls-key'}`);
  const tls: RedisTlsOptions | undefined = u.protocol === 'rediss:'
    ? {
        ca: q('tls-ca') && readPem(flag, q('tls-ca')!, 'the CA certificate (tls-ca)'),
        cert: q('tls-cert') && readPem(flag, q('tls-cert')!, 'the client certificate (tls-cert)'),
        key: q('tls-key') && readPem(flag, q('tls-key')!, 'the client key (tls-key)'),
        servername: q('tls-servername'),
        rejectUnauthorized: insecure !== '1',
      }
    : undefined;
  const password = u.password !== '' ? decodeURIComponent(u.password) : env.REWARDFORGE_REDIS_PASSWORD || undefined;
  const username = u.username !== '' ? decodeURIComponent(u.username) : undefined;
  return { host, port, db, username, password, tls, display };
}

/** ioredis options for BullMQ (queues, workers, flows) and for the result store. */
export function redisOptions(spec: RedisSpec, extra: Partial<RedisOptions> = {}): RedisOptions {
  return {
    host: spec.host,
    port: spec.port,
    db: spec.db,
    username: spec.username,
    password: spec.password,
    tls: spec.tls ? { ...spec.tls } : undefined,
    // BullMQ workers block on Redis; a command must wait for a reconnect rather than fail after N tries.
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    connectTimeout: 5000,
    // Reconnect forever: 100 ms, 200 ms, … capped at 1 s, so a restarted Redis is picked up quickly.
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
    ...extra,
  };
}

/**
 * Check that Redis answers (PING) within `timeoutMs`; throws an error that names the URL and the
 * cause (refused, timed out, wrong password, TLS) instead of retrying forever.
 */
export async function pingRedis(spec: RedisSpec, flag = '--redis', timeoutMs = 5000): Promise<void> {
  const client = new Redis(redisOptions(spec, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: timeoutMs }));
  let lastError: Error | undefined;
  client.on('error', (e: Error) => {
    lastError = e;
  });
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  } catch (e) {
    const cause = (lastError ?? (e as Error)).message;
    throw new RedisUrlError(`${flag}: cannot reach Redis at ${spec.display} (${cause}); start one with \`redis-server --port ${spec.port}\` or check the host, port and password`);
  } finally {
    client.disconnect();
  }
}

/**
 * Whether `e` is ioredis aborting a MULTI/pipeline because the connection closed under it. Single
 * commands wait in the offline queue and are replayed after the reconnect; a transaction is rejected
 * instead (it may have run in part), so its caller must run it again.
 */
export function isConnectionAbort(e: unknown): boolean {
  return e instanceof Error && /Command aborted due to connection close/.test(e.message);
}

/**
 * Run `fn` (an idempotent Redis transaction) again when the connection closed under it, up to
 * `attempts` times with a short backoff; any other error, or the last abort, is thrown.
 */
export async function retryOnConnectionAbort<T>(fn: () => Promise<T>, attempts = 10): Promise<T> {
  for (let k = 1; ; k++) {
    try {
      return await fn();
    } catch (e) {
      if (!isConnectionAbort(e) || k >= attempts) throw e;
      await new Promise((r) => setTimeout(r, Math.min(100 * k, 1000)));
    }
  }
}
