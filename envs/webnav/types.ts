/**
 * Shared types of the web family: actions, element records, page facts and snapshots — the values that
 * cross between the in-page runtime (runtime/page_runtime.js), the backends, the tasks and the env.
 */

/** A structured action. Refs are the numbers shown in the accessibility tree (`[12] button 'OK'`). */
export type WebAction =
  | { readonly type: 'click'; readonly ref: number }
  | { readonly type: 'fill'; readonly ref: number; readonly text: string }
  | { readonly type: 'select'; readonly ref: number; readonly option: string }
  | { readonly type: 'press'; readonly ref: number; readonly key: string }
  | { readonly type: 'scroll'; readonly dx: number; readonly dy: number };

export type WebActionType = WebAction['type'];

/** One element of the observation, in accessibility-tree order. */
export interface WebElement {
  readonly ref: number;
  readonly tag: string;
  readonly role: string;
  /** Accessible name (aria-label, label, text, placeholder or value, whitespace collapsed). */
  readonly text: string;
  /** Text fields and selects: the current value (a select's selected option text); else null. */
  readonly value: string | null;
  /** Checkboxes and radios: checked; else null. */
  readonly checked: boolean | null;
  /** Text fields: whether the field has the keyboard focus. */
  readonly focused: boolean;
  /** [left, top, width, height] in CSS pixels where the backend has layout (Chromium); else null. */
  readonly bbox: readonly [number, number, number, number] | null;
}

/** What the page recorded during the episode: the facts the tasks' validators read. */
export interface PageFacts {
  /** Every click event that reached the document, in order (`id`: the task's data-rf-id, or null). */
  readonly clicks: ReadonlyArray<{ readonly ref: number; readonly id: string | null }>;
  /** Widget events: show / toggle / hide / search / suggest / task-specific kinds. */
  readonly events: ReadonlyArray<{ readonly kind: string; readonly id: string | null }>;
  /** Submissions, each with every tracked field's value at that moment. */
  readonly submits: ReadonlyArray<{ readonly id: string | null; readonly values: Readonly<Record<string, string>>; readonly checked: Readonly<Record<string, boolean>> }>;
  readonly keys: ReadonlyArray<{ readonly key: string; readonly id: string | null }>;
  /** Current values of tracked text fields and selects, by data-rf-id. */
  readonly values: Readonly<Record<string, string>>;
  /** Current checked state of tracked checkboxes and radios, by data-rf-id. */
  readonly checked: Readonly<Record<string, boolean>>;
  /** data-rf-id of the focused element (or its nearest tracked ancestor), or null. */
  readonly focused: string | null;
  /** The visible page section (multi-page tasks), or null. */
  readonly page: string | null;
  /** data-rf-track names of tracked elements that are hidden now. */
  readonly hidden: readonly string[];
}

/** The runtime's view of the page after an action. */
export interface Snapshot {
  readonly axtree: string;
  readonly elements: readonly WebElement[];
  readonly facts: PageFacts;
  /** Privileged: ref → data-rf-id of visible tracked elements (experts and state() only, never the agent). */
  readonly ids: Readonly<Record<string, string>>;
}

/** Task verdict after a step: 1 success, −1 failure, 0 still running. */
export type Verdict = -1 | 0 | 1;
