/**
 * `npm run bench -- --suite derl --tasks …`: one text-world or robotics env id per call; anything else
 * exits 2 with the flag and value named, before any training starts.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function bench(args: string[]): { code: number | null; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/index.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, err: r.stderr };
}

describe('bench --suite derl --tasks', () => {
  it('names a bad env id and exits 2', () => {
    for (const tasks of ['robotics/Nope-v0', 'classic/CartPole-v1', 'robotics/Push-v0,textworld/ALFWorld-v0']) {
      const { code, err } = bench(['--suite', 'derl', '--tasks', tasks, '--quick']);
      expect(code, tasks).toBe(2);
      expect(err).toContain(`bench: --tasks: the derl suite takes one text-world or robotics env id, got '${tasks}'`);
    }
  }, 120_000);
});
