/**
 * Form tasks: click-checkboxes, click-option, enter-text, enter-password, focus-text, login-user,
 * choose-list, use-autocomplete. A task with a Submit button ends at the first submission: success iff the
 * submitted values are right.
 */
import type { Rng } from '../../../sim/rng.ts';
import { click, esc, fill, firstSubmit, pick, refOfId, type WebTask } from '../task.ts';
import type { PageFacts, Snapshot, Verdict, WebAction } from '../types.ts';
import { COUNTRIES, NAMES, WORDS } from '../words.ts';

const SUBMIT = '<button type="button" data-rf-id="submit" data-rf-do="submit">Submit</button>';

function submitVerdict(f: PageFacts, ok: (s: NonNullable<ReturnType<typeof firstSubmit>>) => boolean): Verdict {
  const s = firstSubmit(f);
  return s === undefined ? 0 : ok(s) ? 1 : -1;
}

/** Fill each `[id, text]` whose field does not hold it yet, then click `submitId`. */
function fillThenSubmit(snap: Snapshot, want: ReadonlyArray<readonly [string, string]>, submitId = 'submit'): WebAction {
  for (const [id, text] of want) if (snap.facts.values[id] !== text) return fill(refOfId(snap, id), text);
  return click(refOfId(snap, submitId));
}

function randomText(rng: Rng): string {
  const w = WORDS[rng.int(WORDS.length)];
  return rng.random() < 0.5 ? w : w[0].toUpperCase() + w.slice(1, 1 + 3 + rng.int(4));
}

export const clickCheckboxes: WebTask = {
  name: 'click-checkboxes',
  description: 'checkboxes with words; tick exactly the named ones and submit',
  maxSteps: 12,
  generate(rng) {
    const n = 3 + rng.int(4);
    const words = pick(rng, WORDS, n);
    const k = rng.int(Math.min(4, n + 1));
    const targets = pick(rng, [...words.keys()], k).sort((a, b) => a - b);
    const html = `<div>${words.map((w, i) => `<label><input type="checkbox" data-rf-id="c${i}">${w}</label><br>`).join('')}${SUBMIT}</div>`;
    const names = targets.map((i) => words[i]);
    const list = names.length === 0 ? 'nothing' : names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    const want = (i: number): boolean => targets.includes(i);
    return {
      html,
      utterance: names.length === 0 ? 'Select nothing, then click Submit.' : `Select ${list} and nothing else, then click Submit.`,
      fields: names.map((w, j) => [`target ${j}`, w] as const),
      goal: { targets: names },
      judge: (f) => submitVerdict(f, (s) => words.every((_, i) => Boolean(s.checked[`c${i}`]) === want(i))),
      expert: (s) => {
        for (let i = 0; i < n; i++) if (Boolean(s.facts.checked[`c${i}`]) !== want(i)) return click(refOfId(s, `c${i}`));
        return click(refOfId(s, 'submit'));
      },
    };
  },
};

export const clickOption: WebTask = {
  name: 'click-option',
  description: 'radio buttons with words; choose the named one and submit',
  maxSteps: 10,
  generate(rng) {
    const n = 2 + rng.int(5);
    const words = pick(rng, WORDS, n);
    const k = rng.int(n);
    const html = `<div>${words.map((w, i) => `<label><input type="radio" name="opt" data-rf-id="r${i}">${w}</label><br>`).join('')}${SUBMIT}</div>`;
    return {
      html,
      utterance: `Select ${words[k]} and click Submit.`,
      fields: [['target', words[k]]],
      goal: { target: words[k] },
      judge: (f) => submitVerdict(f, (s) => s.checked[`r${k}`] === true),
      expert: (s) => (s.facts.checked[`r${k}`] ? click(refOfId(s, 'submit')) : click(refOfId(s, `r${k}`))),
    };
  },
};

export const enterText: WebTask = {
  name: 'enter-text',
  description: 'one text field; type the given text and submit',
  maxSteps: 10,
  generate(rng) {
    const text = randomText(rng);
    return {
      html: `<div><input type="text" data-rf-id="text"><br>${SUBMIT}</div>`,
      utterance: `Enter "${text}" into the text field and press Submit.`,
      fields: [['target', text]],
      goal: { target: text },
      judge: (f) => submitVerdict(f, (s) => s.values.text === text),
      expert: (s) => fillThenSubmit(s, [['text', text]]),
    };
  },
};

export const enterPassword: WebTask = {
  name: 'enter-password',
  description: 'password and verify fields; type the password in both and submit',
  maxSteps: 10,
  generate(rng) {
    const pw = pick(rng, WORDS, 1)[0] + String(rng.int(100));
    return {
      html: `<div><label for="pw1">Password</label><input type="password" id="pw1" data-rf-id="pw1"><br><label for="pw2">Verify password</label><input type="password" id="pw2" data-rf-id="pw2"><br>${SUBMIT}</div>`,
      utterance: `Enter the password "${pw}" into both text fields and press submit.`,
      fields: [['password', pw]],
      goal: { password: pw },
      judge: (f) => submitVerdict(f, (s) => s.values.pw1 === pw && s.values.pw2 === pw),
      expert: (s) =>
        fillThenSubmit(s, [
          ['pw1', pw],
          ['pw2', pw],
        ]),
    };
  },
};

const ORDINALS = ['1st', '2nd', '3rd', '4th', '5th', '6th'];

export const focusText: WebTask = {
  name: 'focus-text',
  description: 'one to three text fields; focus the one named by position (focusing another fails)',
  maxSteps: 10,
  generate(rng) {
    const n = 1 + rng.int(3);
    const k = rng.int(n);
    const html = `<div>${Array.from({ length: n }, (_, i) => `<input type="text" data-rf-id="t${i}"><br>`).join('')}</div>`;
    return {
      html,
      utterance: n === 1 ? 'Focus into the textbox.' : `Focus into the ${ORDINALS[k]} input textbox.`,
      fields: n === 1 ? [] : [['target', ORDINALS[k]]],
      goal: { target: k + 1, of: n },
      judge: (f) => (f.focused === null || !/^t\d$/.test(f.focused) ? 0 : f.focused === `t${k}` ? 1 : -1),
      expert: (s) => click(refOfId(s, `t${k}`)),
    };
  },
};

export const loginUser: WebTask = {
  name: 'login-user',
  description: 'username and password fields; enter both and press Login',
  maxSteps: 10,
  generate(rng) {
    const user = NAMES[rng.int(NAMES.length)].toLowerCase();
    const pw = pick(rng, WORDS, 1)[0];
    return {
      html: `<div><label for="user">Username</label><input type="text" id="user" data-rf-id="user"><br><label for="pass">Password</label><input type="password" id="pass" data-rf-id="pass"><br><button type="button" data-rf-id="login" data-rf-do="submit">Login</button></div>`,
      utterance: `Enter the username "${user}" and the password "${pw}" into the text fields and press login.`,
      fields: [
        ['username', user],
        ['password', pw],
      ],
      goal: { username: user, password: pw },
      judge: (f) => submitVerdict(f, (s) => s.values.user === user && s.values.pass === pw),
      expert: (s) =>
        fillThenSubmit(
          s,
          [
            ['user', user],
            ['pass', pw],
          ],
          'login',
        ),
    };
  },
};

export const chooseList: WebTask = {
  name: 'choose-list',
  description: 'a drop-down list; select the named item and submit',
  maxSteps: 10,
  generate(rng) {
    const n = 5 + rng.int(8);
    const items = pick(rng, COUNTRIES, n);
    const k = rng.int(n);
    const html = `<div><select data-rf-id="list">${items.map((c) => `<option>${esc(c)}</option>`).join('')}</select><br>${SUBMIT}</div>`;
    return {
      html,
      utterance: `Select ${items[k]} from the list and click Submit.`,
      fields: [['target', items[k]]],
      goal: { target: items[k] },
      judge: (f) => submitVerdict(f, (s) => s.values.list === items[k]),
      expert: (s) => (s.facts.values.list === items[k] ? click(refOfId(s, 'submit')) : { type: 'select', ref: refOfId(s, 'list'), option: items[k] }),
    };
  },
};

export const useAutocomplete: WebTask = {
  name: 'use-autocomplete',
  description: 'a text field with suggestions; enter the item with the given start and end, and submit',
  maxSteps: 10,
  generate(rng) {
    const target = COUNTRIES[rng.int(COUNTRIES.length)];
    const pre = target.slice(0, Math.min(2 + rng.int(2), target.length - 1));
    const post = target.slice(Math.max(pre.length, target.length - 2 - rng.int(2)));
    const options = JSON.stringify([...COUNTRIES]);
    const html = `<div><label for="tags">Tags:</label><input type="text" id="tags" data-rf-id="tags" data-rf-autocomplete="ac" data-rf-options='${esc(options)}' data-rf-enter="submit"><ul id="ac" role="listbox"></ul>${SUBMIT}</div>`;
    // Any listed item with that start and end counts (the instruction does not name one item).
    const ok = (v: string): boolean => {
      const l = v.toLowerCase();
      return COUNTRIES.some((c) => c.toLowerCase() === l) && l.startsWith(pre.toLowerCase()) && l.endsWith(post.toLowerCase());
    };
    return {
      html,
      utterance: `Enter an item that starts with "${pre}" and ends with "${post}".`,
      fields: [
        ['start', pre],
        ['end', post],
      ],
      goal: { target },
      judge: (f) => submitVerdict(f, (s) => ok(s.values.tags ?? '')),
      expert: (s) => {
        const v = s.facts.values.tags ?? '';
        if (ok(v)) return click(refOfId(s, 'submit'));
        if (v !== pre) return fill(refOfId(s, 'tags'), pre);
        const sug = s.elements.find((e) => e.role === 'option' && e.text === target);
        return sug ? click(sug.ref) : fill(refOfId(s, 'tags'), target);
      },
    };
  },
};
