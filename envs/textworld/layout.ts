/**
 * Room layouts: which receptacles a room has (type × count) and, in living rooms and bedrooms, which lamp
 * stands where. A layout is a pure function of (room type, seed); its `signature` is a canonical string
 * of its whole content, so two layouts are the same room exactly when their signatures are equal (the
 * splits are defined on signatures, see splits.ts).
 */
import { Rng } from '../../sim/rng.ts';
import { type RoomType, ROOMS } from './catalog.ts';

export interface LayoutLamp {
  readonly type: 'desklamp' | 'floorlamp';
  /** Receptacle type the lamp stands on (it is listed among that receptacle's contents). */
  readonly hostType: string;
  /** 1-based number of the host receptacle. */
  readonly hostNumber: number;
}

export interface Layout {
  readonly roomType: RoomType;
  /** `[type, count]` with count ≥ 1, sorted by type. */
  readonly receptacles: readonly (readonly [string, number])[];
  readonly lamp: LayoutLamp | undefined;
  /** Canonical description of the whole layout (equal signatures ⇔ equal layouts). */
  readonly signature: string;
}

export function layoutSignature(roomType: RoomType, receptacles: readonly (readonly [string, number])[], lamp: LayoutLamp | undefined): string {
  const recs = receptacles.map(([t, n]) => `${t}x${n}`).join(',');
  return `${roomType}|${recs}|${lamp ? `${lamp.type}@${lamp.hostType} ${lamp.hostNumber}` : '-'}`;
}

/** Draw a layout of a room type from a seed. */
export function generateLayout(roomType: RoomType, seed: number): Layout {
  const rng = new Rng(seed);
  const spec = ROOMS[roomType];
  const receptacles: [string, number][] = [];
  for (const [type, min, max] of spec.receptacles) {
    const n = rng.integers(min, max);
    if (n > 0) receptacles.push([type, n]);
  }
  receptacles.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let lamp: LayoutLamp | undefined;
  if (spec.lamps.length > 0) {
    const kind = spec.lamps[rng.int(spec.lamps.length)];
    const hosts = receptacles.filter(([t]) => kind.hosts.includes(t));
    if (hosts.length === 0) throw new Error(`room '${roomType}' has no host for a ${kind.type} (catalog error: a host type needs min ≥ 1)`);
    const [hostType, count] = hosts[rng.int(hosts.length)];
    lamp = { type: kind.type, hostType, hostNumber: 1 + rng.int(count) };
  }
  return { roomType, receptacles, lamp, signature: layoutSignature(roomType, receptacles, lamp) };
}

/** Number of receptacles of a type in a layout (0 when absent). */
export function receptacleCount(layout: Layout, type: string): number {
  for (const [t, n] of layout.receptacles) if (t === type) return n;
  return 0;
}
