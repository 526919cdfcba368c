/** Dopamine composition: demos with true progress, the shipped GRM loads, one-shot adaptation helps. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { behaviourClone, clonedPolicy } from '../../agents/bc.ts';
import { adaptOneShot, boundariesOf, expertDemonstrations, incrementFidelity, loadDemo, loadDopamineReward, loadGrm, progressBehaviour, progressCorrelation, recordEpisode, taskDef, toDemo, VIEW_DIM } from '../../cli/dopamine.ts';
import { main as trainGrmMain } from '../../cli/train_grm.ts';

describe('dopamine demos and model', () => {
  it('an expert demo ends in success with true progress 1, and subtask boundaries split it', () => {
    const ep = recordEpisode('robotics/DrawerOpen-v0', 5);
    expect(ep.success).toBe(true);
    expect(ep.progress.at(-1)).toBe(1);
    expect(ep.views.length).toBe(ep.progress.length);
    expect(ep.views[0].length).toBe(VIEW_DIM);
    const b = boundariesOf(ep.progress);
    expect(b.length).toBe(2);
    expect(ep.progress[b[0]]).toBeGreaterThanOrEqual(1 / 3);
    expect(boundariesOf([0, 0.1, 0.2, 1])).toEqual([]);
  });

  it('the shipped weights load; on a task never trained on, Φ follows progress, and one-shot adaptation sharpens its increments', () => {
    const grm = loadGrm();
    const held = [40_000, 40_001, 40_002].map((s) => recordEpisode('robotics/DrawerOpen-v0', s));
    const perturbed = [40_010, 40_011, 40_012].map((s) => recordEpisode('robotics/DrawerOpen-v0', s, 0.3));
    const demo = recordEpisode('robotics/DrawerOpen-v0', 40_100);
    const adapted = adaptOneShot(grm, toDemo(demo), { epochs: 30 });
    // The entity-centric state view lets the model read the drawer's hook as the thing to move to the goal.
    expect(progressCorrelation(grm, held, demo).meanSpearman).toBeGreaterThan(0.9);
    expect(progressCorrelation(adapted, held, demo).meanSpearman).toBeGreaterThan(0.9);
    // What PBRS feeds the learner: ΔΦ against Δ true progress, on noisy-expert transitions.
    const before = incrementFidelity(grm, perturbed, demo).deltaR;
    const after = incrementFidelity(adapted, perturbed, demo).deltaR;
    expect(after).toBeGreaterThan(0.7);
    expect(after).toBeGreaterThan(before);
  }, 60_000);

  it('increment fidelity: levels and increments of Φ against true progress over every transition', () => {
    const ref = recordEpisode('robotics/Reach-v0', 30_200);
    const eps = [recordEpisode('robotics/Reach-v0', 40_000, 0.3), recordEpisode('robotics/Reach-v0', 40_001, 1)];
    const f = incrementFidelity(loadGrm(), eps, ref);
    const deltas = eps.flatMap((e) => e.progress.slice(1).map((p, t) => p - e.progress[t]));
    expect(f.transitions).toBe(deltas.length);
    expect(f.rmsDeltaTrue).toBeCloseTo(Math.sqrt(deltas.reduce((q, d) => q + d * d, 0) / deltas.length), 12);
    for (const r of [f.levelR, f.deltaR]) expect(Math.abs(r)).toBeLessThanOrEqual(1);
    expect(f.levelR).toBeGreaterThan(0.3); // a trained task: Φ's level follows progress
    expect(f.rmsDeltaLearned).toBeGreaterThan(0);
  });

  it('refuses missing or mismatched weights naming the file', () => {
    expect(() => loadGrm('/nonexistent/grm.safetensors')).toThrow(/no GRM weights at \/nonexistent/);
  });

  it('a recorded demo file round-trips into the Dopamine reward; bad demo files are refused naming the problem', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-demo-'));
    const file = path.join(dir, 'demo.json');
    expect(await trainGrmMain(['--record-demo', 'robotics/DrawerOpen-v0', '--seed', '3', '--out', file])).toBe(0);
    const d = loadDemo(file, 'robotics/DrawerOpen-v0');
    expect(d.progress.at(-1)).toBe(1);
    const r = loadDopamineReward('robotics/DrawerOpen-v0', 0.95, { demoPath: file });
    expect(r.info.demo).toBe(file);
    const s0 = d.states[0];
    const s1 = d.states[d.states.length - 1];
    // PBRS: F = γΦ(s') − Φ(s), and Φ is higher at the demo's goal than at its start.
    const f = r.reward.compute(s0, [0, 0, 0, 0], s1, {}, { terminated: false, truncated: false });
    expect(f).toBeCloseTo(0.95 * r.potential.phi(s1) - r.potential.phi(s0), 5);
    expect(r.potential.phi(s1)).toBeGreaterThan(r.potential.phi(s0) + 0.5);
    expect(() => loadDemo(file, 'robotics/Push-v0')).toThrow(/the demo is of task "robotics\/DrawerOpen-v0"/);
    fs.writeFileSync(file, '{"format":"rewardforge-demo-v1","task":"robotics/DrawerOpen-v0","states":[{},{},{}]}');
    expect(() => loadDemo(file, 'robotics/DrawerOpen-v0')).toThrow(/states\[0\] is not a robotics\/DrawerOpen-v0 state snapshot/);
    expect(await trainGrmMain(['--record-demo', 'robotics/Nope-v0', '--out', file])).toBe(2);
  }, 60_000);

  it('train:env --reward dopamine trains with the shaped sparse reward and records the generator; bad combinations exit 2', async () => {
    const { main } = await import('../../cli/train.ts');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-dop-run-'));
    const run = path.join(out, 'run');
    expect(await main(['--env', 'robotics/Reach-v0', '--env-arg', 'reward=sparse', '--reward', 'dopamine', '--steps', '1024', '--set', 'numEnvs=4', '--set', 'numSteps=64', '--eval-episodes', '2', '--out', run, '--quiet'])).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(run, 'summary.json'), 'utf8'));
    expect(summary.reward.kind).toBe('dopamine');
    expect(summary.reward.gold).toBe('sparse');
    expect(summary.reward.potentialEvaluations).toBeGreaterThan(1024);
    expect(await main(['--env', 'classic/CartPole-v1', '--reward', 'dopamine'])).toBe(2);
    expect(await main(['--env', 'robotics/Reach-v0', '--demo', 'x.json'])).toBe(2);
    expect(await main(['--env', 'robotics/Reach-v0', '--reward', 'dopamine', '--demo', path.join(out, 'missing.json'), '--out', path.join(out, 'r2')])).toBe(2);
  }, 60_000);

  it('progressBehaviour: how greedy episodes end in true progress', () => {
    const still = { obsDim: 0, actDim: 4, act: (_o: Float32Array, b: number, out: Float32Array) => out.fill(0, 0, b * 4) };
    const idle = progressBehaviour('robotics/DrawerOpen-v0', still, 5, 2);
    expect(idle.success).toBe(0);
    expect(idle.meanLength).toBe(taskDef('robotics/DrawerOpen-v0').maxEpisodeSteps);
    expect(idle.meanMaxProgress).toBeGreaterThanOrEqual(idle.meanFinalProgress);
    const clone = clonedPolicy(behaviourClone(expertDemonstrations('robotics/DrawerOpen-v0', [1, 2, 3]).demos));
    const imitator = progressBehaviour('robotics/DrawerOpen-v0', clone, 5, 4);
    expect(imitator.meanMaxProgress).toBeGreaterThan(idle.meanMaxProgress);
    for (const b of [idle, imitator]) expect(b['shareOfStepsAtProgress≥0.8']).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('train:env --bc-demos N starts the actor from a clone of the scripted expert and records it; bad uses exit 2', async () => {
    const { main } = await import('../../cli/train.ts');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-bc-run-'));
    const run = path.join(out, 'run');
    expect(await main(['--env', 'robotics/DrawerOpen-v0', '--env-arg', 'reward=sparse', '--bc-demos', '2', '--steps', '512', '--set', 'numEnvs=4', '--set', 'numSteps=64', '--eval-episodes', '2', '--out', run, '--quiet'])).toBe(0);
    const config = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8'));
    expect(config.behaviourCloning.episodes).toBe(2);
    expect(config.behaviourCloning.expertSuccesses).toBe(2);
    expect(config.behaviourCloning.samples).toBeGreaterThan(20);
    expect(config.behaviourCloning.finalLoss).toBeLessThan(0.05);
    expect(await main(['--env', 'classic/Pendulum-v1', '--bc-demos', '2', '--out', path.join(out, 'r2')])).toBe(2);
    expect(await main(['--env', 'robotics/DrawerOpen-v0', '--bc-demos', '0', '--out', path.join(out, 'r3')])).toBe(2);
    expect(await main(['--env', 'robotics/DrawerOpen-v0', '--agent', 'dqn', '--bc-demos', '1', '--out', path.join(out, 'r4')])).toBe(2);
    expect(fs.existsSync(path.join(out, 'r2'))).toBe(false);
  }, 60_000);
});
