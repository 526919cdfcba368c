// Fail on console: a warning or error printed during a test is a defect the test did not assert on.
import { afterEach, beforeEach, vi } from 'vitest';

let printed: string[] = [];
beforeEach(() => {
  printed = [];
  for (const level of ['warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      printed.push(`console.${level}: ${args.map(String).join(' ')}`);
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  if (printed.length > 0) throw new Error(`test printed to the console:\n${printed.join('\n')}`);
});
