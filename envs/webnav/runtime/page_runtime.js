// @ts-check
/**
 * The in-page runtime of the web family. Plain JavaScript with no imports, evaluated as the body of
 * `function (window, document) { … }` in both backends: the fast DOM (happy-dom, in Node) and Chromium
 * (through playwright-core). Because the same source runs in both, refs, the accessibility-tree text, the
 * widget behaviour and the DOM facts are computed identically — the backends differ only in how an action
 * reaches the page (synthetic events here vs. Chromium's native input) and in layout (bboxes).
 *
 * It installs `window.__rf` with:
 *   load(html)          replace the body, reset the episode's records, number the elements (refs)
 *   check(action)       null if the action can apply now, else an error string (nothing changes)
 *   act(action)         apply an action with synthetic events (the fast DOM; Chromium uses native input)
 *   snapshot(withBbox)  { axtree, elements, facts, ids } (ids: ref → data-rf-id, privileged)
 *
 * Widget behaviour is declared on the task pages with data attributes, handled by delegated listeners:
 *   data-rf-do="show"   data-rf-arg=ID data-rf-group=G  hide every [data-rf-member=G], show #ID (tabs, pages)
 *   data-rf-do="toggle" data-rf-arg=ID                  flip #ID's hidden flag, set aria-expanded here
 *   data-rf-do="hide"   data-rf-arg=ID                  hide #ID (dialog close)
 *   data-rf-do="submit"                                 record a submission with every field's value
 *   data-rf-do="record" data-rf-arg=KIND                record an event KIND
 *   data-rf-do="search" data-rf-arg=INPUT_ID data-rf-results=ID   show #ID's children whose
 *                                                       data-rf-query equals the input (trimmed, any case)
 *   data-rf-do="suggest" data-rf-for=INPUT_ID           put this element's text in the input, clear the list
 *   data-rf-autocomplete=LIST_ID data-rf-options=JSON   on input: list up to 5 options starting with the value
 *   data-rf-enter=BUTTON_ID                             Enter on this element clicks #BUTTON_ID
 * Elements that tasks need to recognise carry data-rf-id (never shown to the agent).
 */
/* global window, document */
const W = window;
const D = document;
const rt = { nextRef: 0, clicks: [], events: [], submits: [], keys: [] };

function collapse(s) {
  return String(s ?? '').replace(/\s+/g, ' ').trim();
}

function refOf(el) {
  const r = el.getAttribute('data-rf-ref');
  return r === null ? -1 : Number(r);
}

// No querySelector(All)/closest/live collections: happy-dom caches their results on the queried node
// and keeps replaced subtrees alive through them (measured: ~2 MB leaked per episode), and plain walks
// over these small pages are faster anyway.

/** Call fn on every element below root, in document order. */
function each(root, fn) {
  for (let c = root.firstElementChild; c; c = c.nextElementSibling) {
    fn(c);
    each(c, fn);
  }
}

/** Every element below root that passes pred, in document order. */
function all(root, pred) {
  const out = [];
  each(root, (e) => {
    if (pred(e)) out.push(e);
  });
  return out;
}

/** The nearest ancestor-or-self element that passes pred, or null. */
function closest(el, pred) {
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) if (pred(e)) return e;
  return null;
}

const hasAttr = (name) => (e) => e.hasAttribute(name);

function idOf(el) {
  const e = el ? closest(el, hasAttr('data-rf-id')) : null;
  return e ? e.getAttribute('data-rf-id') : null;
}

function number() {
  each(D.body, (e) => {
    if (!e.hasAttribute('data-rf-ref')) e.setAttribute('data-rf-ref', String(rt.nextRef++));
  });
}

/** Hidden by its own attributes (the `hidden` flag or an inline display:none / visibility:hidden). */
function selfHidden(e) {
  if (e.hidden) return true;
  const st = e.getAttribute('style');
  return st !== null && /display\s*:\s*none|visibility\s*:\s*hidden/.test(st);
}

function visible(el) {
  for (let e = el; e && e !== D.body; e = e.parentElement) if (selfHidden(e)) return false;
  return true;
}

const LEAF_ROLES = { button: 1, link: 1, textbox: 1, checkbox: 1, radio: 1, option: 1, img: 1, tab: 1, menuitem: 1, treeitem: 1 };

const TEXT_INPUTS = { text: 1, password: 1, email: 1, search: 1, tel: 1, url: 1, number: 1 };

function isTextbox(el) {
  const tag = el.tagName;
  if (tag === 'TEXTAREA') return true;
  if (tag !== 'INPUT') return false;
  const t = (el.getAttribute('type') || 'text').toLowerCase();
  return TEXT_INPUTS[t] === 1;
}

function roleOf(el) {
  const explicit = el.getAttribute('role');
  if (explicit) return explicit;
  switch (el.tagName) {
    case 'BUTTON':
      return 'button';
    case 'A':
      return 'link';
    case 'SELECT':
      return 'combobox';
    case 'OPTION':
      return 'option';
    case 'TEXTAREA':
      return 'textbox';
    case 'LI':
      return 'listitem';
    case 'LABEL':
      return 'LabelText';
    case 'IMG':
      return 'img';
    case 'H1':
    case 'H2':
    case 'H3':
    case 'H4':
      return 'heading';
    case 'INPUT': {
      const t = (el.getAttribute('type') || 'text').toLowerCase();
      if (t === 'checkbox' || t === 'radio') return t;
      if (t === 'button' || t === 'submit') return 'button';
      return TEXT_INPUTS[t] === 1 ? 'textbox' : 'generic';
    }
    default:
      return null;
  }
}

function ownText(el) {
  let s = '';
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 3) s += n.nodeValue;
  return collapse(s);
}

function labelText(el) {
  const id = el.getAttribute('id');
  if (id) {
    const labels = all(D.body, (e) => e.tagName === 'LABEL' && e.getAttribute('for') === id);
    if (labels.length > 0) return collapse(labels[0].textContent);
  }
  const wrap = closest(el, (e) => e.tagName === 'LABEL');
  return wrap ? collapse(wrap.textContent) : '';
}

function nameOf(el, role) {
  const aria = el.getAttribute('aria-label');
  if (aria) return collapse(aria);
  if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') {
    const t = (el.getAttribute('type') || '').toLowerCase();
    if (t === 'button' || t === 'submit') return collapse(el.value);
    return labelText(el) || collapse(el.getAttribute('placeholder')) || collapse(el.getAttribute('title'));
  }
  if (el.tagName === 'IMG') return collapse(el.getAttribute('alt'));
  if (role === 'StaticText' || role === 'LabelText') return ownText(el);
  return collapse(el.textContent);
}

function optionsOf(select) {
  return all(select, (e) => e.tagName === 'OPTION');
}

function fieldValue(el) {
  if (el.tagName === 'SELECT') {
    const o = optionsOf(el)[el.selectedIndex];
    return o ? collapse(o.textContent) : '';
  }
  return String(el.value ?? '');
}

/** Lines of the accessibility tree and the element records, in document order. */
function walk(el, depth, withBbox, lines, elements, ids) {
  for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
    // walk only descends into visible elements, so a child is visible unless it hides itself.
    if (selfHidden(c) || c.tagName === 'SCRIPT' || c.tagName === 'STYLE') continue;
    let role = roleOf(c);
    if (role === null && ownText(c) !== '') role = 'StaticText';
    let childDepth = depth;
    if (role !== null) {
      const name = nameOf(c, role);
      const ref = refOf(c);
      let line = `${'  '.repeat(depth)}[${ref}] ${role} '${name}'`;
      const rec = { ref, tag: c.tagName.toLowerCase(), role, text: name, value: null, checked: null, focused: false, bbox: null };
      if (role === 'textbox' || role === 'combobox') {
        rec.value = fieldValue(c);
        line += ` value='${rec.value}'`;
      }
      if (role === 'checkbox' || role === 'radio') {
        rec.checked = Boolean(c.checked);
        line += c.checked ? ' checked' : ' unchecked';
      }
      if (role === 'option' && c.selected) line += ' selected';
      if (role === 'textbox' && D.activeElement === c) {
        rec.focused = true;
        line += ' focused';
      }
      const exp = c.getAttribute('aria-expanded');
      if (exp !== null) line += exp === 'true' ? ' expanded' : ' collapsed';
      if (c.disabled) line += ' disabled';
      if (withBbox) {
        const b = c.getBoundingClientRect();
        rec.bbox = [Math.round(b.left), Math.round(b.top), Math.round(b.width), Math.round(b.height)];
      }
      lines.push(line);
      elements.push(rec);
      const rid = c.getAttribute('data-rf-id');
      if (rid !== null) ids[String(ref)] = rid;
      childDepth = depth + 1;
      // A leaf control's text is its name: do not repeat its children as separate lines.
      if (LEAF_ROLES[role] === 1) continue;
    }
    walk(c, childDepth, withBbox, lines, elements, ids);
  }
}

function facts() {
  const values = {};
  const checked = {};
  let page = null;
  const hiddenIds = [];
  // One pass; `hidden` tells whether an ancestor-or-self hides the element.
  const visit = (root, hidden) => {
    for (let e = root.firstElementChild; e; e = e.nextElementSibling) {
      const h = hidden || selfHidden(e);
      const tag = e.tagName;
      if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') {
        const id = e.getAttribute('data-rf-id');
        if (id !== null) {
          const t = (e.getAttribute('type') || '').toLowerCase();
          if (t === 'checkbox' || t === 'radio') checked[id] = Boolean(e.checked);
          else values[id] = fieldValue(e);
        }
      }
      if (!h && e.hasAttribute('data-rf-page')) page = e.getAttribute('data-rf-page');
      if (h && e.hasAttribute('data-rf-track')) hiddenIds.push(e.getAttribute('data-rf-track'));
      visit(e, h);
    }
  };
  visit(D.body, false);
  return {
    clicks: rt.clicks.slice(),
    events: rt.events.slice(),
    submits: rt.submits.slice(),
    keys: rt.keys.slice(),
    values,
    checked,
    // A focused element that got hidden has lost the focus (browsers' focus fixup).
    focused: D.activeElement && D.activeElement !== D.body && visible(D.activeElement) ? idOf(D.activeElement) : null,
    page,
    hidden: hiddenIds,
  };
}

function allValues() {
  const f = facts();
  return { values: f.values, checked: f.checked };
}

function byId(id) {
  return id ? D.getElementById(id) : null;
}

function onClick(ev) {
  const t = ev.target;
  if (!t || t.nodeType !== 1) return;
  rt.clicks.push({ ref: refOf(t), id: idOf(t) });
  const link = closest(t, (e) => e.tagName === 'A');
  if (link) ev.preventDefault();
  const el = closest(t, hasAttr('data-rf-do'));
  if (!el || el.disabled) return;
  const verb = el.getAttribute('data-rf-do');
  const arg = el.getAttribute('data-rf-arg');
  if (verb === 'show') {
    const group = el.getAttribute('data-rf-group');
    const members = all(D.body, (e) => e.getAttribute('data-rf-member') === group);
    for (let i = 0; i < members.length; i++) members[i].hidden = true;
    const target = byId(arg);
    if (target) target.hidden = false;
    const tabs = all(D.body, (e) => e.getAttribute('data-rf-do') === 'show' && e.getAttribute('data-rf-group') === group);
    for (let i = 0; i < tabs.length; i++) if (tabs[i].getAttribute('aria-selected') !== null) tabs[i].setAttribute('aria-selected', tabs[i] === el ? 'true' : 'false');
    rt.events.push({ kind: 'show', id: arg });
  } else if (verb === 'toggle') {
    const target = byId(arg);
    if (target) {
      target.hidden = !target.hidden;
      el.setAttribute('aria-expanded', target.hidden ? 'false' : 'true');
    }
    rt.events.push({ kind: 'toggle', id: arg });
  } else if (verb === 'hide') {
    const target = byId(arg);
    if (target) target.hidden = true;
    rt.events.push({ kind: 'hide', id: arg });
  } else if (verb === 'submit') {
    rt.submits.push({ id: idOf(el), ...allValues() });
  } else if (verb === 'record') {
    rt.events.push({ kind: arg, id: idOf(el) });
  } else if (verb === 'search') {
    const input = byId(arg);
    const results = byId(el.getAttribute('data-rf-results'));
    const q = input ? collapse(input.value).toLowerCase() : '';
    if (results) {
      results.hidden = false;
      for (let c = results.firstElementChild; c; c = c.nextElementSibling) {
        c.hidden = collapse(c.getAttribute('data-rf-query')).toLowerCase() !== q || q === '';
      }
    }
    rt.events.push({ kind: 'search', id: q });
  } else if (verb === 'suggest') {
    const input = byId(el.getAttribute('data-rf-for'));
    if (input) {
      input.value = collapse(el.textContent);
      const list = byId(input.getAttribute('data-rf-autocomplete'));
      if (list) list.innerHTML = '';
    }
    rt.events.push({ kind: 'suggest', id: collapse(el.textContent) });
  }
}

function onInput(ev) {
  const t = ev.target;
  if (!t || t.nodeType !== 1) return;
  const listId = t.getAttribute('data-rf-autocomplete');
  if (!listId) return;
  const list = byId(listId);
  if (!list) return;
  const q = String(t.value).toLowerCase();
  const options = JSON.parse(t.getAttribute('data-rf-options') || '[]');
  let html = '';
  if (q !== '') {
    let n = 0;
    for (let i = 0; i < options.length && n < 5; i++) {
      if (String(options[i]).toLowerCase().startsWith(q)) {
        html += `<li role="option" data-rf-do="suggest" data-rf-for="${t.getAttribute('id')}">${options[i]}</li>`;
        n++;
      }
    }
  }
  list.innerHTML = html;
  number();
}

function onKeydown(ev) {
  const t = ev.target;
  if (!t || t.nodeType !== 1) return;
  rt.keys.push({ key: ev.key, id: idOf(t) });
  if (ev.key === 'Enter') {
    const b = byId(t.getAttribute('data-rf-enter'));
    if (b) b.click();
  }
}

D.addEventListener('click', onClick);
D.addEventListener('input', onInput);
D.addEventListener('keydown', onKeydown);

const KEYS = { Enter: 1, Escape: 1 };
function focusable(e) {
  const t = e.tagName;
  return t === 'BUTTON' || t === 'INPUT' || t === 'SELECT' || t === 'TEXTAREA' || (t === 'A' && e.hasAttribute('href')) || e.hasAttribute('tabindex');
}

function resolve(action) {
  if (!action || typeof action !== 'object') return { error: 'the action must be an object' };
  if (action.type === 'scroll') return { el: null };
  const want = String(Number(action.ref));
  const list = all(D.body, (e) => e.getAttribute('data-rf-ref') === want);
  const el = list.length === 1 ? list[0] : null;
  if (!el) return { error: `no element with ref ${JSON.stringify(action.ref)}` };
  if (!visible(el)) return { error: `element ${action.ref} is not visible` };
  if (el.disabled) return { error: `element ${action.ref} is disabled` };
  if (action.type === 'fill' && !isTextbox(el)) return { error: `element ${action.ref} (${el.tagName.toLowerCase()}) is not a text field: fill needs an input or textarea` };
  if (action.type === 'select') {
    if (el.tagName !== 'SELECT') return { error: `element ${action.ref} (${el.tagName.toLowerCase()}) is not a select` };
    const want = collapse(action.option);
    const options = optionsOf(el);
    for (let i = 0; i < options.length; i++) {
      const o = options[i];
      if (collapse(o.textContent) === want || o.value === want) return { el, optionValue: o.value };
    }
    return { error: `select ${action.ref} has no option ${JSON.stringify(action.option)}` };
  }
  if (action.type === 'press' && KEYS[action.key] !== 1) return { error: `key ${JSON.stringify(action.key)} is not supported (Enter, Escape)` };
  return { el };
}

function mouse(el, type) {
  el.dispatchEvent(new W.MouseEvent(type, { bubbles: true, cancelable: true, view: W }));
}

W.__rf = {
  load(html) {
    D.body.innerHTML = html;
    rt.nextRef = 0;
    rt.clicks = [];
    rt.events = [];
    rt.submits = [];
    rt.keys = [];
    if (D.activeElement && D.activeElement !== D.body && D.activeElement.blur) D.activeElement.blur();
    W.scrollTo(0, 0);
    number();
  },
  check(action) {
    const r = resolve(action);
    return r.error ? { error: r.error } : { error: null, optionValue: r.optionValue ?? null };
  },
  act(action) {
    const r = resolve(action);
    if (r.error) return r.error;
    const el = r.el;
    if (action.type === 'click') {
      // As a browser does on mousedown: focus the nearest focusable element (a label passes it to its
      // control), or drop the focus when there is none.
      mouse(el, 'mousedown');
      let target = closest(el, focusable);
      if (!target) {
        const label = closest(el, (e) => e.tagName === 'LABEL');
        if (label) target = label.getAttribute('for') ? byId(label.getAttribute('for')) : all(label, (e) => e.tagName === 'INPUT' || e.tagName === 'TEXTAREA' || e.tagName === 'SELECT')[0];
      }
      if (target) target.focus();
      else if (D.activeElement && D.activeElement !== D.body && D.activeElement.blur) D.activeElement.blur();
      mouse(el, 'mouseup');
      el.click();
    } else if (action.type === 'fill') {
      el.focus();
      el.value = String(action.text);
      el.dispatchEvent(new W.Event('input', { bubbles: true }));
    } else if (action.type === 'select') {
      el.value = r.optionValue;
      el.dispatchEvent(new W.Event('input', { bubbles: true }));
      el.dispatchEvent(new W.Event('change', { bubbles: true }));
    } else if (action.type === 'press') {
      if (isTextbox(el) || el.tagName === 'SELECT') el.focus();
      el.dispatchEvent(new W.KeyboardEvent('keydown', { key: action.key, bubbles: true, cancelable: true }));
      el.dispatchEvent(new W.KeyboardEvent('keyup', { key: action.key, bubbles: true, cancelable: true }));
    } else if (action.type === 'scroll') {
      W.scrollBy(Number(action.dx) || 0, Number(action.dy) || 0);
    }
    number();
    return null;
  },
  snapshot(withBbox) {
    number();
    const lines = [];
    const elements = [];
    const ids = {};
    walk(D.body, 0, Boolean(withBbox), lines, elements, ids);
    return { axtree: lines.join('\n'), elements, facts: facts(), ids };
  },
};
