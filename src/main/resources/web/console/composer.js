// The composer: replies go through the outbox (session.js); closing the conversation shown.

import * as attachments from './attachments.js';
import * as teamwork from './teamwork/index.js';
import {newClientId} from '../shared/protocol-client.js';
import {HttpError, api} from './api.js';
import {renderChat} from './chat.js';
import {mergeView} from './conversations.js';
import {$} from './dom.js';
import {outbox, transmit} from './session.js';
import {S} from './state.js';
import {render} from './view.js';

export function submitReply() {
  const c = S.convs.get(S.selected);
  const input = $('chat-input');
  const text = input.value.trim();
  // Files still uploading hold the message back (Send is disabled meanwhile); a message may be files alone.
  if (!c || c.state !== 'open' || attachments.uploading(c.id)) {
    return;
  }
  const files = attachments.ready(c.id);
  if (!text && !files.length) {
    return;
  }
  input.value = '';
  S.lastTypingSent = 0; // the next keystroke is a new burst of typing
  const item = {clientId: newClientId('a'), conversationId: c.id, text, at: new Date().toISOString()};
  if (teamwork.noteMode(c.id)) {
    item.internal = true;
  }
  if (files.length) {
    item.attachments = files;
  }
  outbox.add(item);
  attachments.sent(c.id);
  transmit(item);
  renderChat({toEnd: true});
}

export async function closeSelected() {
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
