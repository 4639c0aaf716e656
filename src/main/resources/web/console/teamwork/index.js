// Teamwork in a conversation (C6 transfer, C7 experts and internal notes, C8 survey): the
// parts of the console app.js mounts once and calls from a few hooks. Everything here
// speaks the REST and frames of docs/protocol.md, "Teamwork in a conversation".
import {ctx, me, visitorName} from './context.js';
import {mountNotice, notify, redrawNotice} from './notice.js';
import {mountTransfer, openDialog} from './transfer.js';
import {mountNotes, noteMode, renderNotes, decorateMessage} from './notes.js';
import {mountParticipants, renderParticipants, isExpert, leftConversation, leftByMe, dropped} from './participants.js';
import {mountSurvey, sendSurvey, renderRating, ratingTag, rated} from './survey.js';

export {noteMode, decorateMessage};

const invited = new Set();  // conversations this user was invited into as an expert, seen live
// The last change noticed per conversation. State frames come at least once (docs/protocol.md):
// one repeated, or sent again late by another replica, must not notify the agent twice, nor
// bring back a notice they dismissed. A later, different change of the conversation does.
const noticed = new Map();

function firstNotice(id, key) {
  if (noticed.get(id) === key) {
    return false;
  }
  noticed.set(id, key);
  return true;
}
const ui = {};
let shownId = null;         // the conversation the chat showed last: its view is fetched once on selection

/** Called once by app.js with the helpers these modules borrow (see context.js). */
export function mount(helpers) {
  Object.assign(ctx, helpers);
  const {el} = ctx;
  const $ = id => document.getElementById(id);
  mountNotice(document.querySelector('.chat-pane'));
  const action = (testid, key, onclick) => el('button', {type: 'button', 'data-testid': testid, 'data-i18n': key, onclick});
  ui.transfer = action('chat-transfer', 'team.action.transfer', () => withSelected(c => openDialog(c, 'transfer')));
  ui.invite = action('chat-invite', 'team.action.invite', () => withSelected(c => openDialog(c, 'invite')));
  ui.survey = action('chat-survey', 'team.action.survey', () => withSelected(c => sendSurvey(c, ui.survey)));
  ui.actions = el('div', {class: 'chat-actions'}, ui.transfer, ui.invite, ui.survey);
  $('chat-close').before(ui.actions);
  ui.actions.append($('chat-close'));
  const head = document.querySelector('.chat-head');
  mountParticipants(head);
  ui.received = el('div', {class: 'transfer-received', 'data-testid': 'chat-transfer-note', role: 'note', hidden: true});
  head.nextElementSibling.after(ui.received);
  mountSurvey(document.getElementById('chat-sub'));
  mountNotes($('composer'));
  mountTransfer();
}

function withSelected(fn) {
  const c = ctx.S.convs.get(ctx.S.selected);
  if (c) {
    fn(c);
  }
}

/** Copies the teamwork fields of a conversation's view (GET /conversations/{id}) onto the local record. */
export function mergeView(c, v) {
  if ('participants' in v) {
    c.participants = v.participants || [];
  }
  if ('rating' in v) {
    // The conversation's own view has {score, comment, at}; list rows only the score.
    if (typeof v.rating === 'number') {
      c.rating = c.rating && c.rating.score === v.rating ? c.rating : {score: v.rating, comment: null, at: null};
    } else {
      c.rating = v.rating || null;
    }
  }
  if ('transfers' in v) {
    c.transfers = v.transfers;
  }
  if (dropped.has(v.id) && !c.peek) {
    // Left our list a moment ago; this view was on its way. Shown again only if it is ours again.
    const ours = (v.assignee && v.assignee.id === me()) || (v.participants || []).some(p => p.id === me());
    if (ours) {
      dropped.delete(v.id);
    } else {
      ctx.S.convs.delete(v.id);
      if (ctx.S.selected === v.id) {
        ctx.S.selected = null;
      }
    }
  }
}

/**
 * Whether an open conversation assigned to someone else belongs in this user's list: they are
 * an expert in it. An agent's list from the service holds only their own part (assigned,
 * waiting, or invited into), so for them every row belongs; supervisors see the whole tenant.
 */
export function involves(v) {
  return !ctx.S.seesTenant || invited.has(v.id) || (v.participants || []).some(p => p.id === me());
}

/**
 * Frames of teamwork. Answers true for a frame the console must not handle any further;
 * otherwise app.js goes on (it handles `assigned` and `message` as it always did).
 */
export function onFrame(f) {
  switch (f.type) {
    case 'message':
    case 'typing':
    case 'read':
      if (!ctx.S.convs.has(f.conversationId) && !invited.has(f.conversationId)
          && (dropped.has(f.conversationId) || (f.internal && ctx.S.seesTenant))) {
        // Supervisors and admins get every internal note of the tenant live, and a conversation
        // that just left our list may still send a frame or two: neither brings one into the list.
        return true;
      }
      break;
    case 'assigned':
      dropped.delete(f.conversationId);
      if (f.transfer) {
        // Handed to us by someone: the note is for us, shown above the chat until we move on.
        const c = ctx.conv(f.conversationId);
        c.transfer = {from: f.transfer.from || null, note: f.transfer.note || ''};
        if (firstNotice(f.conversationId, `assigned:${f.transfer.from ? f.transfer.from.id : ''}:${f.transfer.note || ''}`)) {
          notify(f.transfer.from ? 'team.received' : 'team.received.queue',
              {name: visitorName(c), from: f.transfer.from ? f.transfer.from.name : ''});
        }
      }
      break;
    case 'unassigned': {
      const c = ctx.S.convs.get(f.conversationId);
      const name = visitorName(c);
      invited.delete(f.conversationId);
      leftConversation(f.conversationId);
      const reason = ['transferred', 'reassigned', 'removed'].includes(f.reason) ? f.reason : 'transferred';
      const first = firstNotice(f.conversationId, `unassigned:${reason}:${f.to ? f.to.id || f.to.name : ''}`);
      if (f.reason === 'removed' && leftByMe.delete(f.conversationId)) {
        break; // we left ourselves and said so already
      }
      if (!first) {
        break;
      }
      notify(`team.unassigned.${reason}${reason === 'transferred' && f.to ? '.' + (f.to.kind === 'group' ? 'group' : 'agent') : ''}`,
          {name, to: f.to ? f.to.name : ''});
      ctx.refreshSoon();
      break;
    }
    case 'invited': {
      invited.add(f.conversationId);
      dropped.delete(f.conversationId);
      const c = ctx.conv(f.conversationId);
      c.invitedBy = f.by || null;
      ctx.fetchConversation(f.conversationId);
      if (!firstNotice(f.conversationId, `invited:${f.by ? f.by.id : ''}`)) {
        ctx.render();
        break;
      }
      ctx.alert({
        title: ctx.t('team.invited.title'),
        body: ctx.t('team.invitedYou', {from: f.by ? f.by.name : '', name: visitorName(c)}),
        tag: `invited-${f.conversationId}`, onClick: () => ctx.select(f.conversationId),
      });
      notify('team.invitedYou', {from: f.by ? f.by.name : '', name: visitorName(c)});
      ctx.render();
      break;
    }
    case 'rated':
    case 'rating':
      rated(f);
      break;
    default:
      break;
  }
  return false;
}

/** The teamwork parts of the chat pane, after app.js has drawn the conversation. */
export function renderChat(c) {
  if (!ui.actions || !c) {
    return;
  }
  const {S, t} = ctx;
  if (c.id !== shownId) {
    // Lists carry no experts and only the score: the conversation's own view has them, and
    // nobody tells the assignee when an expert leaves.
    shownId = c.id;
    if (!c.placeholder) {
      ctx.fetchConversation(c.id);
    }
  }
  const mine = !!c.assignee && c.assignee.id === me();
  const staffOf = mine || S.seesTenant;
  ui.transfer.hidden = !(c.state === 'open' && staffOf);
  ui.invite.hidden = !(c.state === 'open' && staffOf);
  ui.survey.hidden = !(c.state !== 'queued' && staffOf);
  renderParticipants(c);
  renderRating(c);
  renderNotes(c);
  const tr = c.state === 'open' && mine ? c.transfer : null;
  ui.received.hidden = !tr;
  ui.received.textContent = '';
  if (tr) {
    ui.received.append(ctx.el('strong', {text: tr.from ? t('team.received.from', {from: tr.from.name}) : t('team.received.fromQueue')}));
    if (tr.note) {
      ui.received.append(ctx.el('span', {class: 'transfer-note-text', text: tr.note}));
    }
  }
  if (isExpert(c)) {
    document.getElementById('chat-sub').textContent += ` · ${t('team.expert')}`;
  }
}

/** Marks on a conversation's row in the list: the rating, and whether we are there as an expert. */
export function decorateItem(row, c) {
  const line = row.querySelector('.conv-line');
  if (!line) {
    return row;
  }
  const tag = ratingTag(c);
  if (tag) {
    line.append(tag);
  }
  if (c.state === 'open' && isExpert(c)) {
    line.append(ctx.el('span', {class: 'tag tag-expert', text: ctx.t('team.expert')}));
  }
  return row;
}

/** After the language changed: the notice line in the new language. */
export function relabel() {
  redrawNotice();
}
