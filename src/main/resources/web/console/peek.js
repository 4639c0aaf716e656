// Opening a conversation found outside one's own lists: from the Starred and Recent tabs and
// from search. Its view is fetched and merged, its messages loaded back to the one asked for,
// then it is shown, scrolled to that message and marked. A conversation that is over, or that
// someone else serves now, is only looked at ("peek"): read-only, and kept out of In progress,
// which lists what the agent serves (the list's own refresh clears the mark when it is theirs).

import {api} from './api.js';
import {select} from './chat.js';
import {addMessage, conv, loadLatest, mergeView} from './conversations.js';
import {S} from './state.js';

/** Messages loaded above the one searched for, so it is not the first line of the pane. */
const CONTEXT = 10;
/** The most messages one request may ask for (GET /conversations/{id}/messages). */
const PAGE_MAX = 500;
/** How long the found message flashes; it stays marked until another conversation is opened. */
const FLASH_MS = 1600;

/** {conversationId, seq, at}: the message a search result opened. */
let found = null;

/** Whether a conversation's view is one the agent serves or helps in now. */
export function ours(v) {
  if (v.state !== 'open') {
    return true;
  }
  const me = S.me && S.me.id;
  return (!!v.assignee && v.assignee.id === me) || (v.participants || []).some(p => p.id === me);
}

/**
 * Merges a view fetched for looking at. Marked before the merge: a conversation that left the
 * agent's list a moment ago (transferred away) is dropped by the teamwork merge unless it is a peek.
 */
export function mergePeek(v) {
  const known = S.convs.has(v.id) && !S.convs.get(v.id).placeholder;
  if (!known && !ours(v)) {
    conv(v.id).peek = true;
  }
  return mergeView(v);
}

/** Opens a conversation (at message seq when given); false when it cannot be seen any more. */
export async function openConversation(id, seq) {
  let c;
  try {
    c = mergePeek(await api('GET', `/conversations/${id}`));
    if (seq) {
      await reach(c, seq);
    }
  } catch (e) {
    return false;
  }
  found = seq ? {conversationId: id, seq, at: Date.now()} : null;
  select(id);
  if (seq) {
    const node = document.querySelector(`#chat-messages [data-testid=chat-message][data-seq="${seq}"]`);
    if (node) {
      node.scrollIntoView({block: 'center'});
    }
  }
  return true;
}

/**
 * Loads the conversation's history down to seq: the newest page first if nothing is loaded,
 * then pages of up to 500 back from what is held, so what is held stays one unbroken run
 * (the floor of conversations.js: every message above it is there).
 */
async function reach(c, seq) {
  if (c.floor === null) {
    await loadLatest(c);
  }
  const target = Math.max(0, seq - 1 - CONTEXT);
  while (c.floor !== null && c.floor > target) {
    const after = Math.max(target, c.floor - PAGE_MAX);
    const page = await api('GET', `/conversations/${c.id}/messages?afterSeq=${after}&limit=${c.floor - after}`);
    for (const m of page) {
      addMessage(c, m, false);
    }
    c.floor = after;
  }
}

/** Marks the message a search opened when the chat draws it (chat.js). */
export function markFound(node, conversationId, seq) {
  if (found && found.conversationId !== S.selected) {
    found = null;
  }
  if (found && found.conversationId === conversationId && found.seq === seq) {
    node.classList.add('found');
    node.dataset.found = 'true';
    if (Date.now() - found.at < FLASH_MS) {
      node.classList.add('flash');
    }
  }
  return node;
}
