// The Recent tab (C3): the visitors and customers the agent served in the last 7, 30, 90 or 180
// days, most recent first, each with their last conversation, which opens on a click
// (read-only when it is over or someone else serves it now).

import * as i18n from './i18n.js';
import {t} from './i18n.js';
import {api} from './api.js';
import {$, el} from './dom.js';
import {openConversation} from './peek.js';
import {S} from './state.js';

const DAYS = [7, 30, 90, 180];

let contacts = null;   // null until loaded
let failed = false;
let asked = 0;
let days = 30;

export function mount() {
  $('recent-days').addEventListener('change', e => {
    days = Number(e.target.value) || 30;
    refreshRecent();
  });
}

export function relabel() {
  for (const option of $('recent-days').options) {
    option.textContent = t('list.recent.lastDays', {n: option.value});
  }
}

export async function refreshRecent() {
  const mine = ++asked;
  try {
    const found = await api('GET', `/contacts/recent?days=${DAYS.includes(days) ? days : 30}`);
    if (mine !== asked) {
      return;
    }
    contacts = found;
    failed = false;
  } catch (e) {
    if (mine !== asked) {
      return;
    }
    failed = true;
  }
  if (S.tab === 'recent') {
    renderRecent();
  }
}

/** What the list was last drawn from: drawn again only when it changes (see list.js on clicks lost to redraws). */
let drawn = null;

export function reset() {
  asked++;
  contacts = null;
  failed = false;
  clearRecent();
}

export function clearRecent() {
  drawn = null;
  $('recent-list').textContent = '';
}

/** Draws the contacts; list.js calls this when the Recent tab is shown. */
export function renderRecent() {
  const list = $('recent-list');
  const key = [contacts, failed, S.selected, i18n.lang()];
  if (drawn && key.every((v, i) => v === drawn[i])) {
    return;
  }
  drawn = key;
  list.textContent = '';
  if (failed) {
    list.append(el('li', {class: 'empty', text: t('list.recent.failed')}));
    return;
  }
  if (!contacts) {
    list.append(el('li', {class: 'empty', text: t('list.loading')}));
    return;
  }
  if (!contacts.length) {
    list.append(el('li', {class: 'empty', text: t('list.recent.none')}));
    return;
  }
  for (const contact of contacts) {
    const name = contact.name || t('conv.visitor');
    const open = () => openConversation(contact.lastConversationId);
    list.append(el('li', {
      class: `conv-item recent-contact${contact.lastConversationId === S.selected ? ' selected' : ''}`,
      role: 'button', tabindex: '0', 'data-testid': 'recent-contact', 'data-visitor-id': contact.visitorId,
      'data-conversation-id': contact.lastConversationId,
      onclick: open,
      onkeydown: e => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          open();
        }
      },
    },
    el('span', {class: 'avatar', 'aria-hidden': 'true', text: name.trim().charAt(0).toUpperCase() || '?'}),
    el('div', {class: 'conv-main'},
        el('div', {class: 'conv-line'},
            el('span', {class: 'conv-name', text: name}),
            el('time', {class: 'conv-time', text: i18n.time(contact.lastAt)})),
        el('div', {class: 'conv-line'},
            el('span', {class: 'conv-preview', text: contact.email || ''}),
            el('span', {class: 'muted small', text: `${t('state.' + contact.lastState)} · ${t('list.recent.count', {n: contact.conversations})}`})))));
  }
}
