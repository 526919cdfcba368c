/**
 * Click tasks: click-test, click-button, click-button-sequence, click-link, click-dialog, click-tab,
 * click-collapsible. Utterances follow MiniWoB's wording; pages and generators are ours.
 */
import type { Rng } from '../../../sim/rng.ts';
import { click, esc, firstClickAmong, hasId, pick, refOfId, type WebTask } from '../task.ts';
import type { PageFacts, Verdict } from '../types.ts';
import { WORDS } from '../words.ts';

const cap = (w: string): string => w[0].toUpperCase() + w.slice(1);

function filler(rng: Rng, n: number): string {
  return pick(rng, WORDS, n).join(' ');
}

export const clickTest: WebTask = {
  name: 'click-test',
  description: 'one button; click it',
  maxSteps: 10,
  generate(rng) {
    const label = rng.random() < 0.5 ? 'Click Me!' : 'Click Me';
    const pad = rng.int(3);
    const html = `<div>${'<p>&nbsp;</p>'.repeat(pad)}<button type="button" data-rf-id="btn">${label}</button></div>`;
    return {
      html,
      utterance: 'Click the button.',
      fields: [],
      goal: { target: 'btn' },
      judge: (f) => (f.clicks.some((c) => c.id === 'btn') ? 1 : 0),
      expert: (s) => click(refOfId(s, 'btn')),
    };
  },
};

export const clickButton: WebTask = {
  name: 'click-button',
  description: 'several buttons with words; click the named one (any other button fails)',
  maxSteps: 10,
  generate(rng) {
    const n = 3 + rng.int(4);
    const words = pick(rng, WORDS, n).map(cap);
    const k = rng.int(n);
    const parts: string[] = [];
    words.forEach((w, i) => {
      if (rng.random() < 0.4) parts.push(`<p>${filler(rng, 2 + rng.int(3))}</p>`);
      parts.push(`<button type="button" data-rf-id="b${i}">${esc(w)}</button>`);
    });
    const ids = new Set(words.map((_, i) => `b${i}`));
    return {
      html: `<div>${parts.join('')}</div>`,
      utterance: `Click on the "${words[k]}" button.`,
      fields: [['target', words[k]]],
      goal: { target: words[k] },
      judge: (f) => firstClickAmong(f, ids, `b${k}`),
      expert: (s) => click(refOfId(s, `b${k}`)),
    };
  },
};

export const clickButtonSequence: WebTask = {
  name: 'click-button-sequence',
  description: 'two buttons; click ONE then TWO (TWO first fails)',
  maxSteps: 10,
  generate(rng) {
    const order = rng.random() < 0.5;
    const one = '<button type="button" data-rf-id="one">ONE</button>';
    const two = '<button type="button" data-rf-id="two">TWO</button>';
    const sep = `<p>${filler(rng, 2)}</p>`;
    const judge = (f: PageFacts): Verdict => {
      const seq = f.clicks.filter((c) => c.id === 'one' || c.id === 'two').map((c) => c.id);
      if (seq.length === 0) return 0;
      if (seq[0] === 'two') return -1;
      return seq.includes('two') ? 1 : 0;
    };
    return {
      html: `<div>${order ? one + sep + two : two + sep + one}</div>`,
      utterance: 'Click button ONE, then click button TWO.',
      fields: [],
      goal: { sequence: ['ONE', 'TWO'] },
      judge,
      expert: (s) => (s.facts.clicks.some((c) => c.id === 'one') ? click(refOfId(s, 'two')) : click(refOfId(s, 'one'))),
    };
  },
};

export const clickLink: WebTask = {
  name: 'click-link',
  description: 'a paragraph with some words as links; click the named link (any other link fails)',
  maxSteps: 10,
  generate(rng) {
    const words = pick(rng, WORDS, 14);
    const linkIdx = pick(rng, [...words.keys()], 3 + rng.int(3));
    const k = linkIdx[rng.int(linkIdx.length)];
    const html = `<p>${words.map((w, i) => (linkIdx.includes(i) ? `<a href="#" data-rf-id="l${i}">${w}</a>` : w)).join(' ')}.</p>`;
    const ids = new Set(linkIdx.map((i) => `l${i}`));
    return {
      html,
      utterance: `Click on the link "${words[k]}".`,
      fields: [['target', words[k]]],
      goal: { target: words[k] },
      judge: (f) => firstClickAmong(f, ids, `l${k}`),
      expert: (s) => click(refOfId(s, `l${k}`)),
    };
  },
};

export const clickDialog: WebTask = {
  name: 'click-dialog',
  description: 'a dialog with ×, OK and Cancel; close it with × or press the named button',
  maxSteps: 10,
  generate(rng) {
    const buttons = ['OK', 'Cancel'];
    const mode = rng.random() < 0.5 ? 'close' : 'labeled';
    const target = mode === 'close' ? 'x' : buttons[rng.int(2)];
    const order = rng.random() < 0.5 ? buttons : [...buttons].reverse();
    const html =
      `<p>${filler(rng, 6)}</p><div class="rf-dialog" id="dlg" data-rf-track="dialog">` +
      `<h3>${cap(filler(rng, 2))}</h3><button type="button" data-rf-id="x" data-rf-do="hide" data-rf-arg="dlg">x</button>` +
      `<p>${filler(rng, 8)}</p>${order.map((b) => `<button type="button" data-rf-id="${b}" data-rf-do="hide" data-rf-arg="dlg">${b}</button>`).join('')}</div>`;
    const ids = new Set(['x', 'OK', 'Cancel']);
    return {
      html,
      utterance: mode === 'close' ? 'Close the dialog box by clicking the "x".' : `Click the button in the dialog box labeled "${target}".`,
      fields: mode === 'close' ? [] : [['target', target]],
      goal: { target },
      judge: (f) => firstClickAmong(f, ids, target),
      expert: (s) => click(refOfId(s, target)),
    };
  },
};

export const clickTab: WebTask = {
  name: 'click-tab',
  description: 'tabs of links; switch to the tab holding the named link and click it (any other link fails)',
  maxSteps: 10,
  generate(rng) {
    const nTabs = 2 + rng.int(3);
    const perTab = 3;
    const words = pick(rng, WORDS, nTabs * perTab + nTabs * 4);
    const tabOf = rng.int(nTabs);
    const k = tabOf * perTab + rng.int(perTab);
    let html = '<div class="rf-tabs" role="tablist">';
    for (let t = 0; t < nTabs; t++) html += `<button type="button" role="tab" aria-selected="${t === 0}" data-rf-id="tab${t}" data-rf-do="show" data-rf-group="tabs" data-rf-arg="panel${t}">Tab #${t + 1}</button>`;
    html += '</div>';
    const linkIds = new Set<string>();
    for (let t = 0; t < nTabs; t++) {
      const extra = words.slice(nTabs * perTab + t * 4, nTabs * perTab + t * 4 + 4);
      const links = words.slice(t * perTab, t * perTab + perTab).map((w, j) => {
        linkIds.add(`l${t * perTab + j}`);
        return `<a href="#" data-rf-id="l${t * perTab + j}">${w}</a>`;
      });
      html += `<div id="panel${t}" data-rf-member="tabs"${t === 0 ? '' : ' hidden'}><p>${extra[0]} ${links[0]} ${extra[1]} ${links[1]} ${extra[2]} ${links[2]} ${extra[3]}.</p></div>`;
    }
    return {
      html,
      utterance: `Switch between the tabs to find and click on the link "${words[k]}".`,
      fields: [['target', words[k]]],
      goal: { target: words[k], tab: tabOf + 1 },
      judge: (f) => firstClickAmong(f, linkIds, `l${k}`),
      expert: (s) => (hasId(s, `l${k}`) ? click(refOfId(s, `l${k}`)) : click(refOfId(s, `tab${tabOf}`))),
    };
  },
};

export const clickCollapsible: WebTask = {
  name: 'click-collapsible',
  description: 'a collapsed section holding Submit; expand it and click Submit',
  maxSteps: 10,
  generate(rng) {
    const html =
      `<div><button type="button" aria-expanded="false" data-rf-id="header" data-rf-do="toggle" data-rf-arg="sec">Section #${1 + rng.int(9)}</button>` +
      `<div id="sec" hidden><p>${filler(rng, 10)}</p><button type="button" data-rf-id="submit">Submit</button></div></div>`;
    return {
      html,
      utterance: 'Expand the section below and click submit.',
      fields: [],
      goal: { target: 'submit' },
      judge: (f) => (f.clicks.some((c) => c.id === 'submit') ? 1 : 0),
      expert: (s) => (hasId(s, 'submit') ? click(refOfId(s, 'submit')) : click(refOfId(s, 'header'))),
    };
  },
};
