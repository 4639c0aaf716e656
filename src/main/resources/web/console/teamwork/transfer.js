// The transfer and invite dialog (C6, C7): GET /conversations/{id}/transfer-targets lists
// who may take the conversation, agents in the order the service gives (lowest saturation
// first, never offline) and groups. Transfer hands it to one agent or to a group's queue
// with an optional note for the receiver; invite asks an agent in as an expert. A native
// modal <dialog>: focus stays inside, Escape closes it, focus returns to the opening button.
import {ctx, errorKey, me, visitorName} from './context.js';
import {notify} from './notice.js';

let dialog = null;
let parts = null;       // the nodes filled in as the targets arrive
let open = null;        // {mode: transfer|invite, conversationId, targets, chosen: {kind, id, name}, error, busy}
let request = 0;

export function mountTransfer() {
  dialog = ctx.el('dialog', {class: 'team-dialog', 'data-testid': 'transfer-dialog', 'aria-labelledby': 'team-dialog-title'});
  dialog.addEventListener('close', () => {
    // The close event is a task of its own: when the dialog was opened again before it ran
    // (Escape, then Enter on the button at once), this opening's state and its pending
    // targets request are not the closed one's to drop.
    if (dialog.open) {
      return;
    }
    open = null;
    request++;
  });
  document.body.append(dialog);
}

export function isOpen() {
  return !!open;
}

/** Opens the dialog for a conversation: mode transfer or invite. */
export async function openDialog(c, mode) {
  open = {mode, conversationId: c.id, visitor: visitorName(c), targets: null, chosen: null, error: null, busy: false};
  build();
  if (!dialog.open) {
    dialog.showModal();
  }
  await loadTargets();
}

async function loadTargets() {
  const mine = ++request;
  const state = open;
  try {
    const targets = await ctx.api('GET', `/conversations/${state.conversationId}/transfer-targets`);
    if (mine !== request) {
      return;
    }
    state.targets = {agents: targets.agents || [], groups: targets.groups || []};
    if (state.chosen && !stillOffered(state)) {
      state.chosen = null;
    }
  } catch (err) {
    if (mine !== request) {
      return;
    }
    state.error = errorKey(err, 'targets');
  }
  fill();
}

function stillOffered(state) {
  const list = state.chosen.kind === 'group' ? state.targets.groups : state.targets.agents;
  return list.some(x => x.id === state.chosen.id);
}

/** The dialog's frame, built once per opening so the note keeps what the agent typed. */
function build() {
  const {el, t} = ctx;
  const transfer = open.mode === 'transfer';
  dialog.textContent = '';
  parts = {
    agents: el('div', {class: 'team-targets', role: 'radiogroup', 'aria-labelledby': 'team-agents-title'}),
    groupsBox: el('section', {class: 'team-section', hidden: !transfer}),
    groups: el('div', {class: 'team-targets', role: 'radiogroup', 'aria-labelledby': 'team-groups-title'}),
    loading: el('p', {class: 'muted', role: 'status', text: t('team.loading')}),
    error: el('p', {class: 'form-error', role: 'alert', 'data-testid': 'dialog-error', hidden: true}),
    note: transfer ? el('textarea', {
      id: 'team-note', rows: '3', maxlength: '2000', 'data-testid': 'transfer-note', placeholder: t('team.note.placeholder'),
    }) : null,
    submit: el('button', {
      type: 'submit', class: 'primary', 'data-testid': transfer ? 'transfer-submit' : 'invite-submit',
      text: t(transfer ? 'team.transfer.submit' : 'team.invite.submit'), disabled: true,
    }),
  };
  parts.groupsBox.append(el('h3', {id: 'team-groups-title', text: t('team.groups')}), parts.groups);
  const form = el('form', {class: 'team-form', novalidate: true, onsubmit: e => {
    e.preventDefault();
    submit();
  }},
  el('header', {class: 'team-dialog-head'},
      el('h2', {id: 'team-dialog-title', text: t(transfer ? 'team.transfer.title' : 'team.invite.title', {name: open.visitor})}),
      el('button', {type: 'button', class: 'link-button', 'aria-label': t('team.cancel'), text: '✕', onclick: () => dialog.close()})),
  el('p', {class: 'muted small', text: t(transfer ? 'team.transfer.hint' : 'team.invite.hint')}),
  parts.loading,
  el('section', {class: 'team-section'}, el('h3', {id: 'team-agents-title', text: t('team.agents')}), parts.agents),
  parts.groupsBox,
  transfer ? el('label', {class: 'field', for: 'team-note'}, el('span', {text: t('team.note')})) : null,
  parts.note,
  parts.error,
  el('footer', {class: 'team-dialog-foot'},
      el('button', {type: 'button', text: t('team.cancel'), onclick: () => dialog.close()}),
      parts.submit));
  dialog.append(form);
}

/** The lists and the error, drawn again whenever the targets or the choice change. */
function fill() {
  if (!open || !parts) {
    return;
  }
  const {el, t} = ctx;
  const state = open;
  const transfer = state.mode === 'transfer';
  parts.loading.hidden = !!state.targets || !!state.error;
  parts.error.hidden = !state.error;
  parts.error.textContent = state.error ? t(state.error) : '';
  parts.agents.textContent = '';
  parts.groups.textContent = '';
  if (state.targets) {
    const c = ctx.S.convs.get(state.conversationId);
    const experts = new Set(((c && c.participants) || []).map(p => p.id));
    const agents = state.targets.agents.filter(a => a.id !== me() && (transfer || !experts.has(a.id)));
    for (const a of agents) {
      const pct = Math.round((Number(a.saturation) || 0) * 100);
      parts.agents.append(choice({
        kind: 'agent', id: a.id, name: a.name,
        attrs: {
          'data-testid': transfer ? 'transfer-target' : 'invite-target', 'data-agent-id': a.id,
          'data-status': a.status, 'data-saturation': String(a.saturation),
        },
        lines: [
          el('span', {class: 'team-target-name'},
              el('span', {class: 'status-dot', 'data-status': a.status, 'aria-hidden': 'true'}),
              el('span', {text: a.name})),
          el('span', {class: 'team-target-meta', text: `${t('status.' + a.status)} · ${t('team.load', {load: a.load, max: a.maxConcurrent})}`}),
          meter(pct),
        ],
      }));
    }
    if (!agents.length) {
      parts.agents.append(el('p', {class: 'muted small', text: t('team.noAgents')}));
    }
    if (transfer) {
      for (const g of state.targets.groups) {
        parts.groups.append(choice({
          kind: 'group', id: g.id, name: g.name,
          attrs: {'data-testid': 'transfer-group', 'data-group-id': g.id},
          lines: [
            el('span', {class: 'team-target-name', text: g.name}),
            el('span', {class: 'team-target-meta', text: t(g.open === false ? 'team.group.closed' : 'team.group.figures',
                {online: g.online ?? 0, waiting: g.waiting ?? 0})}),
          ],
        }));
      }
      if (!state.targets.groups.length) {
        parts.groups.append(el('p', {class: 'muted small', text: t('team.noGroups')}));
      }
    }
  }
  parts.submit.disabled = !state.chosen || state.busy;
}

/** How full the agent is, as a bar: set through the CSSOM, which the console's CSP allows. */
function meter(pct) {
  const fillNode = ctx.el('span', {class: `team-meter-fill${pct >= 100 ? ' full' : pct >= 80 ? ' high' : ''}`});
  fillNode.style.width = `${Math.max(0, Math.min(100, pct))}%`;
  return ctx.el('span', {class: 'team-meter', 'aria-hidden': 'true'}, fillNode);
}

function choice({kind, id, name, attrs, lines}) {
  const chosen = open.chosen && open.chosen.kind === kind && open.chosen.id === id;
  return ctx.el('button', {
    type: 'button', role: 'radio', 'aria-checked': String(!!chosen), class: `team-target${chosen ? ' chosen' : ''}`,
    ...attrs,
    // Arrow keys move the choice within its list, as in any radio group.
    onkeydown: e => {
      const step = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? -1 : 0;
      if (!step) {
        return;
      }
      e.preventDefault();
      const all = [...e.currentTarget.parentElement.querySelectorAll('[role=radio]')];
      const next = all[(all.indexOf(e.currentTarget) + step + all.length) % all.length];
      next.click();
    },
    onclick: () => {
      open.chosen = {kind, id, name};
      open.error = null;
      fill();
      // Redrawn: keep the keyboard where it was.
      const again = dialog.querySelector(`[data-${kind}-id="${CSS.escape(id)}"]`);
      if (again) {
        again.focus();
      }
    },
  }, ...lines);
}

async function submit() {
  const state = open;
  if (!state || !state.chosen || state.busy) {
    return;
  }
  state.busy = true;
  state.error = null;
  fill();
  const id = state.conversationId;
  const target = state.chosen;
  try {
    if (state.mode === 'transfer') {
      const body = target.kind === 'group' ? {groupId: target.id} : {agentId: target.id};
      const note = parts.note.value.trim();
      if (note) {
        body.note = note;
      }
      const view = await ctx.api('POST', `/conversations/${id}/transfer`, body);
      dialog.close();
      transferred(id, view, target);
    } else {
      await ctx.api('POST', `/conversations/${id}/participants`, {agentId: target.id});
      dialog.close();
      notify('team.invited', {name: target.name});
      ctx.fetchConversation(id);
    }
  } catch (err) {
    if (open !== state) {
      return;
    }
    state.busy = false;
    state.error = errorKey(err, state.mode);
    fill();
    // Who may take it has probably changed (someone went offline): offer the list as it is now.
    loadTargets();
  }
}

/** After our own transfer: the conversation is someone else's now, unless we watch the whole tenant. */
function transferred(id, view, target) {
  const {S} = ctx;
  notify(target.kind === 'group' ? 'team.transferred.group' : 'team.transferred.agent', {name: target.name});
  if (!view || !view.assignee || view.assignee.id !== me()) {
    S.convs.delete(id);
    if (S.selected === id) {
      S.selected = null;
    }
  }
  ctx.render();
  ctx.refreshSoon();
}
