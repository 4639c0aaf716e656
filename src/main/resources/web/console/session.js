// The staff socket (the shared protocol client's Link, Outbox and GapWatch in ../shared): a
// one-time ticket per connect, a sync after every (re)connect, and every live frame applied.

import {Link, LinkRefused, Outbox, messageFrame} from '../shared/protocol-client.js';
import {t} from './i18n.js';
import * as alerts from './alerts.js';
import * as teamwork from './teamwork/index.js';
import {api} from './api.js';
import {signOut} from './app.js';
import {renderChat, renderTyping, select} from './chat.js';
import {addMessage, conv, fetchConversation, fromFrame, loadLatest, refreshLists, resumeFrom, totalUnread, watchGap} from './conversations.js';
import {$} from './dom.js';
import {applyStatus, refreshFigures, refreshSoon} from './figures.js';
import {S} from './state.js';
import {render} from './view.js';

function outboxKey() {
  return `switchboard.console.outbox.${S.session.user.id}`;
}

function saveOutbox() {
  try {
    localStorage.setItem(outboxKey(), JSON.stringify(outbox.items));
  } catch (e) {
    // kept for this page only
  }
}

/** The agent's messages not yet acknowledged, kept per user across reloads and re-sent after every sync. */
export const outbox = new Outbox([], saveOutbox);

/** Takes up what the signed-in user left unacknowledged on this browser. */
export function loadOutbox() {
  let items;
  try {
    items = JSON.parse(localStorage.getItem(outboxKey()));
  } catch (e) {
    items = null;
  }
  outbox.items = Array.isArray(items) ? items : [];
}

/** Messages the server refused for good (not retryable), shown as failed until the page reloads. */
export const failed = [];

const link = new Link({
  // A one-time ticket, fetched for every (re)connect, opens the socket: the long-lived token
  // never travels in a URL, where proxies and ingresses would log it.
  address: async () => {
    if (!S.session) {
      throw new LinkRefused('signed out');
    }
    const {ticket} = await api('POST', '/auth/socket-ticket');
    S.synced = false;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return `${scheme}://${location.host}/ws/agent?ticket=${encodeURIComponent(ticket)}`;
  },
  onOpen: () => {
    if (!S.isAgent) {
      // Agents sync on their first status frame, which comes once their events are subscribed.
      sync();
    }
  },
  onFrame,
  onDrop: code => {
    setLink(false);
    if (code === 4401) {
      signOut();
      return false;
    }
    return true;
  },
});

/** Opens the staff socket (after sign-in) and keeps it open until disconnect(). */
export function connect() {
  link.start();
}

/** Closes the socket for good: signed out. */
export function disconnect() {
  link.stop();
}

export function send(frame) {
  return link.send(frame);
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
  link.settled();
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
  for (const item of outbox) {
    transmit(item);
  }
  const c = S.convs.get(S.selected);
  if (c && c.floor === null && !c.placeholder) {
    loadLatest(c).then(() => renderChat({}), () => {});
  }
  render();
  refreshFigures();
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
      c.peek = false;
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
      const item = outbox.take(f.clientId);
      if (item) {
        const c = conv(f.conversationId);
        addMessage(c, {
          seq: f.seq, senderKind: 'agent', senderId: S.me.id, senderName: S.me.name, text: item.text,
          internal: !!item.internal, sentAt: item.at, attachments: item.attachments || [],
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
  outbox.refused(f, transmit, item => {
    item.failed = true;
    failed.push(item);
    renderChat({});
  });
}

export function transmit(item) {
  send(messageFrame(item, item.conversationId));
}
