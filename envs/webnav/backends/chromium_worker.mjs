// The Chromium backend's worker thread (plain JS: it needs no TypeScript loader). It owns one browser
// (Debian's chromium through playwright-core) and one page per env, and answers the requests that
// chromium.ts sends over `port`: after each reply it sets `flag[0] = 1` and notifies, which is what the
// blocked caller waits on. Requests: launch, open, load, step, snapshot, screenshot, closePage, shutdown.
import { workerData } from 'node:worker_threads';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';

const { port, flag } = workerData;
let browser = null;
const pages = new Map();
let nextPage = 1;
const ACTION_TIMEOUT = 2000;

function reply(msg, transfer = []) {
  port.postMessage(msg, transfer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function firstLine(e) {
  return String(e && e.message ? e.message : e).split('\n')[0];
}

async function native(page, action, optionValue) {
  if (action.type === 'scroll') {
    await page.mouse.move(10, 10);
    await page.mouse.wheel(action.dx, action.dy);
    return null;
  }
  const loc = page.locator(`[data-rf-ref="${action.ref}"]`);
  try {
    if (action.type === 'click') await loc.click({ timeout: ACTION_TIMEOUT });
    else if (action.type === 'fill') await loc.fill(action.text, { timeout: ACTION_TIMEOUT });
    else if (action.type === 'select') await loc.selectOption(optionValue, { timeout: ACTION_TIMEOUT });
    else if (action.type === 'press') await loc.press(action.key, { timeout: ACTION_TIMEOUT });
    return null;
  } catch (e) {
    return `chromium: ${firstLine(e)}`;
  }
}

const ops = {
  async launch({ executablePath }) {
    if (!browser) browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
    return { version: browser.version() };
  },
  async open({ width, height, style, runtime }) {
    const ctx = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, javaScriptEnabled: true });
    const page = await ctx.newPage();
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>${style}</style></head><body></body></html>`);
    await page.evaluate(`(function (window, document) {\n${runtime}\n})(window, document)`);
    const id = nextPage++;
    pages.set(id, { ctx, page });
    return { id };
  },
  async load({ id, html }) {
    await pages.get(id).page.evaluate((h) => window.__rf.load(h), html);
    return null;
  },
  async step({ id, action }) {
    const { page } = pages.get(id);
    const chk = await page.evaluate((a) => window.__rf.check(a), action);
    if (chk.error) return { error: chk.error };
    return { error: await native(page, action, chk.optionValue) };
  },
  async snapshot({ id }) {
    return pages.get(id).page.evaluate(() => window.__rf.snapshot(true));
  },
  async screenshot({ id }) {
    const png = PNG.sync.read(await pages.get(id).page.screenshot({ type: 'png' }));
    const rgb = new Uint8Array(png.width * png.height * 3);
    for (let i = 0, j = 0; i < png.data.length; i += 4, j += 3) {
      rgb[j] = png.data[i];
      rgb[j + 1] = png.data[i + 1];
      rgb[j + 2] = png.data[i + 2];
    }
    return { width: png.width, height: png.height, data: rgb };
  },
  async closePage({ id }) {
    const p = pages.get(id);
    pages.delete(id);
    if (p) await p.ctx.close();
    return null;
  },
  async shutdown() {
    if (browser) await browser.close();
    browser = null;
    return null;
  },
};

port.on('message', async (msg) => {
  try {
    const result = await ops[msg.op](msg.args ?? {});
    const transfer = result && result.data instanceof Uint8Array ? [result.data.buffer] : [];
    reply({ id: msg.id, ok: true, result }, transfer);
  } catch (e) {
    reply({ id: msg.id, ok: false, error: firstLine(e) });
  }
  if (msg.op === 'shutdown') port.close();
});
