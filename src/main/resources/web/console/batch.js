// Batch actions on the list (C4): a checkbox in each row; with one or more checked a bar offers
// mark read and close (close asks first, in the page), and select all visible. At most 200 at
// once, as the server takes. The answer is per conversation: done ones update at once (a close
// frees the agent's capacity, so the load figure is read again), failed ones stay checked and
// say why.

import * as i18n from './i18n.js';
import {t} from './i18n.js';
import {HttpError, api} from './api.js';
import {$, el} from './dom.js';
import {refreshFigures, refreshSoon} from './figures.js';
import {S} from './state.js';
import {render} from './view.js';

export const MAX = 200;

const checked = new Set();
const errors = new Map();   // conversation id -> error code of the last batch
let visible = [];           // ids of the rows the list shows now, in order
let confirming = false;
let running = false;
let summary = null;         // {done, failed} of the last batch, or {key} for a note
let note = null;            // a message key shown in the bar (the limit)
let drawnKey = null;

/** Adds the checkbox (and the last batch's error) to a row of the list. */
export function decorateItem(row, c) {
  const name = c.visitor && c.visitor.name ? c.visitor.name : t('conv.visitor');
  const box = el('input', {
    type: 'checkbox', 'data-testid': 'conv-check', 'aria-label': t('batch.check', {name}),
    onchange: e => toggle(c.id, e.target.checked),
  });
  // Checking a row must not open it: neither the click nor the space bar reach the row.
  const label = el('label', {class: 'conv-check', onclick: e => e.stopPropagation(), onkeydown: e => e.stopPropagation()}, box);
  row.prepend(label);
  const code = errors.get(c.id);
  if (code && checked.has(c.id)) {
    const main = row.querySelector('.conv-main') || row;
    main.append(el('div', {class: 'batch-error', 'data-testid': 'batch-error', role: 'note', text: t(`batch.error.${code}`)}));
  }
  return row;
}

/**
 * Sets the boxes of the rows shown to what is checked. A box's state is a property, not
 * markup: a row is redrawn only when its markup changes, so toggling one leaves the element
 * (and the agent's focus on it) where it is.
 */
export function syncChecks(list) {
  for (const row of list.children) {
    const box = row.querySelector('input[data-testid=conv-check]');
    if (box) {
      box.checked = checked.has(row.dataset.conversationId);
    }
  }
}

function toggle(id, on) {
  summary = null;
  note = null;
  if (on) {
    if (checked.size >= MAX) {
      note = 'batch.max';
      render();
      return;
    }
    checked.add(id);
  } else {
    checked.delete(id);
    errors.delete(id);
  }
  confirming = false;
  render();
}

function selectAll(on) {
  summary = null;
  note = null;
  confirming = false;
  if (!on) {
    checked.clear();
    errors.clear();
  } else {
    for (const id of visible) {
      if (checked.size >= MAX) {
        note = 'batch.max';
        break;
      }
      checked.add(id);
    }
  }
  render();
}

/**
 * The bar, for the rows the list shows now (list.js calls this on every draw; other tabs pass
 * none). Checks on rows no longer shown are let go.
 */
export function renderBar(ids) {
  visible = ids;
  const shown = new Set(ids);
  for (const id of [...checked]) {
    if (!shown.has(id)) {
      checked.delete(id);
      errors.delete(id);
    }
  }
  const bar = $('batch-bar');
  // Drawn again only when something it shows changed: a redraw on every frame would replace
  // the button under the pointer and lose the click.
  const key = JSON.stringify([[...checked], ids.length, confirming, running, summary, note, i18n.lang()]);
  if (key === drawnKey) {
    return;
  }
  drawnKey = key;
  bar.hidden = !checked.size && !summary;
  bar.textContent = '';
  if (bar.hidden) {
    confirming = false;
    return;
  }
  const all = el('input', {
    type: 'checkbox', 'data-testid': 'batch-all',
    checked: checked.size && (checked.size >= Math.min(MAX, ids.length)) ? true : null,
    onchange: e => selectAll(e.target.checked),
  });
  // After a batch that left nothing checked, only its summary is shown.
  bar.append(el('div', {class: 'batch-line', hidden: checked.size ? null : true},
      el('label', {class: 'batch-all'}, all, el('span', {text: t('batch.all')})),
      el('span', {class: 'batch-count', 'data-testid': 'batch-count', text: t('batch.count', {n: checked.size})}),
      el('span', {class: 'batch-actions'},
        el('button', {
          type: 'button', 'data-testid': 'batch-read', text: t('batch.read'), disabled: running || !checked.size ? true : null,
          onclick: () => run('read'),
        }),
        el('button', {
          type: 'button', class: 'danger', 'data-testid': 'batch-close', text: t('batch.close'),
          'aria-expanded': String(confirming), disabled: running || !checked.size ? true : null,
          onclick: () => {
            confirming = true;
            render();
          },
        }))));
  if (confirming && checked.size) {
    bar.append(el('div', {class: 'batch-confirm', role: 'alertdialog', 'aria-label': t('batch.confirm', {n: checked.size})},
        el('span', {text: t('batch.confirm', {n: checked.size})}),
        el('button', {
          type: 'button', class: 'danger', 'data-testid': 'batch-close-confirm', text: t('batch.confirm.yes'),
          disabled: running ? true : null, onclick: () => run('close'),
        }),
        el('button', {
          type: 'button', class: 'link-button', 'data-testid': 'batch-close-cancel', text: t('batch.confirm.no'),
          onclick: () => {
            confirming = false;
            render();
          },
        })));
  }
  if (note) {
    bar.append(el('p', {class: 'note warning', role: 'status', text: t(note, {n: MAX})}));
  }
  if (summary) {
    bar.append(el('p', {
      class: `batch-summary${summary.failed ? ' warning' : ''}`, role: 'status', 'data-testid': 'batch-summary',
      'data-done': summary.done === undefined ? null : String(summary.done),
      'data-failed': summary.failed === undefined ? null : String(summary.failed),
      text: summary.key ? t(summary.key) : t(!summary.failed ? 'batch.result.all' : summary.done ? 'batch.result.some' : 'batch.result.none',
          {done: summary.done, failed: summary.failed}),
    }, el('button', {
      type: 'button', class: 'link-button', text: t('batch.dismiss'), onclick: () => {
        summary = null;
        render();
      },
    })));
  }
}

async function run(action) {
  const ids = [...checked].slice(0, MAX);
  if (!ids.length || running) {
    return;
  }
  running = true;
  confirming = false;
  note = null;
  render();
  try {
    const answer = await api('POST', '/conversations/batch', {action, conversationIds: ids});
    let done = 0;
    let failed = 0;
    for (const r of answer.results || []) {
      const c = S.convs.get(r.conversationId);
      if (r.ok) {
        done++;
        checked.delete(r.conversationId);
        errors.delete(r.conversationId);
        if (c) {
          applyDone(c, action);
        }
      } else {
        failed++;
        errors.set(r.conversationId, ['not_found', 'forbidden', 'conflict'].includes(r.error) ? r.error : 'failed');
      }
    }
    summary = {done, failed};
  } catch (e) {
    summary = {key: e instanceof HttpError && e.status === 400 ? 'batch.refused' : 'batch.failed'};
  } finally {
    running = false;
  }
  // Capacity was freed on the server: the figures say so now, not at the next refresh.
  refreshFigures();
  refreshSoon();
  render();
}

/** What the server did, shown before its frames arrive. */
function applyDone(c, action) {
  if (action === 'read') {
    c.unread = 0;
    c.agentReadSeq = Math.max(c.agentReadSeq, c.lastSeq);
    return;
  }
  if (c.state !== 'closed') {
    c.state = 'closed';
    c.closedAt = c.closedAt || new Date().toISOString();
    c.typingUntil = 0;
  }
}
