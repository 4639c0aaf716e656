// One quiet line above the chat for what teamwork did or could not do ("Transferred to Li
// Wei", "The visitor has already rated this conversation"). It lives outside the chat
// itself, so it stays when the conversation it speaks of leaves this agent's list.
import {ctx} from './context.js';

const SHOW_MS = 12000;
let box = null;
let timer = null;
let shown = null; // {key, vars, level}: drawn again when the language changes

export function mountNotice(pane) {
  box = ctx.el('div', {class: 'team-notice', 'data-testid': 'chat-notice', hidden: true});
  pane.prepend(box);
}

export function notify(key, vars, level = 'info') {
  shown = {key, vars, level};
  draw();
  clearTimeout(timer);
  timer = setTimeout(hide, SHOW_MS);
}

export function hide() {
  shown = null;
  clearTimeout(timer);
  if (box) {
    box.hidden = true;
    box.textContent = '';
  }
}

export function redrawNotice() {
  if (shown) {
    draw();
  }
}

function draw() {
  const {el, t} = ctx;
  box.textContent = '';
  box.dataset.level = shown.level;
  // An error is announced at once; news waits for the screen reader's pause.
  box.setAttribute('role', shown.level === 'error' ? 'alert' : 'status');
  box.append(el('span', {class: 'team-notice-text', text: t(shown.key, shown.vars)}),
      el('button', {type: 'button', class: 'link-button', text: t('team.dismiss'), onclick: hide}));
  box.hidden = false;
}
