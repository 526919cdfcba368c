/**
 * A room diagram of a text-world state (`render()` of the family), deterministic for a given state:
 *
 * - one tile per receptacle in a grid, in index order, coloured by receptacle type; closed openable
 *   receptacles are dark with a door bar, reachable ones show their objects as small squares coloured by
 *   object type (lamps: yellow when on, grey when off);
 * - the agent's receptacle has a white frame; receptacles of the goal's target type a green corner;
 * - the bottom bar shows the held object (a square in its colour) and a green light once the goal holds.
 */
import type { Frame, RenderOptions } from '../../sim/env.ts';
import { frameSize } from '../../sim/render/frame_size.ts';
import { Raster } from '../../sim/render/raster.ts';
import { IS_ON, LAMP } from './catalog.ts';
import type { Game } from './game.ts';
import { accessible, isWon } from './rules.ts';
import type { WorldState } from './world_state.ts';

const PALETTE = [0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac, 0x86bcb6, 0xd37295];

function typeColor(type: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < type.length; i++) h = Math.imul(h ^ type.charCodeAt(i), 0x01000193) >>> 0;
  return PALETTE[h % PALETTE.length];
}

function darken(c: number, f: number): number {
  return (Math.floor(((c >> 16) & 255) * f) << 16) | (Math.floor(((c >> 8) & 255) * f) << 8) | Math.floor((c & 255) * f);
}

export function renderWorld(game: Game, ws: WorldState, opts?: RenderOptions): Frame {
  const { width, height } = frameSize(opts, { width: 320, height: 240 }, ['default'], 'textworld');
  const img = new Raster(width, height);
  img.clear(0x202020);
  const bar = Math.max(8, Math.floor(height / 10));
  const n = game.recTypes.length;
  const cols = Math.max(1, Math.ceil(Math.sqrt((n * width) / Math.max(1, height - bar))));
  const rows = Math.max(1, Math.ceil(n / cols));
  const cw = width / cols;
  const ch = (height - bar) / rows;
  const pad = Math.max(1, Math.min(cw, ch) * 0.06);
  for (let r = 0; r < n; r++) {
    const x0 = (r % cols) * cw + pad;
    const y0 = Math.floor(r / cols) * ch + pad;
    const x1 = x0 + cw - 2 * pad;
    const y1 = y0 + ch - 2 * pad;
    if (r === ws.loc) img.fillRect(x0 - pad, y0 - pad, x1 + pad, y1 + pad, 0xffffff);
    const color = typeColor(game.recTypes[r]);
    const open = accessible(game, ws, r);
    img.fillRect(x0, y0, x1, y1, open ? color : darken(color, 0.35));
    if (!open) img.fillRect(x0 + (x1 - x0) * 0.45, y0 + 2, x0 + (x1 - x0) * 0.55, y1 - 2, darken(color, 0.7));
    if (game.recIsTarget[r] === 1) img.fillPolygon([x1, y0, x1, y0 + (y1 - y0) * 0.35, x1 - (x1 - x0) * 0.35, y0], 0x00d000);
    if (!open) continue;
    // Contents: small squares, row-major inside the tile.
    const s = Math.max(2, Math.min((x1 - x0) / 5, (y1 - y0) / 4));
    let k = 0;
    const perRow = Math.max(1, Math.floor((x1 - x0 - s * 0.5) / (s * 1.2)));
    for (let o = 0; o < game.objTypes.length; o++) {
      if (ws.objLoc[o] !== r) continue;
      const ox = x0 + s * 0.5 + (k % perRow) * s * 1.2;
      const oy = y0 + s * 0.5 + Math.floor(k / perRow) * s * 1.2;
      k++;
      if (oy + s > y1) break;
      const lamp = (game.objProps[o] & LAMP) !== 0;
      const c = lamp ? ((ws.objState[o] & IS_ON) !== 0 ? 0xffff40 : 0x808080) : typeColor(game.objTypes[o]);
      if (lamp) img.fillCircle(ox + s / 2, oy + s / 2, s / 2, c);
      else img.fillRect(ox, oy, ox + s, oy + s, c);
    }
  }
  // Bottom bar: held object and the goal light.
  const by = height - bar;
  img.fillRect(0, by, width, height, 0x101010);
  if (ws.held >= 0) img.fillRect(4, by + 2, 4 + bar - 4, height - 2, typeColor(game.objTypes[ws.held]));
  img.fillCircle(width - bar / 2 - 2, by + bar / 2, bar / 2 - 2, isWon(game, ws) ? 0x00e000 : 0x404040);
  return img.toFrame();
}
