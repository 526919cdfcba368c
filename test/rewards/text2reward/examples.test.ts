/** Few-shot examples: each passes check on its own task; selection picks the most similar *other* task. */
import { describe, expect, it } from 'vitest';
import { make } from '../../../envs/index.ts';
import { sampleTransitions } from '../../../rewards/lang/preflight.ts';
import { ROBOTICS_EXAMPLES, selectExample } from '../../../rewards/text2reward/examples.ts';
import { validateCandidate } from '../../../rewards/text2reward/generate.ts';
import { buildMessages } from '../../../rewards/text2reward/prompt.ts';

describe('few-shot reward examples', () => {
  for (const ex of ROBOTICS_EXAMPLES) {
    it(`${ex.task}: the example passes the checker and the pre-flight on its own task`, () => {
      const env = make(ex.task);
      env.reset({ seed: 0 });
      const v = validateCandidate(ex.code, { sampleState: env.state(), transitions: sampleTransitions(make(ex.task), 1000, 0) });
      expect('error' in v ? v.error : 'ok').toBe('ok');
      env.close();
    });
  }

  it('selects the most similar other task, never the task itself', () => {
    expect(selectExample('pick up the cube and place it at the goal', 'robotics/PickPlace-v0')!.task).not.toBe('robotics/PickPlace-v0');
    expect(selectExample('pick up the cube and place it at the goal', 'robotics/Push-v0')!.task).toBe('robotics/PickPlace-v0');
    expect(selectExample('open the drawer', 'robotics/Reach-v0')!.task).toBe('robotics/DrawerOpen-v0');
    const msgs = buildMessages({ instruction: 'stack the cubes', abstraction: 'interface State {}', example: ROBOTICS_EXAMPLES[2] });
    expect(msgs[1].content).toContain('Here is an example reward for a different task ("pick up the cube');
  });
});
