/** Dopamine composition: demos with true progress, the shipped GRM loads, one-shot adaptation helps. */
import { describe, expect, it } from 'vitest';
import { adaptOneShot, boundariesOf, loadGrm, progressCorrelation, recordEpisode, toDemo, VIEW_DIM } from '../../cli/dopamine.ts';

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

  it('the shipped weights load; one-shot adaptation on one demo of a new task raises the correlation with true progress', () => {
    const grm = loadGrm();
    const held = [40_000, 40_001, 40_002].map((s) => recordEpisode('robotics/DrawerOpen-v0', s));
    const demo = recordEpisode('robotics/DrawerOpen-v0', 40_100);
    const before = progressCorrelation(grm, held, demo).meanSpearman;
    const after = progressCorrelation(adaptOneShot(grm, toDemo(demo), { epochs: 30 }), held, demo).meanSpearman;
    expect(after).toBeGreaterThan(0.8);
    expect(after).toBeGreaterThan(before + 0.2);
  }, 60_000);

  it('refuses missing or mismatched weights naming the file', () => {
    expect(() => loadGrm('/nonexistent/grm.safetensors')).toThrow(/no GRM weights at \/nonexistent/);
  });
});
