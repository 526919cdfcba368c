// Proves: MetricsWriter writes one JSON line per scalar in the documented shape, buffers until
// flush/close (or the buffer limit), round-trips NaN/Infinity, rejects bad arguments by name; and
// truncateMetricsAfter leaves a continuous log on resume, dropping later steps and a torn last line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLEANRL_TAGS, MetricsWriter, readMetrics, truncateMetricsAfter } from '../../../sim/io/metrics.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-metrics-'));
  file = path.join(dir, 'metrics.jsonl');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('MetricsWriter', () => {
  it('writes {"step","tag","value","wall"} lines, only once flushed', () => {
    const w = new MetricsWriter(file, { now: () => 1718000000.5 });
    w.addScalar(CLEANRL_TAGS.episodicReturn, -12.5, 2048);
    w.addScalar(CLEANRL_TAGS.sps, 900, 2048, 1718000001);
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    w.flush();
    expect(fs.readFileSync(file, 'utf8')).toBe(
      '{"step":2048,"tag":"charts/episodic_return","value":-12.5,"wall":1718000000.5}\n' +
        '{"step":2048,"tag":"charts/SPS","value":900,"wall":1718000001}\n',
    );
    w.addScalar(CLEANRL_TAGS.valueLoss, 0.25, 4096);
    w.close();
    expect(readMetrics(file).map((r) => [r.tag, r.step])).toEqual([
      ['charts/episodic_return', 2048],
      ['charts/SPS', 2048],
      ['losses/value_loss', 4096],
    ]);
    expect(() => w.addScalar('charts/SPS', 1, 5000)).toThrow(/after close/);
    w.close(); // idempotent
  });

  it('appends without fsync once the buffer limit is passed', () => {
    const w = new MetricsWriter(file, { bufferBytes: 200, now: () => 0 });
    for (let i = 0; i < 10; i++) w.addScalar('losses/entropy', i, i);
    const partial = readMetrics(file).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(10);
    w.close();
    expect(readMetrics(file).map((r) => r.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('appends to an existing log rather than replacing it', () => {
    const w1 = new MetricsWriter(file, { now: () => 0 });
    w1.addScalar('a/b', 1, 1);
    w1.close();
    const w2 = new MetricsWriter(file, { now: () => 0 });
    w2.addScalar('a/b', 2, 2);
    w2.close();
    expect(readMetrics(file).map((r) => r.step)).toEqual([1, 2]);
  });

  it('writes NaN and ±Infinity as strings that readMetrics turns back into numbers', () => {
    const w = new MetricsWriter(file, { now: () => 0 });
    for (const v of [NaN, Infinity, -Infinity, -0.1]) w.addScalar('losses/approx_kl', v, 1);
    w.close();
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe('{"step":1,"tag":"losses/approx_kl","value":"NaN","wall":0}');
    expect(readMetrics(file).map((r) => r.value)).toEqual([NaN, Infinity, -Infinity, -0.1]);
  });

  it('names the bad field and value', () => {
    const w = new MetricsWriter(file);
    expect(() => w.addScalar('', 1, 1)).toThrow(/tag must be a non-empty string, got ""/);
    expect(() => w.addScalar('x/y', '1' as unknown as number, 1)).toThrow(/x\/y: value must be a number, got string 1/);
    expect(() => w.addScalar('x/y', 1, -1)).toThrow(/x\/y: step must be a non-negative integer, got -1/);
    expect(() => w.addScalar('x/y', 1, 2.5)).toThrow(/got 2\.5/);
    expect(() => w.addScalar('x/y', 1, 1, NaN)).toThrow(/wall must be finite Unix seconds, got NaN/);
    w.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('');
  });

  it('readMetrics ignores a torn last line but names a malformed complete one', () => {
    fs.writeFileSync(file, '{"step":1,"tag":"a","value":1,"wall":0}\n{"step":2,"ta');
    expect(readMetrics(file)).toHaveLength(1);
    fs.writeFileSync(file, '{"step":1,"tag":"a","value":1,"wall":0}\nnot json\n');
    expect(() => readMetrics(file)).toThrow(/metrics\.jsonl:2: not a metrics record/);
  });
});

describe('truncateMetricsAfter', () => {
  function writeSteps(steps: number[]): void {
    const w = new MetricsWriter(file, { now: () => 0 });
    for (const s of steps) {
      w.addScalar(CLEANRL_TAGS.episodicReturn, s / 10, s);
      w.addScalar(CLEANRL_TAGS.policyLoss, -s, s);
    }
    w.close();
  }

  it('on resume keeps steps ≤ the checkpoint, drops later ones and a torn last line; the log then continues', () => {
    writeSteps([0, 1, 2, 3, 4, 5, 6, 7]);
    fs.appendFileSync(file, '{"step":8,"tag":"charts/episodic_ret'); // crash mid-line
    const report = truncateMetricsAfter(file, 4);
    expect(report).toEqual({ kept: 10, removedAfterStep: 6, removedMalformed: 0, removedPartial: true });
    expect(fs.readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    writeSteps([5, 6]); // the resumed run
    const steps = readMetrics(file).map((r) => r.step);
    expect(steps).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    expect(fs.readdirSync(dir)).toEqual(['metrics.jsonl']);
  });

  it('drops unparseable lines such as the NUL run a power cut can leave', () => {
    writeSteps([0, 1]);
    fs.appendFileSync(file, `${'\0'.repeat(30)}\n`);
    expect(truncateMetricsAfter(file, 10)).toEqual({ kept: 4, removedAfterStep: 0, removedMalformed: 1, removedPartial: false });
    expect(readMetrics(file)).toHaveLength(4);
  });

  it('leaves a clean file untouched and a missing file missing', () => {
    writeSteps([0, 1]);
    const before = fs.statSync(file);
    expect(truncateMetricsAfter(file, 1)).toEqual({ kept: 4, removedAfterStep: 0, removedMalformed: 0, removedPartial: false });
    expect(fs.statSync(file).ino).toBe(before.ino); // not rewritten
    const missing = path.join(dir, 'none.jsonl');
    expect(truncateMetricsAfter(missing, 3).kept).toBe(0);
    expect(fs.existsSync(missing)).toBe(false);
    expect(() => truncateMetricsAfter(file, -1)).toThrow(/step must be a non-negative integer, got -1/);
  });

  it('equals filtering the records by step, for any log, cut step and torn tail (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ step: fc.nat(50), value: fc.double({ noNaN: true }) }), { maxLength: 40 }),
        fc.nat(50),
        fc.string({ maxLength: 20 }).filter((s) => !s.includes('\n')),
        (records, cut, tail) => {
          fs.rmSync(file, { force: true });
          const w = new MetricsWriter(file, { now: () => 1 });
          for (const r of records) w.addScalar('charts/x', r.value, r.step);
          w.close();
          fs.appendFileSync(file, tail);
          truncateMetricsAfter(file, cut);
          // JSON writes -0 as 0.
          const expected = records.filter((r) => r.step <= cut).map((r) => ({ step: r.step, tag: 'charts/x', value: r.value + 0, wall: 1 }));
          expect(readMetrics(file)).toEqual(expected);
          expect(fs.readFileSync(file, 'utf8')).toMatch(/^$|\n$/);
        },
      ),
      { numRuns: 100 },
    );
  });
});
