/**
 * AdmissibleChoice — the text env seen by agents that CHOOSE a command instead of typing one.
 *
 * ## Action — `Discrete(maxChoices)` (default 128)
 * Action i sends `info.admissible[i]` of the previous step (or reset) to the text env. An index past
 * the end of the list is an invalid command: "Nothing happens.", state unchanged (like a typed command
 * that makes no sense). Sample valid actions with `actionSpace.sample({ mask: info.actionMask })`.
 *
 * ## Observation
 * Unchanged (`Text`, the env's message). Info gains `actionMask: Int8Array(maxChoices)` (1 for the
 * indices of `info.admissible`) and, after a step, `command` (the text that was sent).
 *
 * ## Reward, termination, truncation
 * Those of the wrapped env (registered as `textworld/ALFWorldChoice-v0`: binary `won`, terminated on
 * `won`, 50-step TimeLimit).
 *
 * Every game of the family has fewer than 128 admissible commands in any state (tested); a longer list
 * would be an error rather than a silently truncated choice.
 *
 * ## Version history
 * - v0: first version.
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../../sim/env.ts';
import { Discrete } from '../../sim/spaces/discrete.ts';
import type { Space } from '../../sim/spaces/space.ts';
import { Wrapper } from '../../sim/wrappers/wrapper.ts';

export const DEFAULT_MAX_CHOICES = 128;

export class AdmissibleChoice<State = unknown> extends Wrapper<string, number, State, string, string> {
  readonly maxChoices: number;
  private readonly choiceSpace: Discrete;
  private commands: readonly string[] = [];

  constructor(env: Env<string, string, State>, maxChoices = DEFAULT_MAX_CHOICES) {
    super(env);
    if (!Number.isInteger(maxChoices) || maxChoices < 1) throw new RangeError(`AdmissibleChoice: maxChoices must be a positive integer, got ${maxChoices}`);
    this.maxChoices = maxChoices;
    this.choiceSpace = new Discrete(maxChoices);
  }

  override get actionSpace(): Space<number> {
    return this.choiceSpace;
  }

  /** The commands the indices refer to now. */
  get admissible(): readonly string[] {
    return this.commands;
  }

  private withMask(info: Record<string, unknown>): Record<string, unknown> {
    const adm = info.admissible;
    if (!Array.isArray(adm)) throw new Error('AdmissibleChoice: the wrapped env must report info.admissible (a string array)');
    if (adm.length > this.maxChoices) throw new RangeError(`AdmissibleChoice: ${adm.length} admissible commands exceed maxChoices = ${this.maxChoices}`);
    this.commands = adm as readonly string[];
    const mask = new Int8Array(this.maxChoices);
    mask.fill(1, 0, adm.length);
    info.actionMask = mask;
    return info;
  }

  override reset(opts?: ResetOptions): ResetResult<string> {
    const [obs, info] = this.env.reset(opts);
    return [obs, this.withMask(info)];
  }

  override step(action: number): StepResult<string> {
    if (!this.choiceSpace.contains(action)) throw new RangeError(`AdmissibleChoice: action must be an integer in [0, ${this.maxChoices}), got ${String(action)}`);
    // An index past the list is an invalid command; '' parses to nothing, so "Nothing happens.".
    const command = action < this.commands.length ? this.commands[action] : '';
    const r = this.env.step(command);
    const info = this.withMask(r[4]);
    info.command = command;
    return [r[0], r[1], r[2], r[3], info];
  }
}
