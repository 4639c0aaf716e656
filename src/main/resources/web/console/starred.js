// Stars (C3): the chat header's star marks a conversation for the agent alone; the Starred tab
// lists every conversation they starred and may still see, closed or transferred on included,
// with its live state as the list knows it.

import {t} from './i18n.js';
import {api} from './api.js';
import {el} from './dom.js';
import {mergePeek} from './peek.js';
import {S} from './state.js';
import {render} from './view.js';

let button = null;
let asked = 0;
/**
 * The stars this page set, by conversation id. A view fetched before a star was set (the chat
 * reads the conversation when it is opened) would otherwise undo it on the screen; only the
 * Starred tab's list, asked for after the change, overrules what was set here.
 */
const own = new Map();
/** Star changes on their way: the Starred list is asked for once they are done. */
const changes = new Set();

/** Whether a conversation is starred: what this page set, else what the view says. */
export function starOf(id, fromView) {
  return own.has(id) ? own.get(id) : fromView;
}

/** Puts the star into the chat header's actions (after teamwork has drawn them). */
export function mount() {
  button = el('button', {
    type: 'button', class: 'star-toggle', 'data-testid': 'chat-star', 'data-starred': 'false', 'aria-pressed': 'false',
    onclick: toggle,
  });
  const actions = document.querySelector('.chat-actions') || document.querySelector('.chat-head');
  actions.prepend(button);
}

/** The star of the conversation shown (chat.js calls this on every draw). */
export function renderStar(c) {
  if (!button) {
    return;
  }
  const on = !!c.starred;
  button.dataset.starred = String(on);
  button.setAttribute('aria-pressed', String(on));
  button.textContent = on ? `★ ${t('star.starred')}` : `☆ ${t('star.star')}`;
  button.title = on ? t('star.remove') : t('star.add');
}

/** Stars or unstars the conversation shown; the Starred tab follows at once, and goes back if the server refuses. */
async function toggle() {
  const c = S.convs.get(S.selected);
  if (!c) {
    return;
  }
  const on = !c.starred;
  c.starred = on;
  own.set(c.id, on);
  asked++;
  render();
  const change = api(on ? 'PUT' : 'DELETE', `/conversations/${c.id}/star`);
  changes.add(change);
  try {
    await change;
  } catch (e) {
    c.starred = !on;
    own.set(c.id, !on);
    render();
  } finally {
    changes.delete(change);
  }
}

/** Whether a conversation belongs in the Starred tab. */
export function isStarred(c) {
  return !!c.starred;
}

/** The caller's starred conversations from the server, merged into what the console knows. */
export async function refreshStarred() {
  const mine = ++asked;
  let views;
  try {
    await Promise.allSettled([...changes]);
    views = await api('GET', '/conversations?starred=true&limit=500');
  } catch (e) {
    return;
  }
  if (mine !== asked) {
    return; // a star was toggled meanwhile: this answer may not know it yet
  }
  // Asked for after every star this page set: the server's word now, also on stars set elsewhere.
  const listed = new Set(views.map(v => v.id));
  for (const id of own.keys()) {
    own.set(id, listed.has(id));
  }
  for (const v of views) {
    mergePeek(v);
  }
  for (const c of S.convs.values()) {
    if (c.starred && !listed.has(c.id)) {
      c.starred = false;
    }
  }
  render();
}
