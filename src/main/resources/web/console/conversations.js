// Conversations as this page knows them: merged from REST views and socket frames, messages
// by sequence number, reading, paging back through history, and the watch for holes.

import {GapWatch} from '../shared/protocol-client.js';
import {t} from './i18n.js';
import * as alerts from './alerts.js';
import {filesLabel} from './attachments.js';
import * as teamwork from './teamwork/index.js';
import {api} from './api.js';
import {renderChat, select} from './chat.js';
import {$} from './dom.js';
import {send} from './session.js';
import {starOf} from './starred.js';
import {PAGE, S} from './state.js';
import {render} from './view.js';

/** The local record of a conversation, created on first sight and merged with each view. */
export function conv(id) {
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

export function mergeView(v) {
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
    c.previewFiles = v.previewAttachments || [];
  }
  if ('starred' in v) {
    c.starred = starOf(v.id, !!v.starred);
  }
  if (typeof v.unread === 'number') {
    // The server's count is the truth after a (re)load; live counting may be ahead of a list fetched a moment ago.
    c.unread = wasPlaceholder ? Math.max(c.unread, v.unread) : v.unread;
    if (c.unread && viewing(c.id)) {
      // A list fetched before the agent's read reached the server: what is on screen is read.
      markRead(c);
    }
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

export async function fetchConversation(id) {
  try {
    mergeView(await api('GET', `/conversations/${id}`));
    render();
  } catch (e) {
    // the socket brings it back on the next resume
  }
}

/** Lists from REST: the snapshot the socket's frames are applied to. */
export async function refreshLists() {
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
    // Listed as the caller's own: no longer a conversation only looked at (peek.js).
    mergeView(v).peek = false;
    listed.add(v.id);
  }
  for (const [id, c] of S.convs) {
    // A queued conversation that left the queue for someone else is no longer ours to show.
    if (!listed.has(id) && c.state === 'queued') {
      S.convs.delete(id);
    }
  }
}

/** Whether a conversation was left as an offline message: from the queue, else once from its routing events. */
export async function checkOffline(c) {
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

export function addMessage(c, m, live) {
  if (c.messages.has(m.seq)) {
    return false;
  }
  c.messages.set(m.seq, m);
  const isNew = m.seq > c.lastSeq;
  c.lastSeq = Math.max(c.lastSeq, m.seq);
  if (isNew || (!c.preview && !(c.previewFiles && c.previewFiles.length))) {
    c.preview = m.text || '';
    c.previewFiles = m.attachments || [];
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
        body: t('notify.newMessage', {name: c.visitor.name || t('conv.visitor'), text: (m.text || filesLabel(m.attachments)).slice(0, 140)}),
        tag: c.id, titleText: `(${totalUnread() || 1}) ${t('notify.title')}`,
        onClick: () => select(c.id),
      });
    }
  }
  return true;
}

export function fromFrame(f) {
  return {
    seq: f.seq, senderKind: f.sender ? f.sender.kind : 'system', senderId: f.sender ? f.sender.id : null,
    senderName: f.sender ? f.sender.name : null, text: f.text, internal: !!f.internal, sentAt: f.sentAt,
    event: f.event || null, attachments: f.attachments || [],
  };
}

export function totalUnread() {
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

export function markRead(c) {
  c.unread = 0;
  if (c.lastSeq > c.agentReadSeq) {
    c.agentReadSeq = c.lastSeq;
    send({type: 'read', conversationId: c.id, seq: c.lastSeq});
  }
}

/** The newest page of a conversation, then older pages as the agent scrolls up. */
export async function loadLatest(c) {
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

export async function loadOlder(c) {
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

/**
 * Where a conversation's resume starts: after the last message this page holds with none
 * missing before it, or after the snapshot when it holds nothing. Staff see every sequence
 * number, internal notes included, so a hole is a message that never arrived.
 */
export function resumeFrom(c) {
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
export function watchGap(c) {
  if (c.floor === null || heldThrough(c) >= c.lastSeq) {
    return;
  }
  if (!c.gap) {
    c.gap = new GapWatch(from => send({type: 'resume', cursors: [{conversationId: c.id, lastSeq: from}]}));
  }
  // After the wait, from what is held then: a hole that filled meanwhile asks for nothing.
  c.gap.open(heldThrough(c), () => {
    const held = heldThrough(c);
    return S.linkUp && c.floor !== null && held < c.lastSeq ? held : null;
  });
}
