/**
 * `npm run derl` end to end on tiny budgets: the run directory (config, metrics, derl.jsonl, best formula
 * and its reward-language source, summary), determinism for a seed, worker threads giving the same
 * results as the in-thread path, episode-level rewards, and bad flags named.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DerlArgsError, main, parseDerlArgs, runDerlSearch } from '../../cli/derl.ts';
import { type InnerJob, innerRewardFactory, runInnerJobs } from '../../cli/derl_inner.ts';
import { EpisodeEndReward, FirstFireFormulaReward, ScaledFormulaReward } from '../../rewards/derl/episode_reward.ts';
import { eventScale, parseFormula, paymentSignature } from '../../rewards/derl/formula.ts';
import { checkReward } from '../../rewards/lang/checker.ts';
import { readMetrics } from '../../sim/io/metrics.ts';
import { captureStderr } from '../helpers/capture.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-derl-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const TINY = { env: 'textworld/ALFWorld-v0', iterations: 2, population: 3, innerSteps: 512, evalEpisodes: 4, finalSteps: 512, finalEpisodes: 4, seed: 4, parallel: 1, timing: 'episode' as const, quiet: true };

describe('npm run derl', () => {
  it('writes the run directory; the same seed gives the same search', async () => {
    const a = await runDerlSearch({ ...TINY, out: path.join(tmp, 'a') });
    for (const f of ['config.json', 'metrics.jsonl', 'derl.jsonl', 'summary.json', 'best_formula.txt', 'reward/reward.js']) expect(fs.existsSync(path.join(a.dir, f)), f).toBe(true);
    const lines = fs.readFileSync(path.join(a.dir, 'derl.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l.candidates).toHaveLength(3);
      for (const c of l.candidates) {
        expect(typeof c.formula).toBe('string');
        expect(c.score).toBeGreaterThanOrEqual(c.valid ? 0 : -1);
        if (!c.valid) expect(c.score).toBe(-1);
      }
    }
    const tags = new Set(readMetrics(path.join(a.dir, 'metrics.jsonl')).map((m) => m.tag));
    for (const t of ['derl/mean_score', 'derl/valid_fraction', 'derl/candidate_score', 'derl/held_out_success']) expect(tags.has(t), t).toBe(true);
    const summary = JSON.parse(fs.readFileSync(path.join(a.dir, 'summary.json'), 'utf8'));
    expect(summary.best.formula).toBe(fs.readFileSync(path.join(a.dir, 'best_formula.txt'), 'utf8').trim());
    expect(summary.heldOut.split).toBe('valid_unseen');
    expect(summary.compute.innerRuns).toBeGreaterThan(0);
    // the saved reward is reward-language source the checker accepts
    const src = fs.readFileSync(path.join(a.dir, 'reward/reward.js'), 'utf8');
    expect(() => checkReward(src, { extraHelpers: { tw_won: 2, tw_goalHeld: 2, tw_stateChange: 2, tw_cmdValid: 2, tw_newLocation: 2 } })).not.toThrow();

    const b = await runDerlSearch({ ...TINY, out: path.join(tmp, 'b') });
    const strip = (dir: string) => fs.readFileSync(path.join(dir, 'derl.jsonl'), 'utf8');
    expect(strip(b.dir)).toBe(strip(a.dir));
    expect(b.summary.heldOut?.successRate).toBe(a.summary.heldOut?.successRate);
  }, 120_000);

  it('rescores the best formulas with fresh seeds and picks the best mean', async () => {
    const a = await runDerlSearch({ ...TINY, rescoreTop: 2, rescoreSeeds: 2, out: path.join(tmp, 'rescore-a') });
    const s = a.summary;
    const plain = await runDerlSearch({ ...TINY, out: path.join(tmp, 'rescore-plain') });
    expect(plain.summary.rescored).toBeUndefined();
    // the search itself is unchanged by rescoring; it adds 2 × 2 inner runs
    expect(fs.readFileSync(path.join(a.dir, 'derl.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(plain.dir, 'derl.jsonl'), 'utf8'));
    expect(s.compute.innerRuns).toBe(plain.summary.compute.innerRuns + 4);
    expect(s.rescored).toHaveLength(2);
    const lines = fs.readFileSync(path.join(a.dir, 'derl.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // candidates are distinct rewards (TINY pays per episode, so raw signatures), scored by their best search score
    const names = ['g_won', 'g_goalHeld', 'g_stateChange', 'g_cmdValid', 'g_newLocation'];
    const reward = (f: string) => paymentSignature(parseFormula(f, names), names, false);
    const searchBest = new Map<string, number>();
    for (const l of lines) for (const c of l.candidates) if (c.valid) searchBest.set(reward(c.formula), Math.max(searchBest.get(reward(c.formula)) ?? -1, c.score));
    const topTwo = [...searchBest.values()].sort((x, y) => y - x).slice(0, 2);
    expect(s.rescored!.map((r) => r.searchScore).sort((x, y) => y - x)).toEqual(topTwo);
    expect(new Set(s.rescored!.map((r) => reward(r.formula))).size).toBe(2);
    for (const r of s.rescored!) {
      expect(r.scores).toHaveLength(2);
      expect(r.mean).toBeCloseTo((r.scores[0] + r.scores[1]) / 2, 12);
      expect(searchBest.get(reward(r.formula))).toBe(r.searchScore);
    }
    expect(s.rescored![0].mean).toBeGreaterThanOrEqual(s.rescored![1].mean);
    expect(s.best).toEqual({ formula: s.rescored![0].formula, validationScore: s.rescored![0].mean, searchScore: s.rescored![0].searchScore });
    expect(fs.readFileSync(path.join(a.dir, 'best_formula.txt'), 'utf8').trim()).toBe(s.best!.formula);
    const b = await runDerlSearch({ ...TINY, rescoreTop: 2, rescoreSeeds: 2, out: path.join(tmp, 'rescore-b') });
    expect(b.summary.rescored).toEqual(s.rescored);
  }, 180_000);

  it('worker threads give the results of the in-thread path', async () => {
    const jobs: InnerJob[] = ['g_won', 'g_won + g_goalHeld'].map((formula, k) => ({ envId: 'textworld/ALFWorld-v0', formula, seed: 10 + k, steps: 512, evalSplit: 'valid_seen', evalEpisodes: 4, timing: 'episode' }));
    const inThread = await runInnerJobs(jobs, 1);
    const workers = await runInnerJobs(jobs, 2);
    const scores = (r: typeof inThread) => r.map((x) => ('error' in x ? x.error : [x.score, x.envSteps, x.guard?.calls]));
    expect(scores(workers)).toEqual(scores(inThread));
    const bad = await runInnerJobs([{ ...jobs[0], formula: 'g_won + (' }], 2);
    expect('error' in bad[0] && bad[0].error).toMatch(/invalid formula/);
  }, 120_000);

  it('pays an episode-level formula once, at the episode end', () => {
    const inner = { name: 'f', compute: () => 2.5 };
    const r = new EpisodeEndReward(inner);
    expect(r.compute(0, 0, 0, {}, { terminated: false, truncated: false })).toBe(0);
    expect(r.compute(0, 0, 0, {}, { terminated: true, truncated: false })).toBe(2.5);
    expect(r.compute(0, 0, 0, {}, { terminated: false, truncated: true })).toBe(2.5);
    expect(() => r.compute(0, 0, 0, {})).toThrow(/needs the transition's end flags/);
  });

  it('first-fire timing pays each primitive once per episode, scaled so that no event pays 0', () => {
    const terms: Record<string, number> = {};
    const held = { v: 1 + 1e-6 };
    const inner = { name: 'f', compute: (_s: unknown, _a: unknown, _n: unknown, t: Record<string, number>) => { t.g_goalHeld = held.v; t.g_won = 1e-6; return 0; } };
    // f = 3·g_won + g_goalHeld: f(none) = 4e-6 and the largest change (both fire) is 4, so holding pays 1/4.
    const r = new FirstFireFormulaReward(inner, 'g_won * 3 + g_goalHeld', ['g_won', 'g_goalHeld']);
    const mid = { terminated: false, truncated: false };
    expect(r.compute(0, 0, 0, terms, mid)).toBeCloseTo(0.25, 9); // first time held
    expect(r.compute(0, 0, 0, terms, mid)).toBe(0); // still held: no more pay
    held.v = 1e-6;
    expect(r.compute(0, 0, 0, terms, mid)).toBe(0);
    held.v = 1 + 1e-6;
    expect(r.compute(0, 0, 0, terms, { terminated: false, truncated: true })).toBe(0); // picked up again, same episode
    expect(r.compute(0, 0, 0, terms, mid)).toBeCloseTo(0.25, 9); // new episode
    expect(() => new FirstFireFormulaReward(inner, 'g_won + (', ['g_won'])).toThrow();
  });

  it('first-fire timing pays every firing of a repeating primitive (g_newLocation) and only the first of the others', () => {
    const v = { held: 0, moved: 0 };
    const inner = { name: 'f', compute: (_s: unknown, _a: unknown, _n: unknown, t: Record<string, number>) => { t.g_goalHeld = v.held ? 1 + 1e-6 : 1e-6; t.g_newLocation = v.moved ? 1 + 1e-6 : 1e-6; return 0; } };
    const names = ['g_goalHeld', 'g_newLocation'];
    const mid = { terminated: false, truncated: false };
    const run = (r: FirstFireFormulaReward) => ([[0, 1], [1, 1], [1, 0], [0, 1], [1, 1]] as const).map(([held, moved]) => {
      v.held = held;
      v.moved = moved;
      return Number(r.compute(0, 0, 0, {}, mid).toFixed(9));
    });
    // f = g_goalHeld + g_newLocation: largest change 2, each event pays 1/2.
    expect(run(new FirstFireFormulaReward(inner, 'g_goalHeld + g_newLocation', names, ['g_newLocation']))).toEqual([0.5, 1, 0, 0.5, 0.5]);
    expect(run(new FirstFireFormulaReward(inner, 'g_goalHeld + g_newLocation', names))).toEqual([0.5, 0.5, 0, 0, 0]);
  });

  it('first-fire payment ignores constant offsets and positive scales of a formula', () => {
    const names = ['g_won', 'g_goalHeld'];
    const pays = (formula: string, events: Array<[number, number]>): number[] => {
      const v = { won: 0, held: 0 };
      const inner = { name: 'f', compute: (_s: unknown, _a: unknown, _n: unknown, t: Record<string, number>) => { t.g_won = v.won ? 1 + 1e-6 : 1e-6; t.g_goalHeld = v.held ? 1 + 1e-6 : 1e-6; return 0; } };
      const r = new FirstFireFormulaReward(inner, formula, names);
      return events.map(([won, held]) => {
        v.won = won;
        v.held = held;
        return r.compute(0, 0, 0, {}, { terminated: false, truncated: false });
      });
    };
    const events: Array<[number, number]> = [[0, 0], [0, 1], [0, 1], [1, 1], [0, 0]];
    const base = pays('g_won + g_goalHeld', events);
    expect(base.map((x) => Number(x.toFixed(9)))).toEqual([0, 0.5, 0, 0.5, 0]);
    for (const f of ['3 + g_won + g_goalHeld', '( g_won + g_goalHeld ) * 2 - 0.5', '( g_won + g_goalHeld ) / 3']) {
      pays(f, events).forEach((x, k) => expect(x).toBeCloseTo(base[k], 9));
    }
    // A formula that does not depend on its primitives pays nothing; one dividing by a primitive is
    // scaled by its largest change, so it stays within [-1, 1].
    expect(pays('g_won - g_won + 2', events)).toEqual([0, 0, 0, 0, 0]);
    for (const x of pays('2 / g_goalHeld', events)) expect(Math.abs(x)).toBeLessThanOrEqual(1);
    expect(pays('2 / g_goalHeld', events)[1]).toBeCloseTo(-1, 6);
  });

  it('step timing pays the scaled formula every step, with no memory', () => {
    const e = 1e-6;
    const raw = (f: (s: number, n: number) => number) => ({ name: 'f', compute: (st: unknown) => { const [s, n] = st as [number, number]; return f(s, n); } });
    const names = ['g_success', 'g_nearObject'];
    const a = new ScaledFormulaReward(raw((s, n) => 3 + 2 * s + n), '3 + 2 * g_success + g_nearObject', names);
    const b = new ScaledFormulaReward(raw((s, n) => 2 * s + n), '2 * g_success + g_nearObject', names);
    for (const [s, n] of [[e, e], [e, 1 + e], [1 + e, e], [1 + e, 1 + e], [e, 1 + e]]) {
      const x = a.compute([s, n], 0, 0, {});
      expect(x).toBeCloseTo(b.compute([s, n], 0, 0, {}), 9);
      expect(x).toBeCloseTo((2 * (s - e) + (n - e)) / 3, 9); // near object pays 1/3 every step it holds
    }
    const job: InnerJob = { envId: 'robotics/Push-v0', formula: 'g_success + 3', seed: 1, steps: 2048, evalSplit: 'default', evalEpisodes: 2, timing: 'step' };
    expect(innerRewardFactory(job).rewardFor()).toBeInstanceOf(ScaledFormulaReward);
  });

  it('paymentSignature: formulas that pay the same are one reward', () => {
    const names = ['g_won', 'g_goalHeld', 'g_stateChange', 'g_cmdValid', 'g_newLocation'];
    const sig = (f: string, scaled = true) => paymentSignature(parseFormula(f, names), names, scaled);
    for (const f of ['1 + g_goalHeld', '2 * g_goalHeld', '( g_goalHeld + 3 ) / 4']) expect(sig(f), f).toBe(sig('g_goalHeld'));
    expect(sig('g_won * g_won')).toBe(sig('g_won'));
    expect(sig('g_won')).not.toBe(sig('g_goalHeld'));
    expect(sig('g_won + g_goalHeld')).not.toBe(sig('g_won + 2 * g_goalHeld'));
    expect(sig('0 - g_goalHeld')).not.toBe(sig('g_goalHeld')); // a negative factor flips the sign
    expect(sig('1 + g_goalHeld', false)).not.toBe(sig('g_goalHeld', false)); // raw payment keeps the constant
    expect(sig('g_goalHeld', false)).toBe(sig('( g_goalHeld )', false));
    expect(sig('g_goalHeld').split(' ')).toHaveLength(32);
  });

  it('eventScale against a direct computation', () => {
    const e = 1e-6;
    const f = (won: number, held: number): number => won / 2 - 3 * held;
    const { zero, scale } = eventScale(parseFormula('g_won / 2 - 3 * g_goalHeld', ['g_won', 'g_goalHeld']));
    expect(zero).toBe(f(e, e));
    const changes = [[1 + e, e], [e, 1 + e], [1 + e, 1 + e]].map(([a, b]) => Math.abs(f(a, b) - f(e, e)));
    expect(scale).toBe(Math.max(...changes));
    expect(eventScale(parseFormula('g_won - g_won', ['g_won'])).scale).toBe(0);
  });

  it('gives every training env its own first-fire memory', () => {
    const job: InnerJob = { envId: 'textworld/ALFWorld-v0', formula: 'g_won + g_goalHeld', seed: 1, steps: 512, evalSplit: 'valid_seen', evalEpisodes: 4, timing: 'first' };
    const { rewardFor } = innerRewardFactory(job);
    const a = rewardFor();
    const b = rewardFor();
    expect(a).toBeInstanceOf(FirstFireFormulaReward);
    expect(b).not.toBe(a);
    const { rewardFor: episodeFor } = innerRewardFactory({ ...job, timing: 'episode' });
    expect(episodeFor()).toBeInstanceOf(EpisodeEndReward);
    expect(innerRewardFactory({ ...job, formula: 'env' }).rewardFor()).toBeUndefined();
  });

  it('scores one trained policy on extra splits', async () => {
    const job: InnerJob = { envId: 'textworld/ALFWorld-v0', formula: 'g_won + g_goalHeld', seed: 3, steps: 512, evalSplit: 'valid_seen', extraEvalSplits: ['valid_seen', 'valid_unseen'], evalEpisodes: 8, timing: 'first' };
    const [r] = await runInnerJobs([job], 1);
    if ('error' in r) throw new Error(r.error);
    expect(Object.keys(r.extraScores ?? {}).sort()).toEqual(['valid_seen', 'valid_unseen']);
    expect(r.extraScores?.valid_seen).toBe(r.score); // same split, same evaluation seed
    const [bad] = await runInnerJobs([{ ...job, envId: 'robotics/Reach-v0', formula: 'g_success', extraEvalSplits: ['x'], timing: 'step' }], 1);
    expect('error' in bad && bad.error).toMatch(/has no splits/);
    const [first] = await runInnerJobs([{ ...job, envId: 'robotics/Reach-v0', extraEvalSplits: undefined, formula: 'g_success' }], 1);
    expect('error' in first && first.error).toMatch(/timing 'first' .* text worlds only/);
  }, 120_000);

  it('names bad flags and exits 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--iterations', 'many'], /--iterations must be a non-negative integer, got 'many'/],
      [['--population', '1'], /--population: .*got '1'/],
      [['--env', 'classic/CartPole-v1'], /--env: /],
      [['--env', 'nope/Nope-v0'], /--env: unknown env id 'nope\/Nope-v0'/],
      [['--timing', 'sometimes'], /--timing: .*got 'sometimes'/],
      [['--env', 'robotics/Reach-v0', '--timing', 'first'], /--timing: 'first' .* text worlds only, not 'robotics\/Reach-v0'/],
      [['--inner-steps', '100'], /--inner-steps: must be at least one rollout of the inner learner \(512 env steps\), got 100/],
      [['--bogus'], /unknown option '--bogus'/],
      [['--rescore-top', '-1'], /--rescore-top must be a non-negative integer, got '-1'/],
      [['--rescore-seeds', '17'], /--rescore-seeds: .*got '17'/],
    ];
    const defaults = parseDerlArgs([]);
    expect(defaults === 'help' ? null : [defaults.rescoreTop, defaults.rescoreSeeds]).toEqual([3, 3]);
    for (const [argv, re] of cases) {
      expect(() => parseDerlArgs(argv), argv.join(' ')).toThrow(DerlArgsError);
      expect(() => parseDerlArgs(argv)).toThrow(re);
    }
    const { code, err } = await captureStderr(() => main(['--population', '1']));
    expect(code).toBe(2);
    expect(err).toMatch(/^derl: --population/);
  });
});
