// The chat pane: opening a conversation, its messages and pending replies, typing (the customer card: customer.js).

import * as i18n from './i18n.js';
import {t} from './i18n.js';
import * as attachments from './attachments.js';
import * as teamwork from './teamwork/index.js';
import {checkOffline, loadLatest, markRead} from './conversations.js';
import {$, el} from './dom.js';
import {linkedNodes} from '../shared/links.js';
import {follow as kbFollow} from './kb.js';
import {markFound} from './peek.js';
import {renderStar} from './starred.js';
import {failed, outbox} from './session.js';
import {S} from './state.js';
import {render} from './view.js';

export function select(id) {
  S.selected = id;
  const c = S.convs.get(id);
  if (!c) {
    return;
  }
  // Opened from its own list, the queue or an alert: shown in In progress. The Starred and
  // Recent tabs stay where the agent is, and one only looked at is not theirs to list.
  if (c.state === 'open' && !c.peek && S.tab !== 'starred' && S.tab !== 'recent') {
    S.tab = 'open';
  }
  if (c.floor === null && !c.placeholder) {
    loadLatest(c).then(() => {
      if (S.selected === id) {
        renderChat({toEnd: true});
      }
    }, () => {});
  }
  if (!document.hidden && c.state === 'open' && !c.peek) {
    markRead(c);
  }
  if (!c.placeholder) {
    checkOffline(c);
  }
  render();
  renderChat({toEnd: true});
  if (c.state === 'open' && !c.peek) {
    $('chat-input').focus();
  }
}

export function renderChat({toEnd}) {
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
  // One only looked at (someone else serves it now) is read-only, like one that is over.
  $('composer').hidden = c.state !== 'open' || !!c.peek;
  const stateLine = $('chat-state');
  stateLine.hidden = c.state === 'open' && !c.peek;
  stateLine.textContent = c.state === 'closed'
      ? `${t('chat.closed')} ${c.closeReason ? t('reason.' + c.closeReason) : ''}`.trim()
      : c.state === 'open' ? t('list.peek', {name: c.assignee && c.assignee.name ? c.assignee.name : '–'}) : t('chat.queued');
  $('chat-input').placeholder = t('chat.placeholder');

  const box = $('chat-messages');
  box.textContent = '';
  attachments.begin();
  const seqs = [...c.messages.keys()].sort((a, b) => a - b);
  let previous = null;
  for (const seq of seqs) {
    const m = c.messages.get(seq);
    box.append(messageNode(c, m, previous));
    previous = m;
  }
  for (const item of [...outbox, ...failed].filter(o => o.conversationId === c.id)) {
    box.append(pendingNode(item));
  }
  attachments.end();
  renderTyping();
  teamwork.renderChat(c);
  attachments.renderComposer(c);
  renderStar(c);
  kbFollow(c);

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
  return markFound(teamwork.decorateMessage(el('div', {
    class: `msg from-${sender}${m.internal ? ' internal' : ''}`, 'data-testid': 'chat-message',
    'data-sender': sender, 'data-seq': String(m.seq),
  },
  showName && name ? el('div', {class: 'msg-name', text: name}) : null,
  m.text || !(m.attachments && m.attachments.length) ? el('div', {class: 'bubble'}, ...linkedNodes(m.text)) : null,
  attachments.nodes(m.attachments),
  el('div', {class: 'msg-meta', text: meta.join(' · ')})), m), c.id, m.seq);
}

function pendingNode(item) {
  return teamwork.decorateMessage(el('div', {
    class: `msg from-agent pending${item.internal ? ' internal' : ''}`, 'data-testid': 'chat-message', 'data-sender': 'agent',
    'data-state': item.failed ? 'failed' : 'sending',
  },
  item.text || !(item.attachments && item.attachments.length) ? el('div', {class: 'bubble'}, ...linkedNodes(item.text)) : null,
  attachments.nodes(item.attachments),
  el('div', {class: 'msg-meta', text: item.failed ? t('chat.failed') : t('chat.sending')})), {internal: !!item.internal});
}

export function renderTyping() {
  const c = S.convs.get(S.selected);
  const box = $('chat-typing');
  const on = !!c && c.state === 'open' && c.typingUntil > Date.now();
  box.hidden = !on;
  box.textContent = on ? t('chat.typing', {name: c.visitor.name || t('conv.visitor')}) : '';
}
