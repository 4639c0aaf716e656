// Switchboard agent console. Plain modules, no framework: REST for snapshots, the staff
// socket for everything live (docs/protocol.md). Messages are kept per conversation by
// sequence number, so a frame seen twice (resume after a reconnect, REST and socket
// overlapping) is drawn once; the agent's own messages wait in a persisted outbox until
// acknowledged and are re-sent with their original clientId. User text is only ever set
// with textContent.

import * as i18n from './i18n.js';
import * as alerts from './alerts.js';
import * as teamwork from './teamwork/index.js';

const {t} = i18n;
const PAGE = 50;
// How long a gap in a loaded conversation's sequence numbers may stay open before the console
// asks for it again: longer than frames of one conversation take to overtake each other.
const GAP_WAIT_MS = 1500;
const SESSION = 'switchboard.console.session';
const $ = id => document.getElementById(id);

const S = {
  session: null,          // {token, expiresAt, user}
  me: null,               // GET /me
  isAgent: false,
  status: null,
  load: 0,
  max: 0,
  convs: new Map(),       // id -> conversation (view fields + local state)
  tab: 'open',
  sort: 'latest',
  filter: 'all',
  selected: null,
  outbox: [],             // [{clientId, conversationId, text, at}]
  socket: null,
  linkUp: false,
  attempt: 0,
  reconnectTimer: null,
  synced: false,
  lastTypingSent: 0,
  seesTenant: false,      // supervisors and admins: the whole tenant's queue, assign by hand
  queue: [],              // GET /queue: waiting conversations in serving order
  queueAt: 0,             // when the queue was fetched; waiting times tick on from there
  queueFilter: {channelId: '', minWait: 0},
  queueError: null,       // {key, name} shown above the queue until dismissed or replaced
  channels: new Map(),    // id -> {id, name, kind}
  agents: [],             // supervisors: the tenant's agents, to assign to by hand
  agentsAt: 0,
  busy: new Set(),        // conversations with a pick-up or assignment under way
  offline: new Set(),     // conversations known to have been left as offline messages
  routingChecked: new Set(),
};
/** The minimum-wait filter's choices, in seconds. */
const WAIT_CHOICES = [0, 30, 60, 120, 300, 600, 1800];

// ------------------------------------------------------------------ helpers
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) {
      continue;
    }
    if (k === 'text') {
      node.textContent = v;
    } else if (k === 'class') {
      node.className = v;
    } else if (k.startsWith('on')) {
      node.addEventListener(k.slice(2), v);
    } else {
      node.setAttribute(k, v === true ? '' : v);
    }
  }
  for (const c of children) {
    if (c !== null && c !== undefined && c !== false) {
      node.append(c);
    }
  }
  return node;
}

function clientId() {
  return 'a-' + (crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2));
}

class HttpError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (S.session) {
    headers.Authorization = `Bearer ${S.session.token}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(`/api/v1${path}`, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (res.status === 401 && S.session) {
    signOut();
  }
  if (!res.ok) {
    throw new HttpError(res.status, data);
  }
  return data;
}

function outboxKey() {
  return `switchboard.console.outbox.${S.session.user.id}`;
}

function saveOutbox() {
  try {
    localStorage.setItem(outboxKey(), JSON.stringify(S.outbox));
  } catch (e) {
    // kept for this page only
  }
}

// ------------------------------------------------------------------ conversations
/** The local record of a conversation, created on first sight and merged with each view. */
function conv(id) {
  let c = S.convs.get(id);
  if (!c) {
    c = {
      id, state: 'open', visitor: {name: ''}, lastSeq: 0, unread: 0, preview: '', messages: new Map(),
      floor: null, loadingOlder: false, typingUntil: 0, visitorReadSeq: 0, agentReadSeq: 0, placeholder: true,
    };
    S.convs.set(id, c);
  }
  return c;
}

function mergeView(v) {
  const c = conv(v.id);
  const seen = c.lastSeq;
  const wasPlaceholder = c.placeholder;
  Object.assign(c, {
    state: v.state, channelId: v.channelId, visitor: v.visitor || c.visitor, assignee: v.assignee,
    createdAt: v.createdAt, queuedAt: v.queuedAt, assignedAt: v.assignedAt,
    lastVisitorMessageAt: latest(c.lastVisitorMessageAt, v.lastVisitorMessageAt),
    lastAgentMessageAt: latest(c.lastAgentMessageAt, v.lastAgentMessageAt),
    closedAt: v.closedAt, closeReason: v.closeReason, placeholder: false,
    visitorReadSeq: Math.max(c.visitorReadSeq, v.visitorReadSeq || 0),
    agentReadSeq: Math.max(c.agentReadSeq, v.agentReadSeq || 0),
  });
  c.lastSeq = Math.max(seen, v.lastSeq || 0);
  if (v.preview !== undefined && (v.lastSeq || 0) >= seen) {
    c.preview = v.preview || '';
  }
  if (typeof v.unread === 'number') {
    // The server's count is the truth after a (re)load; live counting may be ahead of a list fetched a moment ago.
    c.unread = wasPlaceholder ? Math.max(c.unread, v.unread) : v.unread;
  }
  teamwork.mergeView(c, v);
  return c;
}

function latest(a, b) {
  if (!a) {
    return b || null;
  }
  if (!b) {
    return a;
  }
  return a > b ? a : b;
}

async function fetchConversation(id) {
  try {
    mergeView(await api('GET', `/conversations/${id}`));
    render();
  } catch (e) {
    // the socket brings it back on the next resume
  }
}

/** Lists from REST: the snapshot the socket's frames are applied to. */
async function refreshLists() {
  const [open, closed, queued] = await Promise.all([
    api('GET', '/conversations?state=open&limit=500'),
    api('GET', '/conversations?state=closed&limit=100'),
    api('GET', '/conversations?state=queued&limit=500'),
  ]);
  const listed = new Set();
  for (const v of [...open, ...closed, ...queued]) {
    // Supervisors see every open conversation of the tenant; the console lists only their own
    // and those they were invited into as an expert.
    if (v.state === 'open' && v.assignee && v.assignee.id !== S.me.id && !teamwork.involves(v)) {
      continue;
    }
    mergeView(v);
    listed.add(v.id);
  }
  for (const [id, c] of S.convs) {
    // A queued conversation that left the queue for someone else is no longer ours to show.
    if (!listed.has(id) && c.state === 'queued') {
      S.convs.delete(id);
    }
  }
}

async function refreshFigures() {
  if (!S.isAgent) {
    const queued = [...S.convs.values()].filter(c => c.state === 'queued').length;
    $('queue-count').textContent = String(queued);
    return;
  }
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const f = await api('GET', `/agents/me/figures?tz=${encodeURIComponent(tz || 'UTC')}`);
    $('queue-count').textContent = String(f.queueLength);
    $('today-count').textContent = String(f.receivedToday);
    applyStatus(f.status, f.load, f.maxConcurrent);
  } catch (e) {
    // shown again on the next refresh
  }
}

let figuresTimer = null;
function refreshSoon() {
  clearTimeout(figuresTimer);
  figuresTimer = setTimeout(async () => {
    refreshQueue();
    try {
      await refreshLists();
      render();
    } catch (e) {
      // next time
    }
    refreshFigures();
  }, 400);
}

// ------------------------------------------------------------------ queue (B4)
let queueRequest = 0;
/** The queue from REST, filtered by the server; a newer request (a filter changed meanwhile) wins. */
async function refreshQueue() {
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

function queueFiltered() {
  return !!(S.queueFilter.channelId || S.queueFilter.minWait);
}

async function refreshChannels() {
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

/** Whether a conversation was left as an offline message: from the queue, else once from its routing events. */
async function checkOffline(c) {
  if (S.offline.has(c.id) || S.routingChecked.has(c.id)) {
    return;
  }
  S.routingChecked.add(c.id);
  try {
    const events = await api('GET', `/conversations/${c.id}/routing`);
    if (events.some(e => e.kind === 'out_of_hours')) {
      S.offline.add(c.id);
      render();
    }
  } catch (e) {
    S.routingChecked.delete(c.id);
  }
}

// ------------------------------------------------------------------ messages
function addMessage(c, m, live) {
  if (c.messages.has(m.seq)) {
    return false;
  }
  c.messages.set(m.seq, m);
  const isNew = m.seq > c.lastSeq;
  c.lastSeq = Math.max(c.lastSeq, m.seq);
  if (isNew || !c.preview) {
    c.preview = m.text;
  }
  if (m.senderKind === 'visitor') {
    c.lastVisitorMessageAt = latest(c.lastVisitorMessageAt, m.sentAt);
  } else if (m.senderKind === 'agent' && !m.internal) {
    c.lastAgentMessageAt = latest(c.lastAgentMessageAt, m.sentAt);
  }
  if (m.senderKind === 'visitor') {
    c.typingUntil = 0;
  }
  if (live && isNew && m.senderKind === 'visitor') {
    if (viewing(c.id)) {
      markRead(c);
    } else {
      c.unread++;
    }
    if (!viewing(c.id) || document.hidden) {
      alerts.alert({
        title: t('notify.title'),
        body: t('notify.newMessage', {name: c.visitor.name || t('conv.visitor'), text: m.text.slice(0, 140)}),
        tag: c.id, titleText: `(${totalUnread() || 1}) ${t('notify.title')}`,
        onClick: () => select(c.id),
      });
    }
  }
  return true;
}

function fromFrame(f) {
  return {
    seq: f.seq, senderKind: f.sender ? f.sender.kind : 'system', senderId: f.sender ? f.sender.id : null,
    senderName: f.sender ? f.sender.name : null, text: f.text, internal: !!f.internal, sentAt: f.sentAt,
    event: f.event || null,
  };
}

function totalUnread() {
  let n = 0;
  for (const c of S.convs.values()) {
    if (c.state === 'open') {
      n += c.unread;
    }
  }
  return n;
}

function viewing(id) {
  return S.selected === id && !document.hidden;
}

function markRead(c) {
  c.unread = 0;
  if (c.lastSeq > c.agentReadSeq) {
    c.agentReadSeq = c.lastSeq;
    send({type: 'read', conversationId: c.id, seq: c.lastSeq});
  }
}

/** The newest page of a conversation, then older pages as the agent scrolls up. */
async function loadLatest(c) {
  const after = Math.max(0, c.lastSeq - PAGE);
  const page = await api('GET', `/conversations/${c.id}/messages?afterSeq=${after}&limit=500`);
  for (const m of page) {
    addMessage(c, m, false);
  }
  c.floor = c.floor === null ? after : Math.min(c.floor, after);
  // A live message that came past a hole while this page was on its way found no floor to
  // measure the hole from: look again now, or the hole stays until the next reconnect.
  watchGap(c);
}

async function loadOlder(c) {
  if (c.loadingOlder || c.floor === null || c.floor <= 0) {
    return;
  }
  c.loadingOlder = true;
  $('chat-older').hidden = false;
  try {
    const after = Math.max(0, c.floor - PAGE);
    const page = await api('GET', `/conversations/${c.id}/messages?afterSeq=${after}&limit=${c.floor - after}`);
    for (const m of page) {
      addMessage(c, m, false);
    }
    c.floor = after;
  } finally {
    c.loadingOlder = false;
    $('chat-older').hidden = true;
  }
  if (S.selected === c.id) {
    renderChat({});
  }
}

// ------------------------------------------------------------------ socket
function send(frame) {
  if (S.socket && S.socket.readyState === WebSocket.OPEN) {
    S.socket.send(JSON.stringify(frame));
    return true;
  }
  return false;
}

function connect() {
  clearTimeout(S.reconnectTimer);
  if (!S.session || S.connecting || (S.socket && S.socket.readyState <= WebSocket.OPEN)) {
    return;
  }
  // A one-time ticket, fetched for every (re)connect, opens the socket: the long-lived token
  // never travels in a URL, where proxies and ingresses would log it.
  const session = S.session;
  S.connecting = true;
  api('POST', '/auth/socket-ticket').then(t => {
    S.connecting = false;
    if (S.session === session) {
      openSocket(t.ticket);
    } else {
      connect();
    }
  }, () => {
    S.connecting = false;
    if (S.session) {
      retryConnect();
    }
  });
}

function retryConnect() {
  const delay = Math.min(10000, 500 * 2 ** Math.min(S.attempt, 5)) * (0.8 + Math.random() * 0.4);
  S.attempt++;
  S.reconnectTimer = setTimeout(connect, delay);
}

function openSocket(ticket) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/ws/agent?ticket=${encodeURIComponent(ticket)}`);
  S.socket = ws;
  S.synced = false;
  ws.addEventListener('open', () => {
    if (!S.isAgent) {
      // Agents sync on their first status frame, which comes once their events are subscribed.
      sync();
    }
  });
  ws.addEventListener('message', e => {
    let f;
    try {
      f = JSON.parse(e.data);
    } catch (err) {
      return;
    }
    if (ws === S.socket) {
      onFrame(f);
    }
  });
  ws.addEventListener('close', e => {
    if (ws !== S.socket) {
      return;
    }
    S.socket = null;
    setLink(false);
    if (e.code === 4401) {
      signOut();
      return;
    }
    retryConnect();
  });
}

function setLink(up) {
  S.linkUp = up;
  $('link-banner').hidden = up;
}

/** After every (re)connect: a fresh snapshot, then everything after it, then the outbox again. */
async function sync() {
  try {
    await refreshLists();
  } catch (e) {
    // the resume below still brings the open conversations up to date
  }
  S.synced = true;
  S.attempt = 0;
  setLink(true);
  const cursors = [];
  for (const c of S.convs.values()) {
    if (c.state === 'open') {
      cursors.push({conversationId: c.id, lastSeq: resumeFrom(c)});
    }
  }
  if (cursors.length) {
    send({type: 'resume', cursors: cursors.slice(0, 500)});
  }
  for (const item of S.outbox) {
    transmit(item);
  }
  const c = S.convs.get(S.selected);
  if (c && c.floor === null && !c.placeholder) {
    loadLatest(c).then(() => renderChat({}), () => {});
  }
  render();
  refreshFigures();
}

/**
 * Where a conversation's resume starts: after the last message this page holds with none
 * missing before it, or after the snapshot when it holds nothing. Staff see every sequence
 * number, internal notes included, so a hole is a message that never arrived.
 */
function resumeFrom(c) {
  return c.floor === null ? c.lastSeq : heldThrough(c);
}

/** The highest seq up to which a loaded conversation holds every message. */
function heldThrough(c) {
  let top = c.floor;
  while (c.messages.has(top + 1)) {
    top++;
  }
  return top;
}

/**
 * A live message past a hole (its frame late, or lost by a publish that failed while the link
 * stayed up): if the hole is still there after a moment, resume that conversation from it.
 */
function watchGap(c) {
  if (c.floor === null || c.gapTimer || heldThrough(c) >= c.lastSeq) {
    return;
  }
  c.gapTimer = setTimeout(() => {
    c.gapTimer = null;
    const held = heldThrough(c);
    if (S.linkUp && c.floor !== null && held < c.lastSeq) {
      send({type: 'resume', cursors: [{conversationId: c.id, lastSeq: held}]});
    }
  }, GAP_WAIT_MS);
}

function onFrame(f) {
  if (teamwork.onFrame(f)) {
    return;
  }
  switch (f.type) {
    case 'status':
      applyStatus(f.status, f.load, f.maxConcurrent);
      if (!S.synced) {
        sync();
      }
      break;
    case 'assigned': {
      const c = conv(f.conversationId);
      const isNew = c.state !== 'open' || c.placeholder;
      c.state = 'open';
      c.assignee = f.agent;
      c.assignedAt = c.assignedAt || new Date().toISOString();
      fetchConversation(f.conversationId);
      refreshSoon();
      if (isNew && S.synced && !S.busy.has(c.id)) {
        alerts.alert({
          title: t('notify.title'),
          body: t('notify.newConversation', {name: c.visitor.name || t('conv.visitor')}),
          tag: c.id, titleText: `(${totalUnread() || 1}) ${t('notify.title')}`, onClick: () => select(c.id),
        });
      }
      render();
      break;
    }
    case 'message': {
      const c = conv(f.conversationId);
      if (c.placeholder && !c.fetching) {
        c.fetching = true;
        fetchConversation(f.conversationId);
      }
      if (addMessage(c, fromFrame(f), true)) {
        watchGap(c);
        render();
      }
      break;
    }
    case 'ack': {
      const i = S.outbox.findIndex(o => o.clientId === f.clientId);
      if (i >= 0) {
        const item = S.outbox[i];
        S.outbox.splice(i, 1);
        saveOutbox();
        const c = conv(f.conversationId);
        addMessage(c, {
          seq: f.seq, senderKind: 'agent', senderId: S.me.id, senderName: S.me.name, text: item.text,
          internal: !!item.internal, sentAt: item.at,
        }, false);
        watchGap(c);
        render();
      }
      break;
    }
    case 'closed': {
      const c = conv(f.conversationId);
      c.state = 'closed';
      c.closeReason = f.reason;
      c.closedAt = c.closedAt || new Date().toISOString();
      c.typingUntil = 0;
      refreshSoon();
      render();
      break;
    }
    case 'typing': {
      const c = S.convs.get(f.conversationId);
      if (c) {
        c.typingUntil = Date.now() + 5000;
        renderTyping();
        setTimeout(renderTyping, 5100);
      }
      break;
    }
    case 'read': {
      const c = S.convs.get(f.conversationId);
      if (c) {
        c.visitorReadSeq = Math.max(c.visitorReadSeq, f.seq);
        if (S.selected === c.id) {
          renderChat({});
        }
      }
      break;
    }
    case 'notice':
      if (f.code === 'resync') {
        sync();
      } else if (f.code === 'unmatched') {
        // Supervisors and admins: a conversation waits for someone to assign it by hand.
        refreshSoon();
        alerts.alert({
          title: t('notify.title'), body: t('notify.unmatched'), tag: `unmatched-${f.conversationId}`,
          titleText: t('notify.unmatched'), onClick: () => {
            S.tab = 'queue';
            render();
          },
        });
      } else if (f.code === 'reassigned') {
        // Taken back for want of a reply: it is in the queue again, no longer ours.
        refreshSoon();
      }
      break;
    case 'error':
      onError(f);
      break;
    default:
      break;
  }
}

function onError(f) {
  const item = f.ref && S.outbox.find(o => o.clientId === f.ref);
  if (!item) {
    return;
  }
  if (f.code === 'unavailable' || f.code === 'rate_limited' || f.code === 'internal') {
    setTimeout(() => transmit(item), 3000);
    return;
  }
  item.failed = true;
  S.outbox.splice(S.outbox.indexOf(item), 1);
  saveOutbox();
  failed.push(item);
  renderChat({});
}
const failed = [];

function transmit(item) {
  send({type: 'message', conversationId: item.conversationId, clientId: item.clientId, text: item.text,
    internal: item.internal || undefined});
}

// ------------------------------------------------------------------ actions
function applyStatus(status, load, max) {
  S.status = status;
  S.load = load;
  S.max = max;
  $('status-switch').value = status;
  $('status-dot').dataset.status = status;
  $('my-load').textContent = `${load} / ${max}`;
  if (document.activeElement !== $('capacity-input')) {
    $('capacity-input').value = String(max);
  }
}

function select(id) {
  S.selected = id;
  const c = S.convs.get(id);
  if (!c) {
    return;
  }
  if (c.state === 'open') {
    S.tab = 'open';
  }
  if (c.floor === null && !c.placeholder) {
    loadLatest(c).then(() => {
      if (S.selected === id) {
        renderChat({toEnd: true});
      }
    }, () => {});
  }
  if (!document.hidden && c.state === 'open') {
    markRead(c);
  }
  if (!c.placeholder) {
    checkOffline(c);
  }
  render();
  renderChat({toEnd: true});
  if (c.state === 'open') {
    $('chat-input').focus();
  }
}

function submitReply() {
  const c = S.convs.get(S.selected);
  const input = $('chat-input');
  const text = input.value.trim();
  if (!c || c.state !== 'open' || !text) {
    return;
  }
  input.value = '';
  S.lastTypingSent = 0; // the next keystroke is a new burst of typing
  const item = {clientId: clientId(), conversationId: c.id, text, at: new Date().toISOString()};
  if (teamwork.noteMode(c.id)) {
    item.internal = true;
  }
  S.outbox.push(item);
  saveOutbox();
  transmit(item);
  renderChat({toEnd: true});
}

async function closeSelected() {
  const c = S.convs.get(S.selected);
  if (!c || c.state === 'closed') {
    return;
  }
  $('chat-close').disabled = true;
  try {
    mergeView(await api('POST', `/conversations/${c.id}/close`));
  } catch (e) {
    if (!(e instanceof HttpError && e.status === 409)) {
      $('chat-close').disabled = false;
      return;
    }
  }
  render();
}

// ------------------------------------------------------------------ rendering
let renderQueued = false;
function render() {
  if (renderQueued) {
    return;
  }
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderTabs();
    renderList();
    renderChat({});
    renderCustomer();
  });
}

function inTab(c, tab) {
  if (tab === 'open') {
    return c.state === 'open';
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

function renderTabs() {
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

function renderList() {
  const queueTab = S.tab === 'queue';
  $('conv-list').hidden = queueTab;
  $('list-tools').hidden = queueTab;
  $('queue-list').hidden = !queueTab;
  $('queue-tools').hidden = !queueTab;
  // The list not shown is emptied: a test hook (conv-item) counts only what the agent sees.
  if (queueTab) {
    $('conv-list').textContent = '';
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
  list.textContent = '';
  if (!items.length) {
    list.append(el('li', {class: 'empty', text: t('list.empty')}));
    return;
  }
  const now = Date.now();
  for (const c of items) {
    const name = c.visitor && c.visitor.name ? c.visitor.name : t('conv.visitor');
    const waiting = c.state === 'open' && unreplied(c);
    const when = c.state === 'closed' ? c.closedAt : c.state === 'queued' ? c.queuedAt
        : (c.lastVisitorMessageAt || c.assignedAt || c.createdAt);
    const row = el('li', {
      class: `conv-item${c.id === S.selected ? ' selected' : ''}${c.unread ? ' has-unread' : ''}`,
      role: 'option', tabindex: '0', 'aria-selected': String(c.id === S.selected),
      'data-testid': 'conv-item', 'data-conversation-id': c.id, 'data-unread': String(c.unread),
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
            el('time', {class: 'conv-time', text: i18n.time(when)})),
        el('div', {class: 'conv-line'},
            el('span', {class: 'conv-preview', text: c.preview || ''}),
            c.unread ? el('span', {class: 'unread', 'aria-label': t('list.unread', {n: c.unread}), text: String(c.unread)}) : null),
        waiting ? el('div', {class: 'unreplied', text: t('list.unreplied', {d: i18n.duration(now - time(c.lastVisitorMessageAt))})}) : null,
        c.state === 'queued' ? el('div', {class: 'muted small', text: t('list.queueNote', {t: i18n.time(c.queuedAt)})}) : null));
    list.append(teamwork.decorateItem(row, c));
  }
}

const CHANNEL_ICONS = {web: '◎', wechat: '◆', api: '⇄'};
const queueRows = new Map();   // conversationId -> {node, sig}: unchanged rows are kept, with their focus

/** The queue view: serving order, position, visitor, channel, ticking wait, labels, pick-up / assign. */
function renderQueue(rebuild) {
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
      (S.convs.get(e.conversationId) || {}).preview || '']);
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
  const preview = (S.convs.get(id) || {}).preview || '';
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
function tickQueue() {
  const now = Date.now();
  for (const row of $('queue-list').querySelectorAll('.queue-item')) {
    const wait = row.querySelector('.queue-wait');
    wait.textContent = t('queue.waiting', {d: i18n.duration(now - Number(row.dataset.since))});
  }
}

function renderQueueError() {
  const box = $('queue-error');
  const err = S.queueError;
  box.hidden = !err;
  $('queue-error-text').textContent = err ? t(err.key, {name: err.name}) : '';
}

function renderQueueFilters() {
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

function renderChat({toEnd}) {
  const c = S.convs.get(S.selected);
  $('chat-empty').hidden = !!c;
  $('chat').hidden = !c;
  if (!c) {
    return;
  }
  const log = $('chat-log');
  const fromBottom = log.scrollHeight - log.scrollTop;
  const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40;

  $('chat-title').textContent = c.visitor && c.visitor.name ? c.visitor.name : t('conv.visitor');
  $('chat-label-offline').hidden = !S.offline.has(c.id);
  $('chat-sub').textContent = `${t('state.' + c.state)} · ${i18n.time(c.assignedAt || c.createdAt)}`;
  // Only a conversation being served can be closed from here; a queued one belongs to the queue.
  $('chat-close').hidden = c.state !== 'open';
  $('chat-close').disabled = false;
  $('composer').hidden = c.state !== 'open';
  const stateLine = $('chat-state');
  stateLine.hidden = c.state === 'open';
  stateLine.textContent = c.state === 'closed'
      ? `${t('chat.closed')} ${c.closeReason ? t('reason.' + c.closeReason) : ''}`.trim()
      : t('chat.queued');
  $('chat-input').placeholder = t('chat.placeholder');

  const box = $('chat-messages');
  box.textContent = '';
  const seqs = [...c.messages.keys()].sort((a, b) => a - b);
  let previous = null;
  for (const seq of seqs) {
    const m = c.messages.get(seq);
    box.append(messageNode(c, m, previous));
    previous = m;
  }
  for (const item of [...S.outbox, ...failed].filter(o => o.conversationId === c.id)) {
    box.append(pendingNode(item));
  }
  renderTyping();
  teamwork.renderChat(c);

  // Redrawing must not move what the agent looks at: stay at the end when there, else keep
  // the same distance from the end (older messages added above then appear above the view).
  if (toEnd || atEnd) {
    log.scrollTop = log.scrollHeight;
  } else {
    log.scrollTop = log.scrollHeight - fromBottom;
  }
}

function senderOf(m) {
  return m.senderKind === 'visitor' ? 'visitor' : m.senderKind === 'system' ? 'system' : 'agent';
}

function messageNode(c, m, previous) {
  const sender = senderOf(m);
  const mine = sender === 'agent';
  const meta = [i18n.time(m.sentAt)];
  if (mine && !m.internal) {
    meta.push(c.visitorReadSeq >= m.seq ? t('chat.read') : t('chat.sent'));
  }
  const showName = sender !== 'system' && (!previous || senderOf(previous) !== sender || previous.senderId !== m.senderId);
  const name = sender === 'visitor' ? (c.visitor.name || t('conv.visitor')) : (m.senderName || '');
  return teamwork.decorateMessage(el('div', {
    class: `msg from-${sender}${m.internal ? ' internal' : ''}`, 'data-testid': 'chat-message',
    'data-sender': sender, 'data-seq': String(m.seq),
  },
  showName && name ? el('div', {class: 'msg-name', text: name}) : null,
  el('div', {class: 'bubble', text: m.text}),
  el('div', {class: 'msg-meta', text: meta.join(' · ')})), m);
}

function pendingNode(item) {
  return teamwork.decorateMessage(el('div', {
    class: `msg from-agent pending${item.internal ? ' internal' : ''}`, 'data-testid': 'chat-message', 'data-sender': 'agent',
    'data-state': item.failed ? 'failed' : 'sending',
  },
  el('div', {class: 'bubble', text: item.text}),
  el('div', {class: 'msg-meta', text: item.failed ? t('chat.failed') : t('chat.sending')})), {internal: !!item.internal});
}

function renderTyping() {
  const c = S.convs.get(S.selected);
  const box = $('chat-typing');
  const on = !!c && c.state === 'open' && c.typingUntil > Date.now();
  box.hidden = !on;
  box.textContent = on ? t('chat.typing', {name: c.visitor.name || t('conv.visitor')}) : '';
}

function renderCustomer() {
  const c = S.convs.get(S.selected);
  const dl = $('customer');
  dl.textContent = '';
  if (!c) {
    return;
  }
  const rows = [
    ['customer.name', c.visitor.name || t('conv.visitor')],
    ['customer.state', t('state.' + c.state)],
    ['customer.since', i18n.time(c.createdAt)],
    ['customer.assigned', i18n.time(c.assignedAt)],
  ];
  for (const [k, v] of rows) {
    if (v) {
      dl.append(el('dt', {text: t(k)}), el('dd', {text: v}));
    }
  }
}

// ------------------------------------------------------------------ shell
function placeLanguageSwitch(container) {
  $(container).append($('lang-switch'));
}

async function setLanguage(lang) {
  await i18n.load(lang);
  $('lang-switch').value = lang;
  $('lang-switch').setAttribute('aria-label', t('language'));
  i18n.applyStatic();
  alerts.setBaseTitle(S.me ? `${t('appName')} · ${S.me.name}` : t('appName'));
  renderAlertSettings();
  renderCapacityNote();
  renderQueueFilters();
  teamwork.relabel();
  if (S.me) {
    $('user-name').textContent = S.me.name;
    render();
  }
}

function showLogin() {
  $('boot').hidden = true;
  $('shell').hidden = true;
  $('login').hidden = false;
  placeLanguageSwitch('login-lang');
  $('login-email').focus();
}

function signOut() {
  try {
    localStorage.removeItem(SESSION);
  } catch (e) {
    // nothing kept
  }
  S.session = null;
  S.me = null;
  const ws = S.socket;
  S.socket = null;
  if (ws) {
    ws.close();
  }
  clearTimeout(S.reconnectTimer);
  S.convs.clear();
  S.selected = null;
  S.queue = [];
  S.queueAt = 0;
  S.queueError = null;
  S.offline.clear();
  S.routingChecked.clear();
  queueRows.clear();
  $('link-banner').hidden = true;
  showLogin();
}

async function startShell() {
  S.me = await api('GET', '/me');
  S.isAgent = (S.me.roles || []).includes('agent');
  S.seesTenant = (S.me.roles || []).some(r => r === 'admin' || r === 'supervisor');
  try {
    S.outbox = JSON.parse(localStorage.getItem(outboxKey())) || [];
  } catch (e) {
    S.outbox = [];
  }
  document.body.classList.toggle('not-agent', !S.isAgent);
  if (S.isAgent) {
    applyStatus(S.me.status, S.me.load, S.me.maxConcurrent);
  }
  $('user-name').textContent = S.me.name;
  alerts.setBaseTitle(`${t('appName')} · ${S.me.name}`);
  $('boot').hidden = true;
  $('login').hidden = true;
  $('shell').hidden = false;
  placeLanguageSwitch('shell-lang');
  try {
    await refreshLists();
  } catch (e) {
    // the socket's sync tries again
  }
  render();
  refreshFigures();
  refreshChannels();
  refreshQueue();
  connect();
}

async function onLogin(e) {
  e.preventDefault();
  const error = $('login-error');
  error.hidden = true;
  $('login-submit').disabled = true;
  try {
    const answer = await api('POST', '/auth/login', {
      email: $('login-email').value.trim(), password: $('login-password').value,
    });
    S.session = {token: answer.token, expiresAt: answer.expiresAt, user: answer.user};
    try {
      localStorage.setItem(SESSION, JSON.stringify(S.session));
    } catch (err) {
      // signed in for this page only
    }
    $('login-password').value = '';
    await startShell();
  } catch (err) {
    error.textContent = err instanceof HttpError && (err.status === 401 || err.status === 400)
        ? t('login.wrong') : t('login.failed');
    error.hidden = false;
  } finally {
    $('login-submit').disabled = false;
  }
}

function renderAlertSettings() {
  $('alert-sound').checked = alerts.get('sound');
  $('alert-desktop').checked = alerts.get('desktop');
  $('alert-title').checked = alerts.get('title');
  const p = alerts.permission();
  $('alert-allow').hidden = !alerts.notificationsSupported() || p !== 'default';
  $('alert-denied').hidden = p !== 'denied' || !alerts.get('desktop');
}

let capacityNote = null;
function renderCapacityNote() {
  const note = $('capacity-note');
  note.hidden = !capacityNote;
  note.textContent = capacityNote ? t(capacityNote) : '';
  note.classList.toggle('warning', capacityNote === 'capacity.low' || capacityNote === 'capacity.belowLoad'
      || capacityNote === 'capacity.range');
}

async function saveCapacity(e) {
  e.preventDefault();
  const value = Number($('capacity-input').value);
  if (!Number.isInteger(value) || value < 1 || value > 200) {
    capacityNote = 'capacity.range';
    renderCapacityNote();
    return;
  }
  try {
    const s = await api('PUT', '/agents/me/capacity', {maxConcurrent: value});
    applyStatus(s.status, s.load, s.maxConcurrent);
    capacityNote = s.load > s.maxConcurrent ? 'capacity.belowLoad' : s.maxConcurrent < 5 ? 'capacity.low' : 'capacity.saved';
  } catch (err) {
    capacityNote = 'capacity.range';
  }
  renderCapacityNote();
}

function wire() {
  $('login-form').addEventListener('submit', onLogin);
  $('logout').addEventListener('click', signOut);
  $('lang-switch').addEventListener('change', e => setLanguage(e.target.value));
  $('status-switch').addEventListener('change', async e => {
    const wanted = e.target.value;
    try {
      const s = await api('PUT', '/agents/me/status', {status: wanted});
      applyStatus(s.status, s.load, s.maxConcurrent);
    } catch (err) {
      e.target.value = S.status;
    }
  });
  $('capacity-form').addEventListener('submit', saveCapacity);
  $('capacity-input').addEventListener('input', () => {
    const v = Number($('capacity-input').value);
    capacityNote = Number.isInteger(v) && v >= 1 && v < 5 ? 'capacity.low' : null;
    renderCapacityNote();
  });
  for (const name of ['sound', 'desktop', 'title']) {
    $(`alert-${name}`).addEventListener('change', e => {
      alerts.set(name, e.target.checked);
      renderAlertSettings();
    });
  }
  $('alert-allow').addEventListener('click', async () => {
    await alerts.askPermission();
    renderAlertSettings();
  });
  for (const b of document.querySelectorAll('.tabs [role=tab]')) {
    b.addEventListener('click', () => {
      S.tab = b.dataset.tab;
      if (S.tab === 'queue') {
        refreshSoon();
      }
      render();
    });
  }
  $('queue-filter-channel').addEventListener('change', e => {
    S.queueFilter.channelId = e.target.value;
    refreshQueue();
  });
  $('queue-filter-wait').addEventListener('change', e => {
    S.queueFilter.minWait = Number(e.target.value) || 0;
    refreshQueue();
  });
  $('queue-error-dismiss').addEventListener('click', () => {
    S.queueError = null;
    renderQueueError();
  });
  $('conv-sort').addEventListener('change', e => {
    S.sort = e.target.value;
    render();
  });
  $('conv-filter').addEventListener('change', e => {
    S.filter = e.target.value;
    render();
  });
  $('composer').addEventListener('submit', e => {
    e.preventDefault();
    submitReply();
  });
  $('chat-input').addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submitReply();
    }
  });
  $('chat-input').addEventListener('input', () => {
    const now = Date.now();
    // An internal note is no business of the visitor's, not even that someone is typing it.
    if (S.selected && now - S.lastTypingSent > 2500 && $('chat-input').value && !teamwork.noteMode(S.selected)) {
      S.lastTypingSent = now;
      send({type: 'typing', conversationId: S.selected});
    }
  });
  $('chat-close').addEventListener('click', closeSelected);
  // Older pages load when the agent scrolls up to the top: only after their own wheel, touch,
  // key or scrollbar drag, never because a redraw moved the view.
  let userScrollAt = 0;
  for (const type of ['wheel', 'touchmove', 'keydown', 'pointerdown']) {
    $('chat-log').addEventListener(type, () => {
      userScrollAt = Date.now();
    }, {passive: true});
  }
  $('chat-log').addEventListener('scroll', () => {
    const c = S.convs.get(S.selected);
    if (c && $('chat-log').scrollTop < 60 && Date.now() - userScrollAt < 1500) {
      loadOlder(c).catch(() => {});
    }
  });
  document.addEventListener('visibilitychange', () => {
    const c = S.convs.get(S.selected);
    if (!document.hidden && c && c.state === 'open' && c.unread) {
      markRead(c);
      render();
    }
  });
  // Waiting times move on; figures change with other agents' work too.
  setInterval(() => {
    if (S.me) {
      renderList();
    }
  }, 30000);
  setInterval(() => {
    if (S.me && S.linkUp) {
      refreshSoon();
    }
  }, 15000);
  // The queue view stays fresh while shown: other agents take conversations without telling us.
  setInterval(() => {
    if (S.me && S.tab === 'queue' && !document.hidden) {
      refreshQueue();
    }
  }, 5000);
  setInterval(() => {
    if (S.me && S.tab === 'queue') {
      tickQueue();
    }
    if (S.queueError && Date.now() - S.queueError.at > 15000) {
      S.queueError = null;
      renderQueueError();
    }
  }, 1000);
}

async function boot() {
  teamwork.mount({
    S, api, HttpError, el, t, i18n, conv, fetchConversation, render, select, refreshSoon, alert: alerts.alert,
  });
  wire();
  await setLanguage(i18n.initialLanguage());
  try {
    S.session = JSON.parse(localStorage.getItem(SESSION));
  } catch (e) {
    S.session = null;
  }
  if (!S.session || Date.parse(S.session.expiresAt) <= Date.now() + 60000) {
    S.session = null;
    showLogin();
    return;
  }
  try {
    await startShell();
  } catch (e) {
    if (S.session) {
      signOut();
    }
  }
}

boot();
