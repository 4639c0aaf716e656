// Internal notes (C7): a toggle in the composer. While it is on, what the agent writes is an
// internal note (`internal: true`): the assignee, invited experts and supervisors see it,
// the visitor never does. The composer turns note-coloured and says so, so nobody mistakes
// one for the other. The choice is kept per conversation for as long as the page lives.
import {ctx} from './context.js';

const on = new Set();   // conversations whose composer writes notes
let toggle = null;

export function mountNotes(composer) {
  toggle = ctx.el('button', {
    type: 'button', class: 'note-toggle', 'data-testid': 'chat-note-toggle', 'aria-pressed': 'false',
    onclick: () => {
      const id = ctx.S.selected;
      if (!id) {
        return;
      }
      if (on.has(id)) {
        on.delete(id);
      } else {
        on.add(id);
      }
      renderNotes(ctx.S.convs.get(id));
      document.getElementById('chat-input').focus();
    },
  });
  composer.prepend(toggle);
}

/** Whether the composer of this conversation writes internal notes now. */
export function noteMode(conversationId) {
  return on.has(conversationId);
}

export function renderNotes(c) {
  if (!toggle || !c) {
    return;
  }
  const {t} = ctx;
  const note = on.has(c.id);
  toggle.setAttribute('aria-pressed', String(note));
  toggle.textContent = t(note ? 'team.note.on' : 'team.note.off');
  toggle.title = t('team.note.toggle');
  document.getElementById('composer').classList.toggle('note-mode', note);
  const input = document.getElementById('chat-input');
  if (note) {
    input.placeholder = t('team.note.composer');
  }
  input.setAttribute('aria-label', t(note ? 'team.note.composer' : 'chat.placeholder'));
  document.getElementById('chat-send').textContent = t(note ? 'team.note.send' : 'chat.send');
}

/**
 * Marks a drawn message: data-internal on every one, a label on internal notes (tinted by
 * the stylesheet), data-transfer on the system line a transfer leaves in the transcript.
 */
export function decorateMessage(node, m) {
  node.dataset.internal = String(!!m.internal);
  if (m.internal && !node.querySelector('.note-label')) {
    node.prepend(ctx.el('span', {class: 'note-label', text: ctx.t('chat.internal')}));
  }
  const transfer = transferOf(m);
  if (transfer) {
    node.dataset.transfer = transfer;
  }
  return node;
}

/**
 * Whether a message is the visible system line of a transfer (its note is an internal line of
 * its own). The server marks each system line with the event that wrote it (`event`, on the
 * frame and in the REST view); its words are for people and may change, so they are never read.
 */
function transferOf(m) {
  if (m.senderKind !== 'system' || m.internal) {
    return null;
  }
  if (m.event === 'transferred') {
    return 'true';
  }
  return null;
}
