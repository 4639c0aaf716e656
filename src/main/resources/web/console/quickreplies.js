// Quick replies in the composer (A7, C9): "/" at the start of a word opens a type-ahead of the
// replies offered for the conversation's channel (the tenant's and the agent's own), ranked by
// the server; arrows move, Enter, Tab or a click put the reply in place of "/word" at the
// cursor, the rest of the draft kept; Escape closes. {visitor.name}, {visitor.email} and
// {agent.name} are filled in. Text goes in with textContent only.

import {api} from './api.js';
import {$, el} from './dom.js';
import {t} from './i18n.js';
import {S} from './state.js';

/** "/word" just before the cursor, at the start of the text or after a space. */
const TRIGGER = /(^|\s)\/([^\s/]{0,40})$/u;
const DEBOUNCE_MS = 120;
const LIMIT = 8;

let list = null;
let items = [];
let active = 0;
let token = null;     // {start, end}: the "/word" the reply will replace
let timer = null;
let asked = 0;        // the latest request: older answers are dropped

export function attach() {
  const input = $('chat-input');
  input.addEventListener('input', () => look(input));
  input.addEventListener('click', () => look(input));
  input.addEventListener('blur', () => setTimeout(close, 150));
}

/** The composer's keydown goes here first; true when the type-ahead took the key. */
export function handleKey(e) {
  if (!list) {
    return false;
  }
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    if (items.length) {
      active = (active + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      draw();
    }
    return true;
  }
  if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && !e.isComposing) {
    if (!items.length) {
      return false;
    }
    e.preventDefault();
    insert(items[active]);
    return true;
  }
  if (e.key === 'Escape') {
    e.preventDefault();
    close();
    return true;
  }
  return false;
}

function look(input) {
  const c = S.convs.get(S.selected);
  const before = input.value.slice(0, input.selectionStart);
  const m = input.selectionStart === input.selectionEnd ? TRIGGER.exec(before) : null;
  if (!c || c.state !== 'open' || !m) {
    close();
    return;
  }
  token = {start: input.selectionStart - m[2].length - 1, end: input.selectionStart};
  clearTimeout(timer);
  timer = setTimeout(() => fetchReplies(c.id, m[2]), DEBOUNCE_MS);
}

async function fetchReplies(conversationId, q) {
  const mine = ++asked;
  let found;
  try {
    found = await api('GET', `/quick-replies?conversationId=${encodeURIComponent(conversationId)}`
        + `&q=${encodeURIComponent(q)}&limit=${LIMIT}`);
  } catch (e) {
    found = [];
  }
  if (mine !== asked || !token || S.selected !== conversationId) {
    return;
  }
  items = found;
  active = 0;
  draw();
}

function draw() {
  if (!list) {
    list = el('ul', {'class': 'quick-replies', 'data-testid': 'quick-reply-list', role: 'listbox',
      'aria-label': t('quick.title')});
    $('composer').prepend(list);
  }
  list.textContent = '';
  if (!items.length) {
    list.append(el('li', {'class': 'quick-empty muted', text: t('quick.none')}));
    return;
  }
  const c = S.convs.get(S.selected);
  items.forEach((r, i) => {
    list.append(el('li', {
      'class': i === active ? 'quick-item active' : 'quick-item', 'data-testid': 'quick-reply-item', 'data-id': r.id,
      role: 'option', 'aria-selected': i === active ? 'true' : 'false',
      // mousedown, not click: the textarea keeps its focus and its cursor.
      onmousedown: e => {
        e.preventDefault();
        insert(r);
      },
    }, el('strong', {text: r.title}), el('span', {'class': 'quick-scope muted', text: r.scope === 'personal'
      ? t('quick.personal') : (r.category || '')}), el('span', {'class': 'quick-text', text: fill(r.text, c, S.me)})));
  });
}

/** The reply's text with the conversation's and the agent's names filled in. */
export function fill(text, c, me) {
  const values = {
    'visitor.name': c && c.visitor && c.visitor.name ? c.visitor.name : t('conv.visitor'),
    'visitor.email': c && c.visitor && c.visitor.email ? c.visitor.email : '',
    'agent.name': me && me.name ? me.name : '',
  };
  return text.replace(/\{(visitor\.name|visitor\.email|agent\.name)\}/g, (all, key) => values[key]);
}

function insert(reply) {
  const input = $('chat-input');
  const c = S.convs.get(S.selected);
  if (!token) {
    close();
    return;
  }
  const text = fill(reply.text, c, S.me);
  input.value = input.value.slice(0, token.start) + text + input.value.slice(token.end);
  const at = token.start + text.length;
  input.setSelectionRange(at, at);
  input.focus();
  close();
}

function close() {
  clearTimeout(timer);
  asked++;
  token = null;
  items = [];
  if (list) {
    list.remove();
    list = null;
  }
}
