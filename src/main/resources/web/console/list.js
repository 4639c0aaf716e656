// The conversation list: tabs with counts, the three orders and the filter (C2).

import * as i18n from './i18n.js';
import {t} from './i18n.js';
import * as teamwork from './teamwork/index.js';
import {previewOf} from './attachments.js';
import * as batch from './batch.js';
import {select} from './chat.js';
import {$, el} from './dom.js';
import {queueFiltered, queueRows, renderQueue} from './queue.js';
import {clearRecent, renderRecent} from './recent.js';
import {isStarred} from './starred.js';
import {S} from './state.js';

function inTab(c, tab) {
  if (tab === 'open') {
    // Not one only looked at (found by search, starred, recent) that someone else serves.
    return c.state === 'open' && !c.peek;
  }
  if (tab === 'starred') {
    return isStarred(c);
  }
  if (tab === 'ended') {
    return c.state === 'closed';
  }
  return c.state === 'queued';
}

function unreplied(c) {
  return !!c.lastVisitorMessageAt && (!c.lastAgentMessageAt || c.lastAgentMessageAt < c.lastVisitorMessageAt);
}

const time = iso => (iso ? Date.parse(iso) : 0);

/** The three orders of C2; waiting puts unreplied first, longest wait on top, then the rest by latest message. */
function compare(a, b) {
  if (S.tab === 'queue') {
    return time(a.queuedAt) - time(b.queuedAt);
  }
  if (S.tab === 'ended') {
    return time(b.closedAt) - time(a.closedAt);
  }
  if (S.sort === 'waiting') {
    const ua = unreplied(a);
    const ub = unreplied(b);
    if (ua !== ub) {
      return ua ? -1 : 1;
    }
    if (ua) {
      return time(a.lastVisitorMessageAt) - time(b.lastVisitorMessageAt);
    }
    return Math.max(time(b.lastVisitorMessageAt), time(b.lastAgentMessageAt))
        - Math.max(time(a.lastVisitorMessageAt), time(a.lastAgentMessageAt));
  }
  if (S.sort === 'access') {
    return time(b.assignedAt || b.createdAt) - time(a.assignedAt || a.createdAt);
  }
  return time(b.lastVisitorMessageAt || b.createdAt) - time(a.lastVisitorMessageAt || a.createdAt);
}

export function renderTabs() {
  let open = 0;
  let queued = 0;
  for (const c of S.convs.values()) {
    open += c.state === 'open' ? 1 : 0;
    queued += c.state === 'queued' ? 1 : 0;
  }
  // The queue view's own count once it has one (the same conversations, fresher), unless filters narrow it.
  if (S.queueAt && !queueFiltered()) {
    queued = S.queue.length;
  }
  $('tab-open').textContent = t('tab.open', {n: open});
  $('tab-queue').textContent = t('tab.queue', {n: queued});
  for (const b of document.querySelectorAll('.tabs [role=tab]')) {
    const on = b.dataset.tab === S.tab;
    b.setAttribute('aria-selected', String(on));
    b.classList.toggle('active', on);
  }
}

/** The rows of the conversation list by conversation id, kept across renders (see renderList). */
const convRows = new Map();

/**
 * The in-progress, ended or queued list. Rows are keyed by conversation and updated in place:
 * a row whose content did not change is left alone, one that did keeps its element and gets
 * new children. Rebuilding the list on every render detached the row under the pointer, so a
 * click whose press and release straddled a render (frames arrive at any time) was lost.
 */
export function renderList() {
  const queueTab = S.tab === 'queue';
  const recentTab = S.tab === 'recent';
  $('conv-list').hidden = queueTab || recentTab;
  $('list-tools').hidden = queueTab || recentTab;
  $('queue-list').hidden = !queueTab;
  $('queue-tools').hidden = !queueTab;
  $('recent-list').hidden = !recentTab;
  $('recent-tools').hidden = !recentTab;
  if (!recentTab) {
    clearRecent();
  }
  // The list not shown is emptied: a test hook (conv-item) counts only what the agent sees.
  if (queueTab || recentTab) {
    batch.renderBar([]);
    convRows.clear();
    $('conv-list').textContent = '';
    if (recentTab) {
      $('queue-list').textContent = '';
      queueRows.clear();
      renderRecent();
      return;
    }
    renderQueue();
    return;
  }
  $('queue-list').textContent = '';
  queueRows.clear();
  const list = $('conv-list');
  const items = [...S.convs.values()]
      .filter(c => inTab(c, S.tab))
      .filter(c => S.tab !== 'open' || S.filter === 'all'
          || (S.filter === 'unread' ? c.unread > 0 : unreplied(c)))
      .sort(compare);
  batch.renderBar(items.map(c => c.id));
  if (!items.length) {
    convRows.clear();
    list.textContent = '';
    list.append(el('li', {class: 'empty', text: t('list.empty')}));
    return;
  }
  const now = Date.now();
  const wanted = items.map(c => {
    const fresh = batch.decorateItem(teamwork.decorateItem(convRow(c, now), c), c);
    const row = convRows.get(c.id);
    if (!row) {
      convRows.set(c.id, fresh);
      return fresh;
    }
    updateRow(row, fresh);
    return row;
  });
  const keep = new Set(wanted);
  for (const [id, row] of convRows) {
    if (!keep.has(row)) {
      convRows.delete(id);
    }
  }
  for (const child of [...list.children]) {
    if (!keep.has(child)) {
      child.remove();
    }
  }
  // Move only what is out of place: a row that stays where it is is never detached.
  wanted.forEach((node, i) => {
    if (list.children[i] !== node) {
      list.insertBefore(node, list.children[i] || null);
    }
  });
  batch.syncChecks(list);
}

/** Brings a kept row up to a freshly drawn one: its attributes, and its children if they differ. */
function updateRow(row, fresh) {
  for (const {name, value} of fresh.attributes) {
    if (row.getAttribute(name) !== value) {
      row.setAttribute(name, value);
    }
  }
  if (row.innerHTML !== fresh.innerHTML) {
    patchChildren(row, fresh);
  }
}

/**
 * Changes a kept row's children into the fresh ones in place where their shape is the same
 * (text and attributes), replacing only where it differs. The element under a pressed button
 * stays in the page when, say, the waiting time ticks on: a click whose press was on an element
 * removed before the release never arrives.
 */
function patchChildren(target, source) {
  const have = [...target.childNodes];
  const want = [...source.childNodes];
  const same = have.length === want.length
      && have.every((n, i) => n.nodeType === want[i].nodeType && n.nodeName === want[i].nodeName);
  if (!same) {
    target.replaceChildren(...want);
    return;
  }
  have.forEach((n, i) => {
    const w = want[i];
    if (n.nodeType !== Node.ELEMENT_NODE) {
      if (n.nodeValue !== w.nodeValue) {
        n.nodeValue = w.nodeValue;
      }
      return;
    }
    if (n.outerHTML === w.outerHTML) {
      return;
    }
    for (const {name} of [...n.attributes]) {
      if (!w.hasAttribute(name)) {
        n.removeAttribute(name);
      }
    }
    for (const {name, value} of w.attributes) {
      if (n.getAttribute(name) !== value) {
        n.setAttribute(name, value);
      }
    }
    patchChildren(n, w);
  });
}

/** One conversation's row; its handlers stay with the first element drawn for it. */
function convRow(c, now) {
  const name = c.visitor && c.visitor.name ? c.visitor.name : t('conv.visitor');
  const waiting = c.state === 'open' && unreplied(c);
  // Unread counts only while the agent serves it, as the tab title's total does: an ended
  // conversation's last words no longer wait for an answer here.
  const unread = c.state === 'open' ? c.unread : 0;
  const when = c.state === 'closed' ? c.closedAt : c.state === 'queued' ? c.queuedAt
      : (c.lastVisitorMessageAt || c.assignedAt || c.createdAt);
  return el('li', {
    class: `conv-item${c.id === S.selected ? ' selected' : ''}${unread ? ' has-unread' : ''}`,
    role: 'option', tabindex: '0', 'aria-selected': String(c.id === S.selected),
    'data-testid': 'conv-item', 'data-conversation-id': c.id, 'data-unread': String(unread),
    onclick: () => select(c.id),
    onkeydown: e => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        select(c.id);
      }
    },
  },
  el('span', {class: 'avatar', 'aria-hidden': 'true', text: name.trim().charAt(0).toUpperCase() || '?'}),
  el('div', {class: 'conv-main'},
      el('div', {class: 'conv-line'},
          el('span', {class: 'conv-name', text: name}),
          el('span', {class: 'channel-icon', title: 'Web', 'aria-hidden': 'true', text: '◎'}),
          S.offline.has(c.id) ? el('span', {class: 'tag tag-offline', text: t('queue.label.offline')}) : null,
          // Starred ones are of every state: each says which.
          S.tab === 'starred' ? el('span', {class: `tag tag-state state-${c.state}`, text: t('state.' + c.state)}) : null,
          el('time', {class: 'conv-time', text: i18n.time(when)})),
      el('div', {class: 'conv-line'},
          el('span', {class: 'conv-preview', text: previewOf(c)}),
          unread ? el('span', {class: 'unread', 'aria-label': t('list.unread', {n: unread}), text: String(unread)}) : null),
      waiting ? el('div', {class: 'unreplied', text: t('list.unreplied', {d: i18n.duration(now - time(c.lastVisitorMessageAt))})}) : null,
      c.state === 'queued' ? el('div', {class: 'muted small', text: t('list.queueNote', {t: i18n.time(c.queuedAt)})}) : null));
}
