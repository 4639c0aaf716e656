// Invited experts (C7) under the chat header: who else is in the conversation, with a
// remove action for the assignee and supervisors and a leave action for the expert.
import {ctx, errorKey, me, visitorName} from './context.js';
import {notify} from './notice.js';

let bar = null;
/** Conversations this user just left: the service's `unassigned` (removed) that follows needs no second notice. */
export const leftByMe = new Set();

export function mountParticipants(after) {
  bar = ctx.el('div', {class: 'participants', 'data-testid': 'chat-participants', hidden: true});
  after.after(bar);
}

/** Whether the signed-in user is an invited expert (not the assignee) of the conversation. */
export function isExpert(c) {
  return !!c && (c.participants || []).some(p => p.id === me()) && !(c.assignee && c.assignee.id === me());
}

export function renderParticipants(c) {
  if (!bar) {
    return;
  }
  const {el, t, S} = ctx;
  const list = (c && c.participants) || [];
  bar.textContent = '';
  bar.hidden = !c || !list.length;
  if (bar.hidden) {
    return;
  }
  const mayRemove = c.state === 'open' && ((c.assignee && c.assignee.id === me()) || S.seesTenant);
  bar.append(el('span', {class: 'participants-label', text: t('team.participants')}));
  const ul = el('ul', {class: 'participant-list'});
  for (const p of list) {
    const mine = p.id === me();
    ul.append(el('li', {class: 'participant', 'data-testid': 'chat-participant', 'data-agent-id': p.id},
        el('span', {text: mine ? t('team.participant.you', {name: p.name}) : p.name}),
        c.state === 'open' && (mine || mayRemove) ? el('button', {
          type: 'button', class: 'link-button', 'data-testid': 'participant-remove', 'data-agent-id': p.id,
          'aria-label': mine ? t('team.leave') : t('team.remove.label', {name: p.name}),
          text: mine ? t('team.leave') : t('team.remove'),
          onclick: () => removeParticipant(c, p),
        }) : null));
  }
  bar.append(ul);
}

async function removeParticipant(c, p) {
  const {S} = ctx;
  const mine = p.id === me();
  try {
    await ctx.api('DELETE', `/conversations/${c.id}/participants/${p.id}`);
  } catch (err) {
    // Already gone is what was asked for; anything else is said.
    if (!(err instanceof ctx.HttpError && err.status === 404)) {
      notify(errorKey(err, 'remove'), {}, 'error');
      return;
    }
  }
  if (mine) {
    leftByMe.add(c.id);
    leftConversation(c.id);
    notify('team.left', {name: visitorName(c)});
  } else {
    c.participants = (c.participants || []).filter(x => x.id !== p.id);
    notify('team.removed', {name: p.name});
    ctx.fetchConversation(c.id);
  }
  ctx.render();
  if (S.selected === c.id) {
    ctx.render();
  }
}

/**
 * Conversations that left this user's list: a view or frame of theirs still under way (a
 * fetch started before, a late message) must not bring them back.
 */
export const dropped = new Set();

/** The conversation is no longer ours to show (we left, were removed, or it was transferred away). */
export function leftConversation(id) {
  const {S} = ctx;
  dropped.add(id);
  S.convs.delete(id);
  if (S.selected === id) {
    S.selected = null;
  }
  ctx.render();
}
