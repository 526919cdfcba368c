import { describe, expect, it } from 'vitest';
import { trainingSuccess } from '../../bench/text2reward.ts';

describe('trainingSuccess (success against rollouts used)', () => {
  it('moving rate over 100 episodes at the marks, and the first count where it reaches 0.9', () => {
    const wins = [...Array(100).fill(0), ...Array(200).fill(1)];
    const t = trainingSuccess(wins);
    expect(t.byRollouts['150']).toBe(0.5);
    expect(t.byRollouts['300']).toBe(1);
    expect(t.rolloutsTo90).toBe(190);
    expect(trainingSuccess(Array(500).fill(0)).rolloutsTo90).toBeNull();
    // fewer than 100 episodes never count as having reached 0.9
    expect(trainingSuccess(Array(99).fill(1)).rolloutsTo90).toBeNull();
  });
});
