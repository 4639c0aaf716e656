// Redraws at most once a frame, however many changes arrived.

import {renderChat, renderCustomer} from './chat.js';
import {renderList, renderTabs} from './list.js';

let renderQueued = false;

export function render() {
  if (renderQueued) {
    return;
  }
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderTabs();
    renderList();
    renderChat({});
    renderCustomer();
  });
}
