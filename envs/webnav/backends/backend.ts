/**
 * A DOM backend runs the task pages. Every method is synchronous (the env contract is); the Chromium
 * backend gets there by blocking on a worker thread (chromium.ts).
 */
import type { Frame } from '../../../sim/env.ts';
import type { Snapshot, WebAction } from '../types.ts';

export type BackendName = 'fast' | 'chromium';

export interface DomBackend {
  readonly name: BackendName;
  /** Whether snapshots carry element bboxes. */
  readonly hasLayout: boolean;
  /** Replace the page body with `html` and start a fresh episode's records. */
  load(html: string): void;
  /** Apply an action; returns an error message (and changes nothing) when it cannot apply. */
  act(action: WebAction): string | null;
  snapshot(): Snapshot;
  /** An RGB screenshot of the page (Chromium); the fast DOM has no layout and throws. */
  screenshot(): Frame;
  close(): void;
}
