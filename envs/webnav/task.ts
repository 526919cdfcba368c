/**
 * What a web task is: a seeded generator of page + instruction, a validator over the page's facts, and a
 * scripted expert. Tasks are backend-agnostic: their pages are plain HTML whose behaviour is declared with
 * the runtime's data attributes (runtime/page_runtime.js), so one task runs unchanged on the fast DOM and
 * in Chromium.
 */
import type { Rng } from '../../sim/rng.ts';
import type { PageFacts, Snapshot, Verdict, WebAction, WebElement } from './types.ts';

export interface TaskInstance {
  /** The page body (HTML). */
  readonly html: string;
  readonly utterance: string;
  /** MiniWoB-style fields of the instruction, in order. */
  readonly fields: ReadonlyArray<readonly [string, string]>;
  /** Privileged goal description for `state()` (e.g. `{ target: 'OK' }`). */
  readonly goal: Readonly<Record<string, unknown>>;
  /** 1 success, −1 failure, 0 running — from the page's facts after a step. */
  judge(facts: PageFacts): Verdict;
  /** The scripted solver's next action from the current snapshot (it may read `snap.ids`). */
  expert(snap: Snapshot): WebAction;
}

export interface WebTask {
  /** MiniWoB name, e.g. 'click-button'. */
  readonly name: string;
  readonly description: string;
  /** The step clock T: the miniwob reward's horizon and the episode's step limit. */
  readonly maxSteps: number;
  generate(rng: Rng): TaskInstance;
}

// ---------------------------------------------------------------- helpers for task authors

/** Escape text for HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** `k` distinct items of `pool`, in random order. */
export function pick<T>(rng: Rng, pool: readonly T[], k: number): T[] {
  if (k > pool.length) throw new RangeError(`pick: asked for ${k} of ${pool.length}`);
  const a = pool.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(a.length - i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

export function shuffle<T>(rng: Rng, a: readonly T[]): T[] {
  return pick(rng, a, a.length);
}

/** The ref of the visible element tracked as `rfId`, or throws (expert bug). */
export function refOfId(snap: Snapshot, rfId: string): number {
  for (const [ref, id] of Object.entries(snap.ids)) if (id === rfId) return Number(ref);
  throw new Error(`expert: no visible element with data-rf-id ${rfId}`);
}

/** Whether the element tracked as `rfId` is visible now. */
export function hasId(snap: Snapshot, rfId: string): boolean {
  return Object.values(snap.ids).includes(rfId);
}

/** The first element with this role and accessible name, or undefined. */
export function findElement(snap: Snapshot, role: string, text: string): WebElement | undefined {
  return snap.elements.find((e) => e.role === role && e.text === text);
}

export function click(ref: number): WebAction {
  return { type: 'click', ref };
}

export function fill(ref: number, text: string): WebAction {
  return { type: 'fill', ref, text };
}

/** Verdict of a task whose episode ends at the first click on any of `ids`: success iff it is `target`. */
export function firstClickAmong(facts: PageFacts, ids: ReadonlySet<string>, target: string): Verdict {
  for (const c of facts.clicks) if (c.id !== null && ids.has(c.id)) return c.id === target ? 1 : -1;
  return 0;
}

/** The first submission (id `submitId`, or any when undefined), or undefined. */
export function firstSubmit(facts: PageFacts, submitId?: string): PageFacts['submits'][number] | undefined {
  return facts.submits.find((s) => submitId === undefined || s.id === submitId);
}
