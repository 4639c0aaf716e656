// Searching the history (C5) from the box above the list: contacts whose name or email holds
// the words, and messages (Chinese words inside longer text too) of the conversations the agent
// may see. It searches as the agent types (a pause, and at least one Chinese, Japanese or Korean
// character or two letters or digits), Enter at once, Escape clears. A result opens its
// conversation at that message. Matched words are marked by building text nodes and <mark>
// elements: the message's text is never parsed as markup. Under the results' head, a period
// (`search-period`) and, when the tenant has more than one, a channel (`search-channel`) narrow
// the search (the API's from and channelId); they stay while the box is in use.

import * as i18n from './i18n.js';
import {t} from './i18n.js';
import {HttpError, api} from './api.js';
import {$, el} from './dom.js';
import {openConversation} from './peek.js';
import {S} from './state.js';

const DEBOUNCE_MS = 300;
const PAGE = 30;
/** Characters of a long message shown before the first match. */
const LEAD = 30;
const EXCERPT = 160;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** The periods offered, in days back from now; '' for any time. */
const PERIODS = ['', '7', '30', '90', '365'];
const DAY_MS = 24 * 60 * 60 * 1000;

let timer = null;
let asked = 0;
let state = null;       // {q, from, contacts, messages, next, loading, error}
let filters = {days: '', channelId: ''};
let channels = null;    // the tenant's channels for the filter, asked once a session (null until answered)
let frame = null;       // the results' lasting parts: {title, close, period, channel, body}; rebuilt after a clear
const views = new Map(); // conversation id -> its view, for the visitor's name (null while asked)

/** Whether the text is worth sending: one CJK character, or two letters or digits. */
export function searchable(q) {
  if (CJK.test(q)) {
    return true;
  }
  return (q.match(/[\p{L}\p{N}]/gu) || []).length >= 2;
}

export function mount() {
  const input = $('search-input');
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) {
      clear();
      return;
    }
    timer = setTimeout(() => start(q), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.isComposing) {
      e.preventDefault();
      clearTimeout(timer);
      const q = input.value.trim();
      if (q) {
        start(q);
      }
    } else if (e.key === 'Escape') {
      e.preventDefault();
      input.value = '';
      clear();
    }
  });
  relabel();
}

export function relabel() {
  $('search-input').placeholder = t('search.placeholder');
  $('search-input').setAttribute('aria-label', t('search.label'));
  if (state) {
    draw();
  }
}

/** Empties the box and the results (on sign-out). */
export function reset() {
  $('search-input').value = '';
  views.clear();
  channels = null;
  clear();
}

function clear() {
  clearTimeout(timer);
  asked++;
  state = null;
  frame = null;
  filters = {days: '', channelId: ''};
  $('search-results').hidden = true;
  $('search-results').textContent = '';
  document.querySelector('.list-pane').classList.remove('searching');
}

function start(q) {
  if (!searchable(q)) {
    state = {q, from: null, contacts: [], messages: [], next: null, loading: false, error: 'search.short'};
    draw();
    return;
  }
  // The period's start is fixed when the search starts, so that its later pages page through the same set.
  const from = filters.days ? new Date(Date.now() - Number(filters.days) * DAY_MS).toISOString() : null;
  state = {q, from, contacts: [], messages: [], next: null, loading: true, error: null};
  draw();
  fetchPage(null);
  loadChannels();
}

/** The tenant's channels for the filter, once a session; removed ones are never offered (docs/protocol.md). */
async function loadChannels() {
  if (channels) {
    return;
  }
  channels = [];
  try {
    channels = (await api('GET', '/channels')).filter(c => !c.removed);
  } catch (e) {
    channels = null; // asked again with the next search
    return;
  }
  if (state) {
    draw();
  }
}

async function fetchPage(before) {
  const mine = ++asked;
  const q = state.q;
  const params = [`q=${encodeURIComponent(q)}`, `limit=${PAGE}`];
  if (state.from) {
    params.push(`from=${encodeURIComponent(state.from)}`);
  }
  if (filters.channelId) {
    params.push(`channelId=${encodeURIComponent(filters.channelId)}`);
  }
  if (before) {
    params.push(`before=${encodeURIComponent(before)}`);
  }
  let answer;
  try {
    answer = await api('GET', `/search?${params.join('&')}`);
  } catch (e) {
    if (mine === asked && state) {
      state.loading = false;
      state.error = e instanceof HttpError && e.status === 400 ? 'search.invalid' : 'search.failed';
      draw();
    }
    return;
  }
  if (mine !== asked || !state) {
    return;
  }
  if (!before) {
    state.contacts = answer.contacts || [];
  }
  state.messages = state.messages.concat(answer.messages || []);
  state.next = answer.next || null;
  state.loading = false;
  draw();
  lookUpVisitors(mine);
}

/** The views of the conversations the hits are in that the console does not know, for the visitor's name. */
async function lookUpVisitors(mine) {
  const wanted = [...new Set(state.messages.map(m => m.conversationId))]
      .filter(id => !views.has(id) && !known(id))
      .slice(0, 30);
  for (const id of wanted) {
    views.set(id, null);
  }
  await Promise.all(wanted.map(async id => {
    try {
      views.set(id, await api('GET', `/conversations/${id}`));
    } catch (e) {
      views.delete(id);
    }
  }));
  if (wanted.length && mine === asked && state) {
    draw();
  }
}

function known(id) {
  const c = S.convs.get(id);
  return !!c && !c.placeholder;
}

function visitorName(id) {
  const c = known(id) ? S.convs.get(id) : views.get(id);
  if (!c) {
    return '';
  }
  return (c.visitor && c.visitor.name) || t('conv.visitor');
}

/**
 * The parts of the results that stay while the box is in use: the head and the filters. A
 * redraw replaces only the body, so a filter being chosen is never pulled from under the pointer.
 */
function ensureFrame() {
  const box = $('search-results');
  if (frame && frame.body.isConnected) {
    return frame;
  }
  box.textContent = '';
  const title = el('span');
  const close = el('button', {type: 'button', class: 'link-button', 'data-testid': 'search-close', onclick: () => {
    $('search-input').value = '';
    clear();
    $('search-input').focus();
  }});
  const period = el('select', {'data-testid': 'search-period', onchange: () => {
    filters.days = period.value;
    restart();
  }});
  const channel = el('select', {'data-testid': 'search-channel', onchange: () => {
    filters.channelId = channel.value;
    restart();
  }});
  const bar = el('div', {class: 'search-filters'}, period, channel);
  const body = el('div', {class: 'search-body'});
  box.append(el('div', {class: 'search-head'}, title, close), bar, body);
  frame = {title, close, period, channel, body};
  return frame;
}

function restart() {
  if (state) {
    start(state.q);
  }
}

function drawFilters(f) {
  const offered = channels || [];
  // Rebuilt only when something in them changed: replacing a select's options closes it under the pointer.
  const key = JSON.stringify([i18n.lang(), filters, offered.map(c => [c.id, c.name])]);
  if (f.key === key) {
    return;
  }
  f.key = key;
  f.period.setAttribute('aria-label', t('search.period'));
  f.period.replaceChildren(...PERIODS.map(days => el('option', {
    value: days, text: days ? t('search.period.days', {n: Number(days)}) : t('search.period.any'),
  })));
  f.period.value = filters.days;
  // One channel is nothing to choose; a chosen channel stays offered so the choice shows.
  f.channel.hidden = offered.length < 2 && !filters.channelId;
  f.channel.setAttribute('aria-label', t('search.channel'));
  f.channel.replaceChildren(el('option', {value: '', text: t('search.channel.all')}),
      ...offered.map(c => el('option', {value: c.id, text: c.name})));
  f.channel.value = filters.channelId;
}

function draw() {
  document.querySelector('.list-pane').classList.add('searching');
  $('search-results').hidden = false;
  const f = ensureFrame();
  f.title.textContent = t('search.title', {q: state.q});
  f.close.textContent = t('search.close');
  drawFilters(f);
  const box = f.body;
  box.textContent = '';
  if (state.error) {
    box.append(el('p', {class: 'search-note', role: 'status', text: t(state.error)}));
    return;
  }
  if (state.loading && !state.messages.length) {
    box.append(el('p', {class: 'search-note', role: 'status', text: t('search.loading')}));
    return;
  }
  if (!state.contacts.length && !state.messages.length) {
    box.append(el('p', {class: 'search-note', role: 'status', text: t('search.none')}));
    return;
  }
  if (state.contacts.length) {
    box.append(el('h3', {text: t('search.contacts')}));
    box.append(el('ul', {class: 'search-list'}, ...state.contacts.map(contactRow)));
  }
  if (state.messages.length) {
    box.append(el('h3', {text: t('search.messages')}));
    box.append(el('ul', {class: 'search-list'}, ...state.messages.map(messageRow)));
  }
  if (state.next) {
    box.append(el('button', {
      type: 'button', class: 'search-more', 'data-testid': 'search-more', disabled: state.loading ? true : null,
      text: t('search.more'), onclick: () => {
        state.loading = true;
        draw();
        fetchPage(state.next);
      },
    }));
  }
}

function activate(open) {
  return {
    tabindex: '0', role: 'button', onclick: open,
    onkeydown: e => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    },
  };
}

function contactRow(contact) {
  const name = contact.name || t('conv.visitor');
  return el('li', {
    class: 'search-item', 'data-testid': 'search-contact', 'data-visitor-id': contact.visitorId,
    'data-conversation-id': contact.lastConversationId, ...activate(() => openConversation(contact.lastConversationId)),
  },
  el('div', {class: 'search-line'},
      el('strong', {class: 'search-name'}, ...highlighted(name, state.q)),
      el('time', {class: 'search-time', text: i18n.time(contact.lastAt)})),
  el('div', {class: 'search-text muted'}, ...highlighted(contact.email || '', state.q),
      document.createTextNode(`${contact.email ? ' · ' : ''}${t('list.recent.count', {n: contact.conversations})}`)));
}

function messageRow(m) {
  const name = visitorName(m.conversationId);
  const who = m.internal ? t('search.note') : m.senderKind === 'visitor' ? '' : t('search.staff');
  return el('li', {
    class: `search-item${m.internal ? ' internal' : ''}`, 'data-testid': 'search-result',
    'data-conversation-id': m.conversationId, 'data-seq': String(m.seq),
    ...activate(() => openConversation(m.conversationId, m.seq)),
  },
  el('div', {class: 'search-line'},
      el('strong', {class: 'search-name', text: name || '…'}),
      who ? el('span', {class: 'tag', text: who}) : null,
      el('time', {class: 'search-time', text: i18n.time(m.sentAt)})),
  el('div', {class: 'search-text'}, ...highlighted(excerpt(m.text, state.q), state.q)));
}

/** The words of a query as the text shows them: letters and digits, or runs of CJK characters. */
function terms(q) {
  return [...new Set((q.toLowerCase().match(/[\p{L}\p{N}]+/gu) || []))].sort((a, b) => b.length - a.length);
}

function matcher(q) {
  const words = terms(q);
  if (!words.length) {
    return null;
  }
  return new RegExp(words.map(w => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
}

/** A long text cut around its first match, so the match is in view. */
function excerpt(text, q) {
  const re = matcher(q);
  const at = re ? text.search(re) : -1;
  const start = at > LEAD ? at - LEAD : 0;
  const cut = text.slice(start, start + EXCERPT);
  return `${start > 0 ? '…' : ''}${cut}${start + EXCERPT < text.length ? '…' : ''}`;
}

/** Text nodes with the query's words wrapped in <mark>, each built as text. */
export function highlighted(text, q) {
  const re = matcher(q);
  if (!re || !text) {
    return [document.createTextNode(text || '')];
  }
  const out = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (!m[0]) {
      continue;
    }
    if (m.index > last) {
      out.push(document.createTextNode(text.slice(last, m.index)));
    }
    out.push(el('mark', {text: m[0]}));
    last = m.index + m[0].length;
  }
  if (last < text.length) {
    out.push(document.createTextNode(text.slice(last)));
  }
  return out;
}
