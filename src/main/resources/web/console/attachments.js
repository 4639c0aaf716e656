// Attachments in the console (C1): files the agent picks or pastes are uploaded at once
// (POST /conversations/{id}/attachments) and wait as chips above the composer until Send puts
// their ids on the message; files in messages show as thumbnails (images) or cards. Every
// download needs the staff token in a header, never in a URL, so a file is fetched and shown
// from a blob: URL, which is revoked once its message is no longer drawn.

import {t} from './i18n.js';
import * as i18n from './i18n.js';
import {$, el} from './dom.js';
import {S} from './state.js';

/** What the picker offers; the service judges the bytes whatever the name says (docs/protocol.md). */
const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,.txt,.csv,.rtf,'
    + '.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp';
/** At most this many files on one message (the service's limit). */
export const MAX_FILES = 10;
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

// conversationId -> [{key, name, size, type, progress, view, xhr, localUrl}]: the composer's files
const drafts = new Map();
// conversationId -> {key, vars}: why the last upload was refused
const errors = new Map();
let nextKey = 0;

// Images shown: attachment id -> {promise of a blob: URL, url}; and the element drawn for each
// file, reused by every redraw of the chat so a thumbnail neither flickers nor loads twice.
const images = new Map();
const drawn = new Map();
let shownNow = new Set();

let tray = null;
let picker = null;
let pickerLabel = null;
let lightbox = null;

export function isImage(contentType) {
  return IMAGE_TYPES.has(contentType);
}

/** Puts the paperclip, the tray of pending files and the full-size view into the page. */
export function mount() {
  const composer = $('composer');
  picker = el('input', {
    type: 'file', id: 'chat-attach', 'data-testid': 'chat-attach', class: 'sr-only', multiple: true, accept: ACCEPT,
    onchange: () => {
      const files = [...picker.files];
      picker.value = '';
      addFiles(files);
    },
  });
  pickerLabel = el('label', {class: 'attach-button', for: 'chat-attach'}, clipIcon(), picker);
  composer.insertBefore(pickerLabel, $('chat-input'));
  // Just above the composer, outside its row of controls.
  tray = el('div', {class: 'attach-tray', hidden: true});
  composer.before(tray);
  $('chat-input').addEventListener('paste', e => {
    const files = [...((e.clipboardData && e.clipboardData.files) || [])].filter(f => f.type.startsWith('image/'));
    if (files.length) {
      // A screenshot pasted into the reply goes with it, as the agent expects of a chat.
      e.preventDefault();
      addFiles(files);
    }
  });
  const full = el('img', {class: 'lightbox-img', alt: ''});
  lightbox = el('dialog', {class: 'lightbox', 'data-testid': 'attach-lightbox'},
      el('div', {class: 'lightbox-bar'},
          el('span', {class: 'lightbox-name'}),
          el('button', {type: 'button', class: 'lightbox-download'}),
          el('button', {type: 'button', class: 'lightbox-close', onclick: () => lightbox.close()})),
      full);
  // A click on the dimmed page around the picture closes it, as Escape does.
  lightbox.addEventListener('click', e => {
    if (e.target === lightbox) {
      lightbox.close();
    }
  });
  document.body.append(lightbox);
}

/** A paperclip drawn as a path: no emoji font or image needed. */
function clipIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'attach-clip');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9');
  svg.append(path);
  return svg;
}

function draftsOf(conversationId) {
  let list = drafts.get(conversationId);
  if (!list) {
    list = [];
    drafts.set(conversationId, list);
  }
  return list;
}

function addFiles(files) {
  const c = S.convs.get(S.selected);
  if (!c || c.state !== 'open' || !files.length) {
    return;
  }
  errors.delete(c.id);
  const list = draftsOf(c.id);
  for (const file of files) {
    if (list.length >= MAX_FILES) {
      errors.set(c.id, {key: 'attach.error.tooMany', vars: {n: MAX_FILES}});
      break;
    }
    upload(c.id, file, list);
  }
  renderComposer(c);
  $('chat-input').focus();
}

function upload(conversationId, file, list) {
  const entry = {
    key: ++nextKey, name: file.name || 'image.png', size: file.size, type: file.type, progress: 0, view: null,
    localUrl: IMAGE_TYPES.has(file.type) ? URL.createObjectURL(file) : null,
  };
  list.push(entry);
  const form = new FormData();
  form.append('file', file, entry.name);
  // XMLHttpRequest rather than fetch: it tells how far the upload is.
  const xhr = new XMLHttpRequest();
  entry.xhr = xhr;
  xhr.open('POST', `/api/v1/conversations/${encodeURIComponent(conversationId)}/attachments`);
  xhr.setRequestHeader('Accept', 'application/json');
  if (S.session) {
    xhr.setRequestHeader('Authorization', `Bearer ${S.session.token}`);
  }
  xhr.upload.addEventListener('progress', e => {
    if (e.lengthComputable) {
      entry.progress = e.loaded / e.total;
      renderTray();
    }
  });
  xhr.addEventListener('load', () => {
    entry.xhr = null;
    if (xhr.status >= 200 && xhr.status < 300) {
      try {
        entry.view = JSON.parse(xhr.responseText);
      } catch (e) {
        refused(conversationId, entry, 0);
        return;
      }
      entry.progress = 1;
      if (entry.localUrl && entry.view.id) {
        // The agent's own picture is in memory already: show it from there, no download.
        images.set(entry.view.id, {promise: Promise.resolve(entry.localUrl), url: entry.localUrl});
        entry.localUrl = null;
      }
      renderTray();
    } else {
      refused(conversationId, entry, xhr.status);
    }
  });
  xhr.addEventListener('error', () => {
    entry.xhr = null;
    refused(conversationId, entry, 0);
  });
  xhr.send(form);
}

/** Why an upload was refused, in the agent's words: the file leaves the tray, nothing is sent. */
function refused(conversationId, entry, status) {
  drop(conversationId, entry);
  const reason = {413: 'tooLarge', 415: 'type', 409: 'closed', 429: 'rate', 404: 'gone'}[status] || 'failed';
  errors.set(conversationId, {key: `attach.error.${reason}`, vars: {name: entry.name}});
  if (S.selected === conversationId) {
    renderComposer(S.convs.get(conversationId));
  }
}

function drop(conversationId, entry) {
  const list = drafts.get(conversationId) || [];
  const i = list.indexOf(entry);
  if (i >= 0) {
    list.splice(i, 1);
  }
  if (entry.xhr) {
    entry.xhr.abort();
    entry.xhr = null;
  }
  if (entry.localUrl) {
    URL.revokeObjectURL(entry.localUrl);
    entry.localUrl = null;
  }
}

/** Whether files are still on their way up: Send waits for them. */
export function uploading(conversationId) {
  return (drafts.get(conversationId) || []).some(e => !e.view);
}

/** The uploaded files to send with the next message, [{id, name, size, contentType, url}]. */
export function ready(conversationId) {
  return (drafts.get(conversationId) || []).filter(e => e.view).map(e => e.view);
}

/** The message went into the outbox with its files: the tray empties. */
export function sent(conversationId) {
  drafts.delete(conversationId);
  errors.delete(conversationId);
  renderComposer(S.convs.get(conversationId));
}

/** The paperclip's label and the tray of the conversation shown. */
export function renderComposer(c) {
  if (!tray || !c) {
    return;
  }
  pickerLabel.title = t('attach.add');
  picker.setAttribute('aria-label', t('attach.add'));
  lightbox.querySelector('.lightbox-close').textContent = t('attach.close');
  lightbox.querySelector('.lightbox-download').textContent = t('attach.download');
  renderTray();
}

function renderTray() {
  const c = S.convs.get(S.selected);
  if (!tray || !c) {
    return;
  }
  const list = drafts.get(c.id) || [];
  const error = errors.get(c.id);
  tray.textContent = '';
  tray.hidden = c.state !== 'open' || (!list.length && !error);
  for (const entry of list) {
    const done = !!entry.view;
    const name = done ? entry.view.name : entry.name;
    tray.append(el('div', {class: `attach-chip${done ? '' : ' uploading'}`, 'data-testid': 'attach-pending',
      'data-state': done ? 'ready' : 'uploading'},
    entry.localUrl || (done && images.has(entry.view.id))
      ? el('img', {class: 'chip-thumb', alt: '', src: entry.localUrl || images.get(entry.view.id).url})
      : el('span', {class: 'file-badge', 'aria-hidden': 'true', text: badge(done ? entry.view.contentType : entry.type, name)}),
    el('span', {class: 'chip-name', text: name, title: name}),
    el('span', {class: 'chip-size', text: done ? size(entry.view.size) : t('attach.uploading', {p: Math.round(entry.progress * 100)})}),
    done ? null : el('progress', {max: '100', value: String(Math.round(entry.progress * 100)), 'aria-label': t('attach.uploading', {p: Math.round(entry.progress * 100)})}),
    el('button', {type: 'button', class: 'chip-remove', 'aria-label': t('attach.remove', {name}), title: t('attach.remove', {name}),
      text: '×', onclick: () => {
        drop(c.id, entry);
        renderTray();
        $('chat-input').focus();
      }})));
  }
  if (error) {
    tray.append(el('p', {class: 'attach-error', role: 'alert', 'data-testid': 'attach-error', text: t(error.key, error.vars)},
        el('button', {type: 'button', class: 'link-button', text: t('attach.dismiss'), onclick: () => {
          errors.delete(c.id);
          renderTray();
        }})));
  }
  $('chat-send').disabled = uploading(c.id);
}

// ---------------------------------------------------------------- files in messages

/** Starts a redraw of the chat: files drawn until end() stay, the others' blob: URLs go. */
export function begin() {
  shownNow = new Set();
}

export function end() {
  for (const id of [...drawn.keys()]) {
    if (!shownNow.has(id)) {
      drawn.delete(id);
    }
  }
  for (const [id, image] of images) {
    if (!shownNow.has(id) && !inTray(id)) {
      images.delete(id);
      image.promise.then(url => URL.revokeObjectURL(url), () => {});
    }
  }
}

function inTray(id) {
  for (const list of drafts.values()) {
    if (list.some(e => e.view && e.view.id === id)) {
      return true;
    }
  }
  return false;
}

/** The files of a message, each a `chat-attachment`; null when it has none. */
export function nodes(files) {
  if (!files || !files.length) {
    return null;
  }
  return el('div', {class: 'attachments'}, ...files.map(a => {
    shownNow.add(a.id);
    let node = drawn.get(a.id);
    if (!node) {
      node = isImage(a.contentType) ? imageNode(a) : fileNode(a);
      drawn.set(a.id, node);
    }
    relabel(node, a);
    return node;
  }));
}

function imageNode(a) {
  const img = el('img', {class: 'thumb', alt: a.name});
  const node = el('button', {
    type: 'button', class: 'attachment attachment-image loading', 'data-testid': 'chat-attachment',
    'data-content-type': a.contentType, onclick: () => openFull(a),
  }, img);
  imageUrl(a).then(url => {
    img.src = url;
    node.classList.remove('loading');
  }, () => {
    node.classList.remove('loading');
    node.classList.add('broken');
    node.append(el('span', {class: 'broken-text', text: t('attach.unavailable')}));
  });
  return node;
}

function fileNode(a) {
  return el('div', {class: 'attachment attachment-file', 'data-testid': 'chat-attachment', 'data-content-type': a.contentType},
      el('span', {class: 'file-badge', 'aria-hidden': 'true', text: badge(a.contentType, a.name)}),
      el('span', {class: 'file-text'},
          el('span', {class: 'file-name', text: a.name, title: a.name}),
          el('span', {class: 'file-size', text: size(a.size)})),
      el('button', {type: 'button', class: 'file-download', onclick: e => save(a, e.currentTarget)}));
}

/** Texts of a drawn file in the current language (the element outlives a language switch). */
function relabel(node, a) {
  const button = node.querySelector('.file-download');
  if (button) {
    button.textContent = t('attach.download');
    button.setAttribute('aria-label', t('attach.downloadName', {name: a.name}));
  } else {
    node.setAttribute('aria-label', t('attach.openImage', {name: a.name}));
    node.title = a.name;
  }
}

async function fetchBlob(a) {
  const res = await fetch(`/api/v1/attachments/${encodeURIComponent(a.id)}`, {
    headers: S.session ? {Authorization: `Bearer ${S.session.token}`} : {},
  });
  if (!res.ok) {
    throw new Error(`attachment ${a.id}: ${res.status}`);
  }
  return res.blob();
}

function imageUrl(a) {
  let image = images.get(a.id);
  if (!image) {
    image = {url: null};
    image.promise = fetchBlob(a).then(blob => {
      image.url = URL.createObjectURL(blob);
      if (images.get(a.id) !== image) {
        // Left the view while it loaded.
        URL.revokeObjectURL(image.url);
      }
      return image.url;
    });
    image.promise.catch(() => images.delete(a.id));
    images.set(a.id, image);
  }
  return image.promise;
}

function openFull(a) {
  const image = images.get(a.id);
  if (!image || !image.url) {
    return;
  }
  lightbox.querySelector('.lightbox-img').src = image.url;
  lightbox.querySelector('.lightbox-img').alt = a.name;
  lightbox.querySelector('.lightbox-name').textContent = a.name;
  lightbox.querySelector('.lightbox-download').onclick = e => save(a, e.currentTarget);
  lightbox.showModal();
}

/** Saves a file: fetched with the token, handed to the browser as a download of its name. */
async function save(a, button) {
  if (button) {
    button.disabled = true;
  }
  try {
    const image = images.get(a.id);
    const url = image && image.url ? image.url : URL.createObjectURL(await fetchBlob(a));
    const link = el('a', {href: url, download: a.name, hidden: true});
    document.body.append(link);
    link.click();
    link.remove();
    if (!image || image.url !== url) {
      // The browser has taken the file once the click returned; the URL is no longer needed.
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    }
  } catch (e) {
    if (button) {
      button.textContent = t('attach.unavailable');
    }
  } finally {
    if (button) {
      button.disabled = false;
    }
  }
}

// ---------------------------------------------------------------- small words

/** The list's preview of a message with files and no text: "[Image]", "[File] name", "+2". */
export function filesLabel(files) {
  if (!files || !files.length) {
    return '';
  }
  const first = files[0];
  const label = isImage(first.contentType) ? t('attach.preview.image') : t('attach.preview.file', {name: first.name});
  return files.length > 1 ? `${label} ${t('attach.preview.more', {n: files.length - 1})}` : label;
}

/** A conversation's preview line: the latest message's text, else what its files are. */
export function previewOf(c) {
  return (c && (c.preview || filesLabel(c.previewFiles))) || '';
}

function badge(contentType, name) {
  if (IMAGE_TYPES.has(contentType)) {
    return 'IMG';
  }
  if (contentType === 'application/pdf') {
    return 'PDF';
  }
  const ext = /\.([a-z0-9]{1,4})$/i.exec(name || '');
  return ext ? ext[1].toUpperCase() : 'FILE';
}

export function size(bytes) {
  const n = Number(bytes) || 0;
  const unit = (value, u) => new Intl.NumberFormat(i18n.lang(), {style: 'unit', unit: u, unitDisplay: 'short',
    maximumFractionDigits: value < 10 ? 1 : 0}).format(value);
  if (n < 1024) {
    return `${n} B`;
  }
  if (n < 1024 * 1024) {
    return unit(n / 1024, 'kilobyte');
  }
  return unit(n / (1024 * 1024), 'megabyte');
}
