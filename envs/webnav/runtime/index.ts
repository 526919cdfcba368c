/**
 * The in-page runtime's source (page_runtime.js beside this file), read once. Both backends evaluate it as
 * the body of `function (window, document)`; see that file for what it installs (`window.__rf`).
 */
import { readFileSync } from 'node:fs';

export const RUNTIME_SOURCE: string = readFileSync(new URL('./page_runtime.js', import.meta.url), 'utf8');

/** The page every episode's body is loaded into (Chromium; the fast DOM has no styles). */
export const PAGE_STYLE = `
body { margin: 0; padding: 4px; width: 232px; font: 12px/1.35 'Liberation Sans', Arial, sans-serif; background: #fff; color: #000; }
button { font: inherit; margin: 2px; padding: 2px 6px; }
input[type=text], input[type=password], textarea, select { font: inherit; margin: 2px 0; width: 150px; }
ul { margin: 2px 0; padding-left: 16px; }
li { margin: 1px 0; }
.rf-tabs button[aria-selected=true] { font-weight: bold; }
.rf-dialog { border: 1px solid #555; padding: 4px; margin: 4px 0; background: #eef; }
.rf-row { padding: 2px 0; border-bottom: 1px solid #ddd; }
h3 { font-size: 13px; margin: 4px 0; }
`;
