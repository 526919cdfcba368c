/** The Gymnasium shell: checkEnv on every id, determinism of games and transcripts, reward/termination/truncation, options. */
import { describe, expect, it } from 'vitest';
import { make, makeVec } from '../../../envs/index.ts';
import { TextWorldEnv } from '../../../envs/textworld/textworld_env.ts';
import { textworldRegistrations } from '../../../envs/textworld/registry.ts';
import { TASK_TYPES, TASKS } from '../../../envs/textworld/tasks.ts';
import { checkEnv } from '../../../sim/check_env.ts';
import type { Env } from '../../../sim/env.ts';
import { Rng } from '../../../sim/rng.ts';

/** A transcript of a random admissible-command policy (seeded). */
function transcript(env: Env<string, string>, seed: number, steps: number): string[] {
  const rng = new Rng(seed);
  const [obs, info] = env.reset({ seed });
  const out = [obs];
  let adm = info.admissible as string[];
  for (let t = 0; t < steps; t++) {
    const cmd = adm[rng.int(adm.length)];
    const [o, r, term, trunc, i] = env.step(cmd);
    out.push(`> ${cmd}`, o, String(r), String(term), String(trunc));
    adm = i.admissible as string[];
    if (term || trunc) {
      const [o2, i2] = env.reset();
      out.push(o2);
      adm = i2.admissible as string[];
    }
  }
  return out;
}

describe('textworld env', () => {
  for (const reg of textworldRegistrations) {
    it(`${reg.id} passes checkEnv`, () => {
      expect(() => checkEnv(make(reg.id))).not.toThrow();
    });
  }

  it('registers ALFWorld, the choice variant and one id per task type', () => {
    expect(textworldRegistrations.map((r) => r.id).sort()).toEqual(
      ['ALFWorld', 'ALFWorldChoice', 'LookAtObjInLight', 'PickAndPlace', 'PickCleanThenPlace', 'PickCoolThenPlace', 'PickHeatThenPlace', 'PickTwoObjAndPlace'].map((n) => `textworld/${n}-v0`),
    );
    for (const reg of textworldRegistrations) expect(reg.maxEpisodeSteps).toBe(50);
  });

  it('same seed → same game and same transcript; other seeds differ', () => {
    const a = transcript(make('textworld/ALFWorld-v0') as Env<string, string>, 3, 120);
    const b = transcript(make('textworld/ALFWorld-v0') as Env<string, string>, 3, 120);
    expect(a).toEqual(b);
    expect(transcript(make('textworld/ALFWorld-v0') as Env<string, string>, 4, 120)).not.toEqual(a);
    const e1 = new TextWorldEnv();
    const e2 = new TextWorldEnv();
    e1.reset({ seed: 10 });
    e2.reset({ seed: 10 });
    expect(e1.game).toEqual(e2.game);
    expect(e1.state()).toEqual(e2.state());
  });

  it('truncates at 50 steps (a parameter), terminates only on won, rewards 1 once', () => {
    const env = make('textworld/ALFWorld-v0');
    env.reset({ seed: 1 });
    for (let t = 1; t <= 50; t++) {
      const [obs, r, term, trunc] = env.step('look');
      expect(obs).toBe('You are in the middle of a room. Looking quickly around you, you see nothing.');
      expect([r, term, trunc]).toEqual([0, false, t === 50]);
    }
    const short = make('textworld/ALFWorld-v0', { maxEpisodeSteps: 5 });
    short.reset({ seed: 1 });
    for (let t = 1; t <= 5; t++) expect(short.step('inventory')[3]).toBe(t === 5);

    const tw = new TextWorldEnv();
    tw.reset({ seed: 2 });
    const plan = tw.expertPlan();
    const rewards = plan.map((c) => tw.step(c)[1]);
    expect(rewards).toEqual([...new Array(plan.length - 1).fill(0), 1]);
    const after = tw.step('look');
    expect([after[1], after[2]]).toEqual([0, true]); // still won, no second reward
  });

  it('info: sorted admissible commands, won, and at reset the task, goal, split and game seed', () => {
    const env = new TextWorldEnv({ split: 'valid_unseen', taskTypes: ['pick_cool_then_place'] });
    const [obs, info] = env.reset({ seed: 5 });
    expect(info.taskType).toBe('pick_cool_then_place');
    expect(info.split).toBe('valid_unseen');
    expect(obs).toContain(`Your task is to: ${info.goal as string}`);
    expect(Number.isInteger(info.gameSeed)).toBe(true);
    const adm = info.admissible as string[];
    expect([...adm].sort()).toEqual(adm);
    expect(Object.isFrozen(adm)).toBe(true);
    expect(info.won).toBe(false);
    // gameSeed replays the same game through reset options
    const other = new TextWorldEnv({ split: 'valid_unseen', taskTypes: ['pick_cool_then_place'] });
    expect(other.reset({ options: { gameSeed: info.gameSeed } })[0]).toBe(obs);
    // reset options override split and task types for one episode
    const [, info2] = env.reset({ options: { split: 'train', taskTypes: ['look_at_obj_in_light'] } });
    expect([info2.split, info2.taskType]).toEqual(['train', 'look_at_obj_in_light']);
  });

  it('errors name the field and the value', () => {
    expect(() => make('textworld/ALFWorld-v0', { kwargs: { split: 'test' } })).toThrow(/parameter 'split' = "test"/);
    expect(() => make('textworld/ALFWorld-v0', { kwargs: { taskTypes: ['cook'] } })).toThrow(/taskTypes/);
    expect(() => make('textworld/ALFWorld-v0', { kwargs: { colour: 1 } })).toThrow(/unknown parameter\(s\) 'colour'/);
    const env = new TextWorldEnv();
    expect(() => env.step('look')).toThrow(/reset\(\)/);
    env.reset({ seed: 0 });
    expect(() => env.reset({ options: { gameSeed: -1 } })).toThrow(/gameSeed/);
    expect(() => env.step(3 as unknown as string)).toThrow(/command string/);
  });

  it('per-task ids only draw their task type; kwargs can narrow ALFWorld-v0', () => {
    for (const task of TASK_TYPES) {
      const env = make(`textworld/${TASKS[task].envName}-v0`);
      for (let s = 0; s < 5; s++) expect(env.reset({ seed: s })[1].taskType).toBe(task);
    }
    const narrowed = make('textworld/ALFWorld-v0', { kwargs: { taskTypes: ['pick_heat_then_place'] } });
    for (let s = 0; s < 10; s++) expect(narrowed.reset({ seed: s })[1].taskType).toBe('pick_heat_then_place');
  });

  it('state() is a snapshot, success(state) agrees with info.won, render draws the state', () => {
    const env = new TextWorldEnv();
    env.reset({ seed: 12 });
    const s0 = env.state();
    const f0 = env.render();
    expect([f0.width, f0.height, f0.data.length]).toEqual([320, 240, 320 * 240 * 3]);
    const plan = env.expertPlan();
    const before = JSON.stringify(s0);
    let won = false;
    for (const c of plan) {
      const r = env.step(c);
      won = r[4].won as boolean;
      expect(env.success(env.state())).toBe(won);
    }
    expect(won).toBe(true);
    expect(JSON.stringify(s0)).toBe(before);
    expect(env.render().data).not.toEqual(f0.data);
    expect(env.render({ width: 64, height: 48 }).data.length).toBe(64 * 48 * 3);
    expect(() => env.render({ camera: 'top' })).toThrow(/camera 'top'/);
  });

  it('works in the generic (sync) vector env', () => {
    const vec = makeVec('textworld/ALFWorldChoice-v0', 3, { vectorization: 'sync' });
    const [obs, infos] = vec.reset({ seed: 1 });
    expect(obs.length).toBe(3 * vec.obsDim);
    expect((infos.actionMask as Int8Array[]).length).toBe(3);
    const [, reward, term, trunc] = vec.step(new Float32Array([0, 1, 2]));
    expect(Array.from(reward)).toEqual([0, 0, 0]);
    expect(Array.from(term)).toEqual([0, 0, 0]);
    expect(Array.from(trunc)).toEqual([0, 0, 0]);
    vec.close();
  });
});
