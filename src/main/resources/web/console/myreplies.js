// The agent's own quick replies (C9), kept in Settings: listed by category and title, added,
// changed (a click on one puts it in the form) and removed. The composer's "/" type-ahead
// offers them with the tenant's (quickreplies.js). Errors the server finds, such as an unknown
// {placeholder}, are shown at the form. Text goes in with textContent only.

import {api, HttpError} from './api.js';
import {$, el} from './dom.js';
import {t} from './i18n.js';

let replies = [];
let editing = null;   // the id being changed, null when adding
let loaded = false;

export function mount() {
  $('my-replies-form').addEventListener('submit', save);
  $('my-reply-cancel').addEventListener('click', () => edit(null));
  // Read when Settings opens: nothing is asked of the server for agents who never look.
  $('settings').addEventListener('toggle', () => {
    if ($('settings').open && !loaded) {
      load();
    }
  });
}

/** Redraws in the current language. */
export function redraw() {
  draw();
}

async function load() {
  try {
    replies = await api('GET', '/me/quick-replies');
    loaded = true;
  } catch (e) {
    replies = [];
  }
  draw();
}

function draw() {
  const list = $('my-replies');
  list.replaceChildren(...replies.map(r => el('li', {'data-testid': 'my-reply', 'data-id': r.id, class: 'my-reply'},
      el('button', {type: 'button', class: 'my-reply-open', title: t('mine.edit'), onclick: () => edit(r)},
          el('span', {class: 'my-reply-title', text: r.category ? `${r.category} · ${r.title}` : r.title}),
          el('span', {class: 'my-reply-text muted', text: r.text})),
      el('button', {type: 'button', class: 'link-button danger', 'data-testid': 'my-reply-delete',
        'aria-label': t('mine.delete.label', {title: r.title}), text: t('mine.delete'), onclick: () => remove(r)}))));
  $('my-replies-empty').hidden = replies.length > 0;
  $('my-reply-save').textContent = editing ? t('mine.update') : t('mine.add');
  $('my-reply-cancel').hidden = !editing;
}

function edit(r) {
  editing = r ? r.id : null;
  $('my-reply-category').value = r ? r.category || '' : '';
  $('my-reply-title').value = r ? r.title : '';
  $('my-reply-text').value = r ? r.text : '';
  showError(null);
  draw();
  if (r) {
    $('my-reply-title').focus();
  }
}

async function save(e) {
  e.preventDefault();
  const body = {
    category: $('my-reply-category').value.trim(),
    title: $('my-reply-title').value.trim(),
    text: $('my-reply-text').value,
  };
  if (!body.title || !body.text.trim()) {
    showError(t('mine.required'));
    return;
  }
  try {
    const saved = editing
        ? await api('PUT', `/me/quick-replies/${editing}`, body)
        : await api('POST', '/me/quick-replies', body);
    replies = [...replies.filter(r => r.id !== saved.id), saved]
        .sort((a, b) => (a.category || '').localeCompare(b.category || '') || a.title.localeCompare(b.title));
    edit(null);
  } catch (err) {
    showError(problemText(err));
  }
}

async function remove(r) {
  try {
    await api('DELETE', `/me/quick-replies/${r.id}`);
  } catch (err) {
    if (!(err instanceof HttpError && err.status === 404)) {
      showError(problemText(err));
      return;
    }
  }
  replies = replies.filter(x => x.id !== r.id);
  if (editing === r.id) {
    edit(null);
  } else {
    draw();
  }
}

/** The server's own words for a refused reply (they name the field), else a general line. */
function problemText(err) {
  if (err instanceof HttpError && err.body) {
    const errors = err.body.errors || [];
    if (errors.length) {
      return errors.map(x => {
        const unknown = /^unknown variables (.+?); known/.exec(x.message || '');
        return unknown ? t('mine.unknown', {names: unknown[1]}) : `${t('mine.field.' + x.field)}: ${x.message}`;
      }).join('; ');
    }
    if (err.body.detail) {
      return err.body.detail;
    }
  }
  return t('mine.failed');
}

function showError(text) {
  const box = $('my-reply-error');
  box.hidden = !text;
  box.textContent = text || '';
}
