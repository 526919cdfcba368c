/**
 * Navigation tasks: navigate-tree, search-engine, and the multi-page email-inbox (MiniWoB's delete /
 * reply / forward / star subtasks).
 */
import { click, esc, fill, hasId, pick, refOfId, shuffle, type WebTask } from '../task.ts';
import type { PageFacts, Snapshot, Verdict, WebAction } from '../types.ts';
import { NAMES, WORDS } from '../words.ts';

const cap = (w: string): string => w[0].toUpperCase() + w.slice(1);

interface TreeNode {
  readonly id: string;
  readonly name: string;
  readonly children: TreeNode[];
  readonly parent: TreeNode | undefined;
}

export const navigateTree: WebTask = {
  name: 'navigate-tree',
  description: 'a collapsed file tree; open folders to find the named file or folder and click it (another file fails)',
  maxSteps: 12,
  generate(rng) {
    const names = pick(rng, NAMES, 14);
    let next = 0;
    const nodes: TreeNode[] = [];
    const make = (parent: TreeNode | undefined, depth: number): TreeNode => {
      const node: TreeNode = { id: `n${next}`, name: names[next++], children: [], parent };
      nodes.push(node);
      if (depth < 2) {
        const k = depth === 0 ? 2 + rng.int(2) : rng.int(3);
        for (let i = 0; i < k && next < names.length; i++) node.children.push(make(node, depth + 1));
      }
      return node;
    };
    const roots: TreeNode[] = [];
    while (next < 9 && roots.length < 3) roots.push(make(undefined, 0));
    const render = (n: TreeNode): string => {
      if (n.children.length === 0) return `<li><span role="treeitem" data-rf-id="${n.id}">${n.name}</span></li>`;
      return `<li><span role="treeitem" aria-expanded="false" data-rf-id="${n.id}" data-rf-do="toggle" data-rf-arg="sub-${n.id}">${n.name}</span><ul id="sub-${n.id}" role="group" hidden>${n.children.map(render).join('')}</ul></li>`;
    };
    const target = nodes[rng.int(nodes.length)];
    const isFolder = (id: string): boolean => nodes.some((n) => n.id === id && n.children.length > 0);
    const judge = (f: PageFacts): Verdict => {
      for (const c of f.clicks) {
        if (c.id === null || !c.id.startsWith('n')) continue;
        if (c.id === target.id) return 1;
        if (!isFolder(c.id)) return -1;
      }
      return 0;
    };
    const path: TreeNode[] = [];
    for (let n: TreeNode | undefined = target.parent; n; n = n.parent) path.unshift(n);
    return {
      html: `<ul role="tree">${roots.map(render).join('')}</ul>`,
      utterance: `Navigate through the file tree. Find and click on the folder or file named "${target.name}".`,
      fields: [['target', target.name]],
      goal: { target: target.name },
      judge,
      expert: (s) => {
        if (hasId(s, target.id)) return click(refOfId(s, target.id));
        const closed = path.find((p) => !hasId(s, p.children[0].id));
        return click(refOfId(s, closed!.id));
      },
    };
  },
};

export const searchEngine: WebTask = {
  name: 'search-engine',
  description: 'a search box; search the given query and click the n-th result (another result fails)',
  maxSteps: 15,
  generate(rng) {
    const [query, ...others] = pick(rng, WORDS, 3).map(cap);
    const n = 4 + rng.int(5);
    const k = rng.int(Math.min(n, 6));
    const items: string[] = [];
    const resultIds = new Set<string>();
    for (let i = 0; i < n; i++) {
      const title = `${query} ${pick(rng, WORDS, 2).join(' ')}`;
      resultIds.add(`r${i}`);
      items.push(`<li data-rf-query="${esc(query)}"><a href="#" data-rf-id="r${i}">${esc(cap(title))}</a> <span>${pick(rng, WORDS, 4).join(' ')}</span></li>`);
    }
    // Results for other queries exist on the page but stay hidden unless that query is searched.
    for (const q of others) items.push(`<li data-rf-query="${esc(q)}"><a href="#" data-rf-id="x-${esc(q)}">${esc(q)} ${pick(rng, WORDS, 2).join(' ')}</a></li>`);
    const order = [...items.slice(0, n), ...shuffle(rng, items.slice(n))];
    const html =
      `<div><input type="text" id="q" data-rf-id="q" data-rf-enter="search"><button type="button" id="search" data-rf-id="search" data-rf-do="search" data-rf-arg="q" data-rf-results="results">Search</button>` +
      `<ul id="results" hidden>${order.join('')}</ul></div>`;
    const ord = ['1st', '2nd', '3rd', '4th', '5th', '6th'][k];
    const judge = (f: PageFacts): Verdict => {
      for (const c of f.clicks) {
        if (c.id === null) continue;
        if (c.id === `r${k}`) return 1;
        if (resultIds.has(c.id) || c.id.startsWith('x-')) return -1;
      }
      return 0;
    };
    return {
      html,
      utterance: `Use the textbox to enter "${query}" and press "Search", then find and click the ${ord} search result.`,
      fields: [
        ['query', query],
        ['rank', String(k + 1)],
      ],
      goal: { query, rank: k + 1 },
      judge,
      expert: (s) => {
        if (hasId(s, `r${k}`)) return click(refOfId(s, `r${k}`));
        if (s.facts.values.q !== query) return fill(refOfId(s, 'q'), query);
        return click(refOfId(s, 'search'));
      },
    };
  },
};

type EmailMode = 'delete' | 'reply' | 'forward' | 'star';

export const emailInbox: WebTask = {
  name: 'email-inbox',
  description: 'an inbox (multi-page: inbox, message, reply and forward views); delete, reply to, forward or star the named sender’s email',
  maxSteps: 30,
  generate(rng) {
    const n = 3 + rng.int(4);
    const senders = pick(rng, NAMES, n + 1);
    const forwardTo = senders.pop()!.toLowerCase();
    const k = rng.int(n);
    const mode = (['delete', 'reply', 'forward', 'star'] as const)[rng.int(4)] as EmailMode;
    const replyText = pick(rng, WORDS, 2 + rng.int(2)).join(' ');
    const subjects = senders.map(() => cap(pick(rng, WORDS, 3).join(' ')));
    let html = '<div data-rf-page="inbox" id="inbox" data-rf-member="page"><h3>Inbox</h3>';
    senders.forEach((s, i) => {
      html += `<div class="rf-row" id="row${i}"><a href="#" data-rf-id="open${i}" data-rf-do="show" data-rf-group="page" data-rf-arg="mail${i}">${s}</a> <span>${esc(subjects[i])}</span></div>`;
    });
    html += '</div>';
    senders.forEach((s, i) => {
      const body = pick(rng, WORDS, 12).join(' ');
      html +=
        `<div data-rf-page="mail${i}" id="mail${i}" data-rf-member="page" hidden>` +
        `<button type="button" data-rf-id="back${i}" data-rf-do="show" data-rf-group="page" data-rf-arg="inbox">Back</button>` +
        `<h3>${esc(subjects[i])}</h3><p>From: ${s}</p><p>${body}</p>` +
        `<button type="button" data-rf-id="reply${i}" data-rf-do="show" data-rf-group="page" data-rf-arg="compose-r${i}">Reply</button>` +
        `<button type="button" data-rf-id="forward${i}" data-rf-do="show" data-rf-group="page" data-rf-arg="compose-f${i}">Forward</button>` +
        `<button type="button" aria-label="Star" data-rf-id="star${i}" data-rf-do="record" data-rf-arg="star">☆</button>` +
        `<button type="button" aria-label="Trash" data-rf-id="trash${i}" data-rf-do="record" data-rf-arg="delete">🗑</button></div>` +
        `<div data-rf-page="compose-r${i}" id="compose-r${i}" data-rf-member="page" hidden><p>To: ${s.toLowerCase()}</p>` +
        `<label for="rtext${i}">Message</label><textarea id="rtext${i}" data-rf-id="rtext${i}"></textarea><button type="button" data-rf-id="rsend${i}" data-rf-do="submit">Send</button></div>` +
        `<div data-rf-page="compose-f${i}" id="compose-f${i}" data-rf-member="page" hidden><label for="fto${i}">To</label><input type="text" id="fto${i}" data-rf-id="fto${i}">` +
        `<p>${esc(subjects[i])}</p><button type="button" data-rf-id="fsend${i}" data-rf-do="submit">Send</button></div>`;
    });
    const utterance = {
      delete: `Find the email by ${senders[k]} and click the trash icon to delete it.`,
      reply: `Find the email by ${senders[k]} and reply to them with the text "${replyText}".`,
      forward: `Find the email by ${senders[k]} and forward that email to ${forwardTo}.`,
      star: `Find the email by ${senders[k]} and click the star icon to mark it as important.`,
    }[mode];
    const fields: Array<readonly [string, string]> = [
      ['by', senders[k]],
      ['task', mode],
    ];
    if (mode === 'reply') fields.push(['message', replyText]);
    if (mode === 'forward') fields.push(['to', forwardTo]);
    const judge = (f: PageFacts): Verdict => {
      for (const e of f.events) {
        if (e.kind === 'delete' || e.kind === 'star') return mode === e.kind && e.id === `${e.kind === 'delete' ? 'trash' : 'star'}${k}` ? 1 : -1;
      }
      for (const s of f.submits) {
        if (s.id === `rsend${k}` && mode === 'reply') return s.values[`rtext${k}`] === replyText ? 1 : -1;
        if (s.id === `fsend${k}` && mode === 'forward') return s.values[`fto${k}`] === forwardTo ? 1 : -1;
        return -1;
      }
      return 0;
    };
    const expert = (s: Snapshot): WebAction => {
      const page = s.facts.page;
      const want = mode === 'reply' ? `compose-r${k}` : mode === 'forward' ? `compose-f${k}` : `mail${k}`;
      if (page === 'inbox') return click(refOfId(s, `open${k}`));
      if (page !== want) {
        if (page === `mail${k}`) return click(refOfId(s, mode === 'reply' ? `reply${k}` : `forward${k}`));
        const back = Object.values(s.ids).find((id) => id.startsWith('back'));
        return back ? click(refOfId(s, back)) : click(refOfId(s, `open${k}`));
      }
      if (mode === 'delete') return click(refOfId(s, `trash${k}`));
      if (mode === 'star') return click(refOfId(s, `star${k}`));
      if (mode === 'reply') return s.facts.values[`rtext${k}`] === replyText ? click(refOfId(s, `rsend${k}`)) : fill(refOfId(s, `rtext${k}`), replyText);
      return s.facts.values[`fto${k}`] === forwardTo ? click(refOfId(s, `fsend${k}`)) : fill(refOfId(s, `fto${k}`), forwardTo);
    };
    return { html, utterance, fields, goal: { by: senders[k], task: mode, ...(mode === 'reply' ? { message: replyText } : {}), ...(mode === 'forward' ? { to: forwardTo } : {}) }, judge, expert };
  },
};
