/**
 * The viewer page in real Chromium (Debian's `chromium` through playwright-core; `.ci/run` installs it):
 * during tiny `train:env --viewer` runs (child processes, so the training loop cannot starve the test)
 * the page lists the run, draws the robotics scene (a canvas with non-background pixels), shows
 * text-world transcript lines, and its curves get data. The web panel is checked with a page snapshot
 * published directly (the web family does not exist yet). Screenshots go to test/artifacts/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViewerHost } from '../../viewer/host.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const ARTIFACTS = path.resolve('test/artifacts');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-viewer-'));
let browser: Browser;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!CHROMIUM) throw new Error("chromium is not installed (Debian: apt-get install chromium; .ci/run does this)");
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
}, 60_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Start `train:env --viewer` in a child process; resolves with the viewer URL it prints. */
function trainWithViewer(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/train.ts', ...args, '--quiet', '--viewer', '--out', path.join(tmp, `run-${children.length}`)], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /viewer at (\S+)/.exec(err);
      if (m) resolve({ url: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`train:env exited with ${code} before the viewer started:\n${err}`)));
  });
}

async function nonBackgroundPixels(page: Page, selector: string): Promise<number> {
  const shot = await page.locator(selector).screenshot();
  // Count pixels that differ from the top-left (background) pixel in a decoded PNG, in the page itself.
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (Math.abs(d[k] - d[0]) + Math.abs(d[k + 1] - d[1]) + Math.abs(d[k + 2] - d[2]) > 30) n++;
    return n;
  }, shot.toString('base64'));
}

describe('viewer page in Chromium', () => {
  it('shows a robotics run: run list, 3D scene with bodies, curves that update', async () => {
    const { url } = await trainWithViewer(['--env', 'robotics/Reach-v0', '--reward', 'env', '--steps', '40000', '--num-envs', '4']);
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('#runs li');
    await expect.poll(() => page.evaluate(() => (window as unknown as { __viewer: { frames: number } }).__viewer.frames), { timeout: 30_000 }).toBeGreaterThan(10);
    await page.waitForTimeout(300);
    const pixels = await nonBackgroundPixels(page, '#scene');
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-robotics.png') });
    expect(pixels).toBeGreaterThan(500);
    await expect.poll(() => page.locator('.curve').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const n1 = await page.evaluate(() => [...(window as unknown as { __viewer: { curves: Map<string, { data: number[][] }> } }).__viewer.curves.values()].reduce((s, c) => s + c.data[0].length, 0));
    await expect.poll(() => page.evaluate(() => [...(window as unknown as { __viewer: { curves: Map<string, { data: number[][] }> } }).__viewer.curves.values()].reduce((s, c) => s + c.data[0].length, 0)), { timeout: 30_000 }).toBeGreaterThan(n1);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows a text-world run as transcript lines', async () => {
    const { url } = await trainWithViewer(['--env', 'textworld/ALFWorldChoice-v0', '--reward', 'env', '--steps', '20000', '--num-envs', '4']);
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    await page.goto(url);
    await expect.poll(() => page.locator('#transcript li').count(), { timeout: 30_000 }).toBeGreaterThan(3);
    await expect(page.locator('#transcript').textContent()).resolves.toMatch(/holding|at /);
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-textworld.png') });
    await page.close();
  }, 120_000);

  it('shows a web task page in the sandboxed panel with the acted element highlighted', async () => {
    const host = await ViewerHost.start();
    try {
      const run = host.openRun({ runId: 'web-check', env: 'webnav/click-button-v0', family: 'web', numEnvs: 1 });
      const page = await browser.newPage();
      await page.goto(host.url);
      await page.waitForSelector('#runs li');
      await expect.poll(() => host.flags[0], { timeout: 10_000 }).toBe(0); // the page subscribed to env 0
      run.page(0, { html: '<button data-ref="7">Submit</button><button data-ref="8">Cancel</button>', instruction: 'Click the Submit button.', actedRef: '7' });
      const frame = page.frameLocator('#page');
      await expect.poll(() => frame.locator('button[data-ref="7"]').count(), { timeout: 10_000 }).toBe(1);
      await expect(page.locator('#instruction').textContent()).resolves.toBe('Click the Submit button.');
      expect(await page.locator('#page').getAttribute('sandbox')).toBe('');
      await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-web.png') });
      await page.close();
    } finally {
      await host.close();
    }
  }, 60_000);
});
