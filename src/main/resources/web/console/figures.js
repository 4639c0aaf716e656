// The header's figures (load against limit, queue, received today) and the agent's status.

import {api} from './api.js';
import {refreshLists} from './conversations.js';
import {$} from './dom.js';
import {refreshQueue} from './queue.js';
import {S} from './state.js';
import {render} from './view.js';

export async function refreshFigures() {
  if (!S.isAgent) {
    const queued = [...S.convs.values()].filter(c => c.state === 'queued').length;
    $('queue-count').textContent = String(queued);
    return;
  }
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const f = await api('GET', `/agents/me/figures?tz=${encodeURIComponent(tz || 'UTC')}`);
    $('queue-count').textContent = String(f.queueLength);
    $('today-count').textContent = String(f.receivedToday);
    applyStatus(f.status, f.load, f.maxConcurrent);
  } catch (e) {
    // shown again on the next refresh
  }
}

let figuresTimer = null;

export function refreshSoon() {
  clearTimeout(figuresTimer);
  figuresTimer = setTimeout(async () => {
    refreshQueue();
    try {
      await refreshLists();
      render();
    } catch (e) {
      // next time
    }
    refreshFigures();
  }, 400);
}

export function applyStatus(status, load, max) {
  S.status = status;
  S.load = load;
  S.max = max;
  $('status-switch').value = status;
  $('status-dot').dataset.status = status;
  $('my-load').textContent = `${load} / ${max}`;
  if (document.activeElement !== $('capacity-input')) {
    $('capacity-input').value = String(max);
  }
}
