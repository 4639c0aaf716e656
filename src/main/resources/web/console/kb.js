// The knowledge base beside the chat (C9): a tab next to the customer panel searches the
// articles for the shown conversation's channel (GET /kb/search) and shows each one's title and
// a snippet; "Insert" reads the article (GET /kb/articles/{id}) and puts its text into the
// composer at the cursor, the draft around it kept. An article published at an address (its
// `url`, in the business's help centre) also offers "Insert link", which puts that address in
// instead; the visitor sees it as a link. Everything is set as text.

import {t} from './i18n.js';
import {api} from './api.js';
import {$, el} from './dom.js';
import {searchable} from './search.js';
import {S} from './state.js';

const DEBOUNCE_MS = 250;
/** A message's limit (docs/protocol.md): the composer never holds more. */
const MESSAGE_MAX = 5000;

let timer = null;
let asked = 0;
let results = null;     // null: nothing searched yet
let searchedFor = null; // the conversation the results are for
let note = null;        // a message key under the box
let tab = 'customer';
let drawnWritable = null;

export function mount() {
  $('side-tab-customer').addEventListener('click', () => show('customer'));
  $('side-tab-kb').addEventListener('click', () => show('kb'));
  for (const button of [$('side-tab-customer'), $('side-tab-kb')]) {
    button.addEventListener('keydown', e => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        e.preventDefault();
        show(tab === 'customer' ? 'kb' : 'customer');
        $(tab === 'kb' ? 'side-tab-kb' : 'side-tab-customer').focus();
      }
    });
  }
  const input = $('kb-search');
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.isComposing) {
      e.preventDefault();
      clearTimeout(timer);
      search();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      input.value = '';
      search();
    }
  });
  relabel();
}

export function relabel() {
  $('kb-search').placeholder = t('kb.placeholder');
  $('kb-search').setAttribute('aria-label', t('kb.label'));
  draw();
}

/** Empties the box and the results (on sign-out). */
export function reset() {
  asked++;
  $('kb-search').value = '';
  results = null;
  note = null;
  draw();
  show('customer');
}

function show(which) {
  tab = which;
  const kb = which === 'kb';
  $('customer-view').hidden = kb;
  $('kb-view').hidden = !kb;
  $('side-tab-customer').classList.toggle('active', !kb);
  $('side-tab-kb').classList.toggle('active', kb);
  $('side-tab-customer').setAttribute('aria-selected', String(!kb));
  $('side-tab-kb').setAttribute('aria-selected', String(kb));
  $('side-tab-customer').tabIndex = kb ? -1 : 0;
  $('side-tab-kb').tabIndex = kb ? 0 : -1;
  if (kb) {
    $('kb-search').focus();
  }
}

/** The chat calls this on every draw: another conversation may have another channel's articles. */
export function follow(c) {
  const id = c ? c.id : null;
  if (id !== searchedFor && results !== null) {
    search();
  } else if (composerOpen() !== drawnWritable) {
    // Redrawn only when it changes: a redraw on every frame would replace a button being clicked.
    draw();
  }
}

async function search() {
  const q = $('kb-search').value.trim();
  const mine = ++asked;
  searchedFor = S.selected;
  note = null;
  if (!q) {
    results = null;
    draw();
    return;
  }
  if (!searchable(q)) {
    results = [];
    note = 'search.short';
    draw();
    return;
  }
  const conversation = S.selected ? `&conversationId=${encodeURIComponent(S.selected)}` : '';
  try {
    const found = await api('GET', `/kb/search?q=${encodeURIComponent(q)}${conversation}`);
    if (mine === asked) {
      results = found;
      note = found.length ? null : 'kb.none';
    }
  } catch (e) {
    if (mine === asked) {
      results = [];
      note = 'kb.failed';
    }
  }
  if (mine === asked) {
    draw();
  }
}

function composerOpen() {
  const c = S.convs.get(S.selected);
  return !!c && c.state === 'open' && !c.peek && !$('composer').hidden;
}

function draw() {
  const list = $('kb-results');
  const p = $('kb-note');
  p.hidden = !note;
  p.textContent = note ? t(note) : '';
  list.textContent = '';
  if (!results) {
    return;
  }
  const writable = composerOpen();
  drawnWritable = writable;
  for (const a of results) {
    list.append(el('li', {class: 'kb-result', 'data-testid': 'kb-result', 'data-id': a.id},
        el('strong', {class: 'kb-title', text: a.title}),
        el('p', {class: 'kb-snippet', text: a.snippet || ''}),
        el('div', {class: 'kb-actions'}, el('button', {
          type: 'button', 'data-testid': 'kb-insert', text: t('kb.insert'), disabled: writable ? null : true,
          title: writable ? t('kb.insert.title') : t('kb.insert.closed'),
          // mousedown keeps the composer's cursor where the agent left it
          onmousedown: e => e.preventDefault(),
          onclick: () => insert(a.id),
        }),
        a.url ? el('button', {
          type: 'button', 'data-testid': 'kb-insert-link', text: t('kb.link'), disabled: writable ? null : true,
          title: writable ? a.url : t('kb.insert.closed'),
          onmousedown: e => e.preventDefault(),
          onclick: () => insertLink(a.url),
        }) : null)));
  }
}

function insertLink(url) {
  if (composerOpen()) {
    // Whole or not at all: a cut address leads nowhere. A space after it, so that what the agent
    // types next does not run into the address.
    put(url, {whole: true, spaceAfter: true});
  }
}

async function insert(id) {
  const conversationId = S.selected;
  let article;
  try {
    article = await api('GET', `/kb/articles/${encodeURIComponent(id)}?conversationId=${encodeURIComponent(conversationId)}`);
  } catch (e) {
    note = 'kb.gone';
    draw();
    return;
  }
  if (S.selected !== conversationId || !composerOpen()) {
    return;
  }
  put(article.body);
}

/**
 * Puts text into the composer at the cursor (over a selection), the draft around it kept; cut
 * to fit one message, or with {whole} not put at all when it does not fit.
 */
function put(inserted, {whole = false, spaceAfter = false} = {}) {
  const input = $('chat-input');
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? start;
  const before = input.value.slice(0, start);
  const after = input.value.slice(end);
  // A space between Latin words; Chinese text and punctuation need none.
  const gap = before && !/[\s\p{P}\p{Script=Han}]$/u.test(before) ? ' ' : '';
  let text = gap + inserted + (spaceAfter && !/^\s/u.test(after) ? ' ' : '');
  const room = MESSAGE_MAX - before.length - after.length;
  note = null;
  if (whole && text.length > room) {
    note = 'kb.noroom';
    draw();
    return;
  }
  if (text.length > room) {
    text = text.slice(0, Math.max(0, room));
    note = 'kb.truncated';
  }
  input.value = before + text + after;
  const at = before.length + text.length;
  input.focus();
  input.setSelectionRange(at, at);
  draw();
}
