/**
 * The web family's observation, MiniWoB/BrowserGym style:
 *
 * - `utterance`: the instruction ("Click on the "Submit" button.");
 * - `fields`: the instruction's fields as [key, value] pairs (MiniWoB's `fields`, e.g. [["target", "Submit"]]);
 * - `axtree`: accessibility-tree text, one `[ref] role 'name'` line per visible element (indented by
 *   nesting; `value='…'`, `checked`/`unchecked`, `selected`, `focused`, `expanded`/`collapsed`, `disabled`
 *   appended), refs stable for the episode;
 * - `elements`: the same elements as records (ref, tag, role, text, value, checked, focused, bbox — bbox
 *   only where the backend has layout, i.e. Chromium);
 * - `screenshot`: an RGB frame of the page (Chromium backend with `screenshot: true`), else null.
 */
import type { Frame } from '../../sim/env.ts';
import { Space, type SpaceSpec } from '../../sim/spaces/space.ts';
import type { WebElement } from './types.ts';

export interface WebObservation {
  readonly utterance: string;
  readonly fields: ReadonlyArray<readonly [string, string]>;
  readonly axtree: string;
  readonly elements: readonly WebElement[];
  readonly screenshot: Frame | null;
}

function isElement(e: unknown): e is WebElement {
  if (!e || typeof e !== 'object') return false;
  const o = e as Record<string, unknown>;
  return (
    Number.isInteger(o.ref) &&
    typeof o.tag === 'string' &&
    typeof o.role === 'string' &&
    typeof o.text === 'string' &&
    (o.value === null || typeof o.value === 'string') &&
    (o.checked === null || typeof o.checked === 'boolean') &&
    typeof o.focused === 'boolean' &&
    (o.bbox === null || (Array.isArray(o.bbox) && o.bbox.length === 4 && o.bbox.every((v) => Number.isFinite(v))))
  );
}

/** The space of `WebObservation`s (structured; no flat vector form). */
export class WebObservationSpace extends Space<WebObservation> {
  readonly shape: undefined = undefined;
  readonly flatDim = 0;

  sample(): WebObservation {
    return { utterance: 'Click on the "OK" button.', fields: [['target', 'OK']], axtree: "[0] button 'OK'", elements: [{ ref: 0, tag: 'button', role: 'button', text: 'OK', value: null, checked: null, focused: false, bbox: null }], screenshot: null };
  }

  contains(x: unknown): boolean {
    if (!x || typeof x !== 'object') return false;
    const o = x as Record<string, unknown>;
    if (typeof o.utterance !== 'string' || typeof o.axtree !== 'string') return false;
    if (!Array.isArray(o.fields) || !o.fields.every((f) => Array.isArray(f) && f.length === 2 && typeof f[0] === 'string' && typeof f[1] === 'string')) return false;
    if (!Array.isArray(o.elements) || !o.elements.every(isElement)) return false;
    if (o.screenshot !== null) {
      const f = o.screenshot as Frame;
      if (!f || !(f.data instanceof Uint8Array) || f.data.length !== f.width * f.height * 3) return false;
    }
    return true;
  }

  flatten(): Float32Array {
    throw new TypeError('WebObservationSpace: web observations are structured and have no flat vector form');
  }

  unflatten(): WebObservation {
    throw new TypeError('WebObservationSpace: web observations are structured and have no flat vector form');
  }

  toJSON(): SpaceSpec {
    return { type: 'WebObservation' };
  }

  toString(): string {
    return 'WebObservation(utterance, fields, axtree, elements, screenshot)';
  }
}
