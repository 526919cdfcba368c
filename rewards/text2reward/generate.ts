/**
 * The execute → error → regenerate loop. Each response's first fenced code block is checked by the
 * reward language's checker (against a sample state) and pre-flighted on random transitions; any error
 * goes back to the model as a message, up to `maxRounds` responses. The transcript of every round is
 * returned (and, by the CLI, saved in the run directory) whatever the outcome.
 */
import { RewardLangError } from '../lang/checker.ts';
import { compileReward, type CompiledReward } from '../lang/compile.ts';
import { PreflightError, preflight, type PreflightReport, type Transition } from '../lang/preflight.ts';
import type { ChatClient, ChatMessage } from './client.ts';
import { extractFirstCodeBlock } from './extract.ts';
import { repairMessage } from './prompt.ts';

export interface EnvContext {
  /** A state snapshot: field names are checked against it. */
  readonly sampleState: unknown;
  /** Random transitions for the pre-flight (≥ 1000). */
  readonly transitions: readonly Transition[];
  readonly extraHelpers?: Readonly<Record<string, number>>;
  readonly extraHelperFns?: Readonly<Record<string, (...args: never[]) => number>>;
}

export interface Round {
  readonly response: string;
  readonly code: string | undefined;
  /** Why the round was rejected (undefined = accepted). */
  readonly error: string | undefined;
}

export interface GenerationResult {
  readonly code: string;
  readonly compiled: CompiledReward;
  readonly preflight: PreflightReport;
  readonly rounds: readonly Round[];
  readonly messages: readonly ChatMessage[];
  readonly generator: string;
}

export class GenerationFailed extends Error {
  constructor(message: string, readonly rounds: readonly Round[], readonly messages: readonly ChatMessage[]) {
    super(message);
    this.name = 'GenerationFailed';
  }
}

/** Check and pre-flight one candidate; returns the compiled reward or the error text for the model. */
export function validateCandidate(code: string, ctx: EnvContext): { compiled: CompiledReward; report: PreflightReport } | { error: string } {
  let compiled: CompiledReward;
  try {
    compiled = compileReward(code, { sampleState: ctx.sampleState, extraHelpers: ctx.extraHelpers, extraHelperFns: ctx.extraHelperFns });
  } catch (e) {
    if (e instanceof RewardLangError) return { error: e.message };
    return { error: `compile error: ${(e as Error).message}` };
  }
  try {
    return { compiled, report: preflight(compiled, ctx.transitions) };
  } catch (e) {
    if (e instanceof PreflightError) return { error: e.message };
    throw e;
  }
}

export async function generateWithRepair(client: ChatClient, messages: readonly ChatMessage[], ctx: EnvContext, maxRounds = 4): Promise<GenerationResult> {
  if (!Number.isInteger(maxRounds) || maxRounds < 1) throw new RangeError(`maxRounds must be a positive integer, got ${maxRounds}`);
  const convo: ChatMessage[] = [...messages];
  const rounds: Round[] = [];
  for (let r = 0; r < maxRounds; r++) {
    const response = await client.complete(convo);
    convo.push({ role: 'assistant', content: response });
    const code = extractFirstCodeBlock(response);
    if (code === undefined) {
      const error = 'the answer has no fenced code block';
      rounds.push({ response, code, error });
      convo.push(repairMessage(`${error}; put the function in a \`\`\`js block.`));
      continue;
    }
    const v = validateCandidate(code, ctx);
    if ('error' in v) {
      rounds.push({ response, code, error: v.error });
      convo.push(repairMessage(v.error));
      continue;
    }
    rounds.push({ response, code, error: undefined });
    return { code, compiled: v.compiled, preflight: v.report, rounds, messages: convo, generator: client.model };
  }
  const last = rounds[rounds.length - 1]?.error ?? 'no answer';
  throw new GenerationFailed(`${client.model} produced no valid reward in ${maxRounds} rounds; last problem: ${last}`, rounds, convo);
}
