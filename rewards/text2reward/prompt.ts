/**
 * Text2Reward-style prompts (Xie et al., ICLR 2024), in our own words: a role, the typical parts of a
 * dense reward, the env's compact state description (`abstraction()`), knowledge about staged rewards,
 * an optional example (k = 1, an expert reward of another task), the instruction, and the rules of the
 * restricted reward language the answer must be written in.
 */
import { HELPER_DOCS } from '../lang/helpers.ts';
import type { ChatMessage } from './client.ts';

export const LANGUAGE_RULES = `The reward function is written in a restricted JavaScript subset. The program is exactly one function:

function reward(state, action, next, terms) { ... return <number>; }

- state: the state before the action; next: the state after it; action: the action taken (an array of numbers
  or a number); terms: write-only, record each component of your reward with terms.<name> = <value>.
- Allowed: const and let (with an initial value), assignments to let variables (=, +=, -=, *=, /=),
  terms.<name> = value, if / else, return, numbers and true/false, + - * / % **, comparisons, && || ??, ! and
  unary -, the ternary operator, small array literals, field reads by plain name (next.cube.pose.p) or by
  numeric index (p[0]), and calls to the helpers listed below.
- Not allowed: loops, other functions (no arrow functions, no recursion), strings, template strings, objects
  literals, this, new, globals, computed names such as obj[k], try/catch, ++/--.
- The function must return a finite number on every state; guard divisions, logarithms and square roots.`;

export const DENSE_REWARD_PARTS = `A dense reward usually has these parts:
1. the distance from the gripper (end effector) to the object it must act on;
2. the difference between the object's current state and its goal state (position, opening, height);
3. a small penalty on the action magnitude, for smooth motion;
4. optional constraints or bonuses (e.g. the object must stay grasped while moving).
Staged rewards work well: nest if / else on the progress of the task (reached? grasped? lifted? placed?),
give every later stage a higher base value than any earlier one, and give success a bonus larger than any
value reachable without success. Shape distances with 1 - tanh(k * d) (the helper closeness(d, k)).
Episodes may end as soon as the task succeeds: keep every non-success reward negative (for example
stage / maxStage - 1) and return the largest value on success, so that finishing is never worse than
hovering near the goal.`;

export interface PromptInput {
  /** The goal sentence. */
  readonly instruction: string;
  /** The env's `abstraction()`. */
  readonly abstraction: string;
  /** Extra helper docs from the env family (name and meaning), shown with the core helpers. */
  readonly extraHelperDocs?: readonly string[];
  /** One example reward of another task, in the same language. */
  readonly example?: { readonly instruction: string; readonly code: string };
}

export function buildMessages(p: PromptInput): ChatMessage[] {
  const helpers = [...HELPER_DOCS, ...(p.extraHelperDocs ?? [])].map((h) => `- ${h}`).join('\n');
  const example = p.example
    ? `\nHere is an example reward for a different task ("${p.example.instruction}"), written in the same language:\n\`\`\`js\n${p.example.code.trim()}\n\`\`\`\n`
    : '';
  const system =
    'You are an expert in reinforcement learning, robotics and code generation. You write dense reward functions ' +
    'that help an agent learn a task quickly, and you write them in a restricted JavaScript language that is checked before it runs.';
  const user = `${DENSE_REWARD_PARTS}

The environment's state is described below (TypeScript-like):
\`\`\`ts
${p.abstraction.trim()}
\`\`\`

${LANGUAGE_RULES}

Helpers you may call:
${helpers}
${example}
I want it to fulfill the following task: ${p.instruction.trim()}

Answer with one fenced \`\`\`js code block that contains only the reward function, with short comments.`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/** The message that sends checker or pre-flight errors back to the model. */
export function repairMessage(errors: string): ChatMessage {
  return {
    role: 'user',
    content: `The code was rejected before it ran:\n${errors}\n\nFix every problem and answer again with one fenced \`\`\`js block containing only the reward function.`,
  };
}

/** Human-feedback refinement (Text2Reward §2.3): previous code, what the agent did, the user's feedback. */
export function feedbackMessages(base: readonly ChatMessage[], previousCode: string, behaviour: string, feedback: string): ChatMessage[] {
  return [
    ...base,
    { role: 'assistant', content: `\`\`\`js\n${previousCode.trim()}\n\`\`\`` },
    {
      role: 'user',
      content: `An agent was trained with this reward. What it did: ${behaviour.trim()}\nFeedback from the user: ${feedback.trim()}\n` +
        'Re-imagine which steps are missing or wrong, and write an improved reward function. Answer with one fenced ```js block.',
    },
  ];
}
