/**
 * WebNavEnv — MiniWoB-style web tasks (Shi et al. 2017, Liu et al. 2018) written as our own pages, each a
 * seeded generator of page + instruction with a validator and a scripted expert (tasks/). One task code
 * runs on two backends: `fast` (happy-dom in this process, for training) and `chromium` (Debian's
 * Chromium through playwright-core, for fidelity and screenshots).
 *
 * ## Observation — `WebObservationSpace` (observation.ts)
 * `{ utterance, fields, axtree, elements, screenshot }`: the instruction and its fields, the page's
 * accessibility tree as `[ref] role 'name'` lines (refs stable within an episode), the same elements as
 * records (bbox in Chromium only), and a screenshot with `screenshot: true` on Chromium (else null).
 *
 * ## Action — `WebActionSpace` (actions.ts)
 * `click(ref)`, `fill(ref, text)`, `select_option(ref, option)`, `press(ref, key)` (Enter, Escape),
 * `scroll(dx, dy)`, structured (`{type: 'click', ref: 12}`) or as BrowserGym-style strings
 * (`click("12")`). A malformed action, an unknown or hidden ref, or an action that does not fit the
 * element sets `info.lastActionError` and changes nothing; the step still counts on the clock.
 *
 * ## Reward (kwarg `reward`)
 * - `miniwob` (default): on success `max(0, 1 − t/T)`, with t the steps taken and T the task's step clock
 *   (MiniWoB's `1 − t/T` with a step-based clock, so it is deterministic); −1 on failure or timeout.
 * - `binary`: +1 on success, −1 on failure or timeout.
 * - `raw`: the validator's verdict only: +1 success, −1 failure, 0 otherwise (timeouts included).
 * Every non-final step gives 0.
 *
 * ## Termination and truncation
 * terminated when the validator decides (success or failure: e.g. a wrong button was clicked); truncated
 * when t reaches T without a verdict (the env's own clock, since the timeout penalty depends on it; the
 * registration's TimeLimit is the same T).
 *
 * ## Info
 * Every step: `lastActionError` (string or null), `verdict` (1 / −1 / 0), `action` (the action's string
 * form, or null when malformed). Reset: `task`, `taskSeed`, `backend`.
 *
 * ## Parameters (kwargs) and reset options
 * kwargs: `task` (a task name, required), `backend` ('fast' | 'chromium', default 'fast'), `reward`
 * ('miniwob' | 'binary' | 'raw'), `screenshot` (Chromium only, default false), `maxSteps` (override T).
 * Reset options: `taskSeed` (replay a given page). Without it each reset draws one from the env's RNG.
 *
 * ## Reward context
 * `state()`: `WebNavState` (task, utterance, fields, goal, step, verdict and the page's facts — clicks,
 * submissions, field values, checked boxes, focus, current page); `abstraction()`: its TypeScript
 * description; `success(state)`: `state.verdict === 1`. `render({width, height})` (default 240×320): the
 * Chromium screenshot (resized to the requested size), or on the fast DOM a schematic of the accessibility
 * tree (one bar per element, coloured by role, indented by depth).
 */
import { z } from 'zod';
import type { Env, EnvMetadata, EnvSpec, Frame, Info, RenderMode, RenderOptions, ResetOptions, ResetResult, StepResult } from '../../sim/env.ts';
import { frameSize } from '../../sim/render/frame_size.ts';
import { Raster } from '../../sim/render/raster.ts';
import { assertSeed, Rng } from '../../sim/rng.ts';
import { parseParams } from '../../sim/params.ts';
import { actionToString, validateAction, WebActionSpace } from './actions.ts';
import type { DomBackend } from './backends/backend.ts';
import { ChromiumBackend } from './backends/chromium.ts';
import { FastDomBackend } from './backends/fast_dom.ts';
import { type WebObservation, WebObservationSpace } from './observation.ts';
import type { TaskInstance, WebTask } from './task.ts';
import { TASKS } from './tasks/index.ts';
import type { PageFacts, Snapshot, Verdict, WebAction } from './types.ts';

export const REWARD_MODES = ['miniwob', 'binary', 'raw'] as const;
export type WebRewardMode = (typeof REWARD_MODES)[number];

export const WebNavParams = z
  .object({
    task: z.string().describe('task name, e.g. click-button (tasks/index.ts)'),
    backend: z.enum(['fast', 'chromium']).default('fast').describe('fast (happy-dom) or chromium (playwright-core + Debian chromium)'),
    reward: z.enum(REWARD_MODES).default('miniwob').describe('miniwob | binary | raw (see web_env.ts)'),
    screenshot: z.boolean().default(false).describe('put a screenshot in every observation (chromium only)'),
    maxSteps: z.number().int().positive().max(1000).optional().describe("override the task's step clock T"),
  })
  .strict();
export type WebNavParams = z.output<typeof WebNavParams>;

const ResetOptionsSchema = z.object({ taskSeed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() }).strict();

/** The privileged state generated rewards read. */
export interface WebNavState {
  readonly task: string;
  readonly utterance: string;
  readonly fields: ReadonlyArray<readonly [string, string]>;
  readonly goal: Readonly<Record<string, unknown>>;
  /** Steps taken this episode. */
  readonly step: number;
  /** The step clock T. */
  readonly maxSteps: number;
  readonly verdict: Verdict;
  readonly facts: PageFacts;
}

export const WEBNAV_ABSTRACTION = `// State of a web-navigation task (MiniWoB-style page), read-only.
interface WebNavState {
  task: string;                 // e.g. "click-button"
  utterance: string;            // the instruction shown to the agent
  fields: [string, string][];   // instruction fields, e.g. [["target", "OK"]]
  goal: Record<string, unknown>;// what success needs, e.g. { target: "OK" } (task-specific keys)
  step: number;                 // steps taken this episode
  maxSteps: number;             // the step clock T
  verdict: -1 | 0 | 1;          // validator: 1 success, -1 failure, 0 running
  facts: {
    clicks: { ref: number; id: string | null }[];   // every click, in order (id: the element's task id)
    events: { kind: string; id: string | null }[];  // widget events: show, toggle, hide, search, suggest, …
    submits: { id: string | null; values: Record<string, string>; checked: Record<string, boolean> }[];
    keys: { key: string; id: string | null }[];
    values: Record<string, string>;    // text fields and selects by task id
    checked: Record<string, boolean>;  // checkboxes and radios by task id
    focused: string | null;            // task id of the focused element
    page: string | null;               // visible page section (multi-page tasks)
    hidden: string[];                  // tracked elements hidden now (e.g. a closed dialog)
  };
}
// Success: verdict === 1.`;

export class WebNavEnv implements Env<WebObservation, WebAction | string, WebNavState> {
  readonly observationSpace = new WebObservationSpace();
  readonly actionSpace = new WebActionSpace();
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: 4, cameras: ['default'] };
  readonly renderMode: RenderMode | undefined;
  spec: EnvSpec | undefined = undefined;
  readonly params: WebNavParams;
  readonly task: WebTask;
  readonly backend: DomBackend;
  /** The step clock T. */
  readonly maxSteps: number;
  private rng = new Rng(0);
  private inst: TaskInstance | undefined;
  private snap: Snapshot | undefined;
  private t = 0;
  private verdict: Verdict = 0;
  private closed = false;

  constructor(kwargs: Record<string, unknown> = {}) {
    const { renderMode, ...rest } = kwargs as Record<string, unknown> & { renderMode?: RenderMode };
    this.params = parseParams(WebNavParams, rest, 'webnav');
    const task = TASKS[this.params.task];
    if (!task) throw new RangeError(`webnav: task '${this.params.task}' is not one of [${Object.keys(TASKS).join(', ')}]`);
    if (this.params.screenshot && this.params.backend !== 'chromium') throw new RangeError("webnav: screenshot: true needs backend 'chromium' (the fast DOM has no layout)");
    if (renderMode !== undefined && !this.metadata.renderModes.includes(renderMode)) {
      throw new RangeError(`webnav: renderMode '${String(renderMode)}' is not one of [${this.metadata.renderModes.join(', ')}]`);
    }
    this.renderMode = renderMode;
    this.task = task;
    this.maxSteps = this.params.maxSteps ?? task.maxSteps;
    this.backend = this.params.backend === 'chromium' ? new ChromiumBackend() : new FastDomBackend();
  }

  get npRandom(): Rng {
    return this.rng;
  }

  /** The running episode's task instance (privileged: experts, tests). */
  get instance(): TaskInstance {
    if (!this.inst) throw new Error('webnav: call reset() first');
    return this.inst;
  }

  /** The latest snapshot (privileged: carries `ids`). */
  get snapshot(): Snapshot {
    if (!this.snap) throw new Error('webnav: call reset() first');
    return this.snap;
  }

  private observe(): WebObservation {
    const s = this.snapshot;
    const inst = this.instance;
    return { utterance: inst.utterance, fields: inst.fields, axtree: s.axtree, elements: s.elements, screenshot: this.params.screenshot ? this.backend.screenshot() : null };
  }

  reset(opts: ResetOptions = {}): ResetResult<WebObservation> {
    if (this.closed) throw new Error('webnav: the env is closed');
    if (opts.seed !== undefined) {
      assertSeed(opts.seed, 'reset seed');
      this.rng = new Rng(opts.seed);
    }
    const o = parseParams(ResetOptionsSchema, opts.options ?? {}, 'webnav reset options');
    const taskSeed = o.taskSeed ?? this.rng.int(0x1_0000_0000);
    this.inst = this.task.generate(new Rng(taskSeed));
    this.backend.load(this.inst.html);
    this.snap = this.backend.snapshot();
    this.t = 0;
    this.verdict = 0;
    return [this.observe(), { task: this.task.name, taskSeed, backend: this.backend.name }];
  }

  step(action: WebAction | string): StepResult<WebObservation> {
    const inst = this.instance;
    const parsed = validateAction(action);
    let error: string | null;
    if (parsed.error !== undefined) error = parsed.error;
    else {
      try {
        error = this.backend.act(parsed.action);
      } catch (e) {
        error = `the action failed: ${(e as Error).message}`;
      }
    }
    this.t++;
    this.snap = this.backend.snapshot();
    this.verdict = inst.judge(this.snap.facts);
    const terminated = this.verdict !== 0;
    const truncated = !terminated && this.t >= this.maxSteps;
    const reward = this.rewardOf(terminated, truncated);
    const info: Info = { lastActionError: error, verdict: this.verdict, action: parsed.action ? actionToString(parsed.action) : null };
    return [this.observe(), reward, terminated, truncated, info];
  }

  private rewardOf(terminated: boolean, truncated: boolean): number {
    const mode = this.params.reward;
    if (terminated) {
      if (this.verdict === 1) return mode === 'miniwob' ? Math.max(0, 1 - this.t / this.maxSteps) : 1;
      return -1;
    }
    if (truncated) return mode === 'raw' ? 0 : -1;
    return 0;
  }

  /** The expert's next action for the current page. */
  expertAction(): WebAction {
    return this.instance.expert(this.snapshot);
  }

  render(opts?: RenderOptions): Frame {
    const { width, height } = frameSize(opts, { width: 240, height: 320 }, this.metadata.cameras, 'webnav');
    if (this.backend.hasLayout) return resizeNearest(this.backend.screenshot(), width, height);
    const r = new Raster(width, height).clear(0xffffff);
    const lines = this.snap ? this.snap.axtree.split('\n') : [];
    const rowH = Math.max(3, Math.min(14, Math.floor(height / Math.max(1, lines.length))));
    lines.forEach((line, i) => {
      const indent = line.length - line.trimStart().length;
      const m = /^\s*\[\d+\] (\S+) '(.*?)'/.exec(line);
      const role = m ? m[1] : '';
      const len = m ? m[2].length : 4;
      const color = ROLE_COLORS[role] ?? 0x999999;
      const x0 = 4 + indent * 6;
      r.fillRect(x0, i * rowH + 1, x0 + Math.min(width - x0 - 2, 8 + len * 5), (i + 1) * rowH - 1, color);
      if (/ (checked|focused|selected)/.test(line)) r.fillRect(width - 10, i * rowH + 1, width - 4, (i + 1) * rowH - 1, 0x2ca02c);
    });
    return r;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.backend.close();
  }

  state(): WebNavState {
    const inst = this.instance;
    return { task: this.task.name, utterance: inst.utterance, fields: inst.fields, goal: inst.goal, step: this.t, maxSteps: this.maxSteps, verdict: this.verdict, facts: this.snapshot.facts };
  }

  abstraction(): string {
    return WEBNAV_ABSTRACTION;
  }

  success(state: WebNavState): boolean {
    return state.verdict === 1;
  }
}

/** Nearest-neighbour resize of an RGB frame (identity when the size already matches). */
function resizeNearest(f: Frame, width: number, height: number): Frame {
  if (f.width === width && f.height === height) return f;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(f.height - 1, Math.floor(((y + 0.5) * f.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(f.width - 1, Math.floor(((x + 0.5) * f.width) / width));
      const i = (y * width + x) * 3;
      const j = (sy * f.width + sx) * 3;
      data[i] = f.data[j];
      data[i + 1] = f.data[j + 1];
      data[i + 2] = f.data[j + 2];
    }
  }
  return { width, height, data };
}

const ROLE_COLORS: Record<string, number> = {
  button: 0x1f77b4,
  link: 0x9467bd,
  textbox: 0xff7f0e,
  checkbox: 0x2ca02c,
  radio: 0x17becf,
  combobox: 0xd62728,
  option: 0xe377c2,
  StaticText: 0xbbbbbb,
  LabelText: 0x888888,
  heading: 0x444444,
  tab: 0x8c564b,
  listitem: 0xbcbd22,
  treeitem: 0x7f7f7f,
};
