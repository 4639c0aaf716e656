// The queue view (B4): serving order, ticking waits, filters, pick-up and assignment by hand.

import * as i18n from './i18n.js';
import {t} from './i18n.js';
import {HttpError, api} from './api.js';
import {previewOf} from './attachments.js';
import {select} from './chat.js';
import {fetchConversation, mergeView} from './conversations.js';
import {$, el} from './dom.js';
import {refreshSoon} from './figures.js';
import {renderTabs} from './list.js';
import {S} from './state.js';
import {render} from './view.js';

/** The minimum-wait filter's choices, in seconds. */
const WAIT_CHOICES = [0, 30, 60, 120, 300, 600, 1800];

let queueRequest = 0;

/** The queue from REST, filtered by the server; a newer request (a filter changed meanwhile) wins. */
export async function refreshQueue() {
  if (!S.me) {
    return;
  }
  const query = new URLSearchParams();
  if (S.queueFilter.channelId) {
    query.set('channelId', S.queueFilter.channelId);
  }
  if (S.queueFilter.minWait) {
    query.set('minWaitSeconds', String(S.queueFilter.minWait));
  }
  const mine = ++queueRequest;
  try {
    const [entries] = await Promise.all([
      api('GET', `/queue${query.toString() ? '?' + query : ''}`),
      S.seesTenant && Date.now() - S.agentsAt > 15000 ? refreshAgents() : null,
    ]);
    if (mine !== queueRequest) {
      return;
    }
    S.queue = entries;
    S.queueAt = Date.now();
    for (const e of entries) {
      if (e.hold === 'offline') {
        S.offline.add(e.conversationId);
      }
    }
    renderTabs();
    if (S.tab === 'queue') {
      renderQueue();
    }
  } catch (e) {
    // shown again on the next refresh
  }
}

export function queueFiltered() {
  return !!(S.queueFilter.channelId || S.queueFilter.minWait);
}

export async function refreshChannels() {
  try {
    const list = await api('GET', '/channels');
    S.channels = new Map(list.map(c => [c.id, c]));
    renderQueueFilters();
    if (S.tab === 'queue') {
      renderQueue(true);
    }
  } catch (e) {
    // the filter offers "all channels" only
  }
}

async function refreshAgents() {
  try {
    S.agents = (await api('GET', '/admin/agents')).sort((a, b) => a.name.localeCompare(b.name));
    S.agentsAt = Date.now();
  } catch (e) {
    // assignment by hand waits for the next refresh
  }
}

async function pickup(entry) {
  const id = entry.conversationId;
  S.busy.add(id);
  S.queueError = null;
  renderQueue();
  try {
    const view = await api('POST', `/conversations/${id}/pickup`);
    mergeView(view);
    S.queue = S.queue.filter(e => e.conversationId !== id);
    select(id);
  } catch (err) {
    S.queueError = {key: pickupError(err), name: entry.visitorName || t('conv.visitor'), at: Date.now()};
  } finally {
    S.busy.delete(id);
    render();
    refreshSoon();
  }
}

function pickupError(err) {
  if (err instanceof HttpError) {
    if (err.status === 409) {
      // Refused for the agent's own status, or because it no longer waits (someone was faster).
      return S.status === 'offline' ? 'queue.error.offline' : 'queue.error.taken';
    }
    if (err.status === 404) {
      return 'queue.error.taken';
    }
    if (err.status === 403) {
      return 'queue.error.forbidden';
    }
  }
  return 'queue.error.failed';
}

async function assignTo(entry, agentId) {
  const id = entry.conversationId;
  S.busy.add(id);
  S.queueError = null;
  renderQueue();
  try {
    const view = await api('POST', `/conversations/${id}/assign`, {agentId});
    S.queue = S.queue.filter(e => e.conversationId !== id);
    if (view.assignee && view.assignee.id === S.me.id) {
      mergeView(view);
      select(id);
    }
  } catch (err) {
    const key = err instanceof HttpError && err.status === 409 ? 'queue.error.assign' : pickupError(err);
    S.queueError = {key, name: entry.visitorName || t('conv.visitor'), at: Date.now()};
  } finally {
    S.busy.delete(id);
    render();
    refreshSoon();
  }
}

const CHANNEL_ICONS = {web: '◎', wechat: '◆', api: '⇄'};

export const queueRows = new Map();   // conversationId -> {node, sig}: unchanged rows are kept, with their focus

/** The queue view: serving order, position, visitor, channel, ticking wait, labels, pick-up / assign. */
export function renderQueue(rebuild) {
  renderQueueError();
  const list = $('queue-list');
  if (!S.queue.length) {
    queueRows.clear();
    list.textContent = '';
    list.append(el('li', {class: 'empty', text: t(queueFiltered() ? 'queue.emptyFiltered' : 'queue.empty')}));
    return;
  }
  const since = S.queueAt;
  const wanted = [];
  for (const e of S.queue) {
    const sig = JSON.stringify([e.position, e.hold, e.visitorName, e.channelId, S.busy.has(e.conversationId),
      S.selected === e.conversationId, i18n.lang(), S.isAgent, S.seesTenant ? S.agentsAt : 0,
      previewOf(S.convs.get(e.conversationId))]);
    let row = queueRows.get(e.conversationId);
    if (!row || row.sig !== sig || rebuild) {
      const old = row && row.node.querySelector('[data-testid=queue-assign]');
      if (old && document.activeElement === old) {
        // The supervisor is choosing an agent in this row: redraw it later, not under their hands.
        wanted.push(row.node);
        continue;
      }
      row = {node: queueRow(e), sig};
      const choice = row.node.querySelector('[data-testid=queue-assign]');
      if (old && choice && old.value) {
        choice.value = old.value;
        if (choice.value !== old.value) {
          choice.value = '';
        }
      }
      queueRows.set(e.conversationId, row);
    }
    row.node.dataset.since = String(since - e.waitingSeconds * 1000);
    wanted.push(row.node);
  }
  const keep = new Set(S.queue.map(e => e.conversationId));
  for (const id of [...queueRows.keys()]) {
    if (!keep.has(id)) {
      queueRows.delete(id);
    }
  }
  for (const child of [...list.children]) {
    if (!wanted.includes(child)) {
      child.remove();
    }
  }
  // Move only what is out of place, so a focused control in an unmoved row keeps its focus.
  wanted.forEach((node, i) => {
    if (list.children[i] !== node) {
      list.insertBefore(node, list.children[i] || null);
    }
  });
  tickQueue();
}

function queueRow(e) {
  const id = e.conversationId;
  const name = e.visitorName || t('conv.visitor');
  const channel = S.channels.get(e.channelId);
  const busy = S.busy.has(id);
  const preview = previewOf(S.convs.get(id));
  const open = () => peek(id);
  const actions = el('div', {class: 'queue-actions'});
  if (S.isAgent) {
    actions.append(el('button', {
      type: 'button', class: 'primary', 'data-testid': 'queue-pickup', disabled: busy,
      'aria-label': `${t('queue.pickup')}: ${name}`, text: t('queue.pickup'), onclick: () => pickup(e),
    }));
  }
  if (S.seesTenant) {
    const choice = el('select', {'data-testid': 'queue-assign', 'aria-label': t('queue.assign'), disabled: busy},
        el('option', {value: '', text: t('queue.assign.choose')}),
        ...S.agents.map(a => el('option', {
          value: a.id, disabled: a.status === 'offline',
          text: `${a.name} · ${t('status.' + a.status)} · ${a.load} / ${a.maxConcurrent}`,
        })));
    actions.append(choice, el('button', {
      type: 'button', 'data-testid': 'queue-assign-submit', disabled: busy, text: t('queue.assign.submit'),
      onclick: () => {
        if (choice.value) {
          assignTo(e, choice.value);
        } else {
          choice.focus();
        }
      },
    }));
  }
  return el('li', {
    class: `queue-item${e.hold ? ' hold-' + e.hold : ''}`, 'data-testid': 'queue-item',
    'data-conversation-id': id, 'data-hold': e.hold || 'none',
  },
  el('div', {
    class: `conv-item${S.selected === id ? ' selected' : ''}`, role: 'button', tabindex: '0',
    'data-testid': 'conv-item', 'data-conversation-id': id, 'data-unread': '0',
    onclick: open,
    onkeydown: ev => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        open();
      }
    },
  },
  el('span', {class: 'position', 'aria-label': t('queue.position', {n: e.position}), title: t('queue.position', {n: e.position}),
    'data-testid': 'queue-position', text: String(e.position)}),
  el('div', {class: 'conv-main'},
      el('div', {class: 'conv-line'},
          el('span', {class: 'conv-name', text: name}),
          el('span', {class: 'queue-wait conv-time', 'data-testid': 'queue-wait'})),
      el('div', {class: 'conv-line'},
          el('span', {class: 'channel-icon', 'aria-hidden': 'true', text: CHANNEL_ICONS[channel && channel.kind] || '◎'}),
          el('span', {class: 'queue-channel', text: channel ? channel.name : t('queue.channel.unknown')}),
          e.hold === 'offline' ? el('span', {class: 'tag tag-offline', 'data-testid': 'queue-label-offline',
            text: t('queue.label.offline')}) : null,
          e.hold === 'unmatched' ? el('span', {class: 'tag tag-unmatched', 'data-testid': 'queue-label-unmatched',
            text: t('queue.label.unmatched')}) : null),
      preview ? el('div', {class: 'conv-preview', text: preview}) : null)),
  actions.children.length ? actions : null);
}

/** Opens a waiting conversation read-only, to see what the visitor wrote before taking it. */
async function peek(id) {
  if (!S.convs.has(id) || S.convs.get(id).placeholder) {
    await fetchConversation(id);
  }
  select(id);
}

/** Waiting times move on every second without redrawing the rows. */
export function tickQueue() {
  const now = Date.now();
  for (const row of $('queue-list').querySelectorAll('.queue-item')) {
    const wait = row.querySelector('.queue-wait');
    wait.textContent = t('queue.waiting', {d: i18n.duration(now - Number(row.dataset.since))});
  }
}

export function renderQueueError() {
  const box = $('queue-error');
  const err = S.queueError;
  box.hidden = !err;
  $('queue-error-text').textContent = err ? t(err.key, {name: err.name}) : '';
}

export function renderQueueFilters() {
  const channel = $('queue-filter-channel');
  while (channel.options.length > 1) {
    channel.remove(1);
  }
  channel.options[0].textContent = t('queue.filter.channel.all');
  for (const c of [...S.channels.values()]) {
    // A removed channel keeps its name on the rows still waiting from it; it is not offered.
    if (!c.removed) {
      channel.append(el('option', {value: c.id, text: c.name}));
    }
  }
  channel.value = S.queueFilter.channelId;
  if (channel.value !== S.queueFilter.channelId) {
    channel.value = '';
    S.queueFilter.channelId = '';
  }
  const wait = $('queue-filter-wait');
  wait.textContent = '';
  for (const s of WAIT_CHOICES) {
    wait.append(el('option', {
      value: String(s), text: s === 0 ? t('queue.filter.wait.any') : t('queue.filter.wait.atLeast', {d: i18n.duration(s * 1000)}),
    }));
  }
  wait.value = String(S.queueFilter.minWait);
}
