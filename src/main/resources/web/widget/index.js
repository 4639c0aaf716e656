/*
 * Switchboard chat widget, started by the loader /widget.js with its own script tag. Embed with one tag:
 *   <script src="https://HOST/widget.js" data-channel="KEY" async></script>
 * Optional: data-user-id + data-user-hash (identified customer), data-name, data-email,
 * data-lang (en | zh-CN), data-title, data-color, data-position (right | left).
 *
 * Renders in an open shadow root so the page's styles neither reach in nor leak out.
 * Talks the visitor protocol of docs/protocol.md: every message carries a clientId and
 * stays in a persisted outbox until the server acknowledges it, so a dropped link, a
 * reload or a server restart loses nothing, and the server's clientId dedupe doubles
 * nothing. All user text is inserted as text, never as markup.
 */
import {GapWatch, Link, LinkRefused, Outbox, messageFrame, newClientId} from '../shared/protocol-client.js';
import {linkedNodes} from '../shared/links.js';

export function start(script) {
  if (!script || window.SwitchboardWidget) {
    return;
  }
  const BASE = new URL(script.src, location.href).origin;
  const data = script.dataset;
  const cfg = {
    channel: data.channel,
    userId: data.userId || null,
    userHash: data.userHash || null,
    name: data.name || null,
    email: data.email || null,
    title: data.title || null,
    color: data.color || null,
    position: data.position === 'left' ? 'left' : 'right',
    lang: data.lang || (/^zh\b/i.test(navigator.language || '') ? 'zh-CN' : 'en'),
  };
  if (!cfg.channel) {
    console.warn('Switchboard widget: the script tag needs data-channel');
    return;
  }
  if (cfg.lang !== 'zh-CN') {
    cfg.lang = 'en';
  }

  const MAX_TEXT = 5000;
  // The emoji people use most in a service chat, drawn by the system's own font: nothing to load.
  const EMOJI = ['😀', '😃', '😄', '😁', '😂', '🤣', '😊', '🙂', '😉', '😍', '😘', '😎', '🤔', '😅', '😮', '😢',
    '😭', '😡', '😴', '🙄', '😬', '🤗', '👍', '👎', '👌', '👏', '🙏', '🤝', '💪', '👋', '🎉', '❤️', '💔', '🔥', '⭐',
    '✅', '❌', '❓', '❗', '💯'];
  const EMOJI_COLUMNS = 8;
  /** Files one message may carry; the largest file the service takes comes with the visitor token. */
  const MAX_FILES = 10;
  let maxFileSize = 10 * 1024 * 1024;
  const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
  const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,.txt,.csv,.rtf,'
      + '.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp';

  // ------------------------------------------------------------------ persisted state
  // One record per channel and identity: an identified customer never sees an anonymous
  // visitor's conversation on a shared browser, and the other way round.
  const storageKey = `switchboard:${cfg.channel}:${cfg.userId ? 'user:' + cfg.userId : 'anonymous'}`;
  const saved = (() => {
    try {
      return JSON.parse(localStorage.getItem(storageKey)) || {};
    } catch (e) {
      return {};
    }
  })();
  const state = {
    visitorId: saved.visitorId || null,
    // Re-identifies the anonymous visitor: only this browser holds it, unlike the id, which staff see.
    visitorSecret: saved.visitorSecret || null,
    conversationId: saved.conversationId || null,
    // true once the visitor started afresh: nothing to resume until they write
    fresh: !!saved.fresh,
    open: !!saved.open,
    outbox: Array.isArray(saved.outbox) ? saved.outbox : [],
    // The out-of-hours notice of the current conversation, {conversationId, text, afterSeq}: the
    // server says it once, so the widget keeps it to draw it again after a reload.
    outOfHours: saved.outOfHours && typeof saved.outOfHours.text === 'string' ? saved.outOfHours : null,
    // The survey of the current conversation, {conversationId, afterSeq, done}: asked once, so
    // kept to draw the card again after a reload until it is answered.
    survey: saved.survey && typeof saved.survey.conversationId === 'string' ? saved.survey : null,
  };
  function persist() {
    try {
      localStorage.setItem(storageKey, JSON.stringify(state));
    } catch (e) {
      // storage refused (private mode, quota): the widget still works for this page
    }
  }
  // The same list as state.outbox, so persist() keeps it with the rest of the record.
  const outbox = new Outbox(state.outbox, persist);

  // ------------------------------------------------------------------ in-page state
  let dict = {};
  let token = null;
  let linkUp = false;
  let lastSeq = 0;                 // highest seq seen in the current conversation
  // A hole in the current conversation's seqs, asked for again if it stays open (noteSeq).
  const gap = new GapWatch(from => send({type: 'resume', conversationId: state.conversationId, lastSeq: from}));
  let closed = false;
  let adoptedByBareResume = false;
  let lastTypingSent = 0;
  let lastReadSent = 0;
  let unseen = 0;
  let typingTimer = null;
  const rendered = new Map();     // "conversationId:seq" -> element
  const pending = new Map();      // clientId -> element

  const t = (key, vars) => {
    let s = dict[key] || key;
    for (const [k, v] of Object.entries(vars || {})) {
      s = s.split(`{${k}}`).join(String(v));
    }
    return s;
  };

  // ------------------------------------------------------------------ DOM
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) {
        continue;
      }
      if (k === 'text') {
        node.textContent = v;
      } else if (k.startsWith('on')) {
        node.addEventListener(k.slice(2), v);
      } else {
        node.setAttribute(k, v === true ? '' : v);
      }
    }
    for (const c of children) {
      if (c) {
        node.append(c);
      }
    }
    return node;
  }

  function svg(path) {
    const ns = 'http://www.w3.org/2000/svg';
    const s = document.createElementNS(ns, 'svg');
    s.setAttribute('viewBox', '0 0 24 24');
    s.setAttribute('aria-hidden', 'true');
    const p = document.createElementNS(ns, 'path');
    p.setAttribute('d', path);
    s.append(p);
    return s;
  }
  const ICON_CHAT = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';
  const ICON_DOWN = 'M6 9l6 6 6-6';
  const ICON_SEND = 'M3 20l18-8L3 4v6l12 2-12 2z';
  const ICON_CLIP = 'M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9';

  const host = document.createElement('switchboard-widget');
  // The page's styles must not hide or move the widget's anchor. Set through the CSSOM,
  // which a page's Content-Security-Policy allows where an inline style attribute is refused.
  host.style.setProperty('all', 'initial', 'important');
  host.style.setProperty('display', 'block', 'important');
  if (cfg.color && window.CSS && CSS.supports('color', cfg.color)) {
    host.style.setProperty('--sb-accent', cfg.color);
  }
  const root = host.attachShadow({mode: 'open'});
  const ui = {};

  function build() {
    root.textContent = '';
    const css = el('link', {rel: 'stylesheet', href: `${BASE}/widget/widget.css`});
    // Show nothing until the styles are there, so the page never flashes raw markup.
    const frame = el('div', {class: `sb-root sb-${cfg.position}`, hidden: true});
    css.addEventListener('load', () => frame.removeAttribute('hidden'));
    css.addEventListener('error', () => frame.removeAttribute('hidden'));

    ui.badge = el('span', {class: 'sb-badge', hidden: true});
    ui.launcher = el('button', {
      class: 'sb-launcher', type: 'button', 'data-testid': 'sb-launcher',
      'aria-label': t('open'), 'aria-expanded': 'false', onclick: () => setOpen(!state.open),
    }, svg(ICON_CHAT), ui.badge);

    ui.status = el('span', {class: 'sb-status'});
    ui.agentName = el('span', {class: 'sb-agent-name', 'data-testid': 'sb-agent-name', hidden: true});
    ui.agentLine = el('div', {class: 'sb-agent', hidden: true}, el('span', {text: t('servedBy') + ' '}), ui.agentName);
    ui.endButton = el('button', {
      class: 'sb-icon sb-end', type: 'button', title: t('end'), 'aria-label': t('end'), onclick: endConversation,
      hidden: true, text: '✕',
    });
    const header = el('header', {class: 'sb-header'},
        el('div', {class: 'sb-heading'},
            el('h2', {class: 'sb-title', text: cfg.title || t('title')}),
            ui.agentLine,
            ui.status),
        ui.endButton,
        el('button', {
          class: 'sb-icon', type: 'button', title: t('minimise'), 'aria-label': t('minimise'),
          onclick: () => setOpen(false),
        }, svg(ICON_DOWN)));

    ui.notice = el('p', {class: 'sb-notice', 'data-testid': 'sb-notice', text: t('privacy')});
    ui.messages = el('div', {class: 'sb-messages'});
    ui.log = el('div', {class: 'sb-log', role: 'log', 'aria-live': 'polite'}, ui.notice, ui.messages);
    ui.queue = el('div', {class: 'sb-queue', 'data-testid': 'sb-queue-position', role: 'status', hidden: true});
    ui.typing = el('div', {class: 'sb-typing', hidden: true}, el('span', {class: 'sb-dots', 'aria-hidden': 'true'},
        el('i'), el('i'), el('i')), el('span', {text: t('typing')}));
    ui.closedBox = el('div', {class: 'sb-closed', 'data-testid': 'sb-closed', role: 'status', hidden: true},
        el('p', {text: t('closed')}),
        el('button', {
          class: 'sb-button', type: 'button', 'data-testid': 'sb-new-conversation',
          text: t('newConversation'), onclick: newConversation,
        }));
    ui.offline = el('div', {class: 'sb-offline', role: 'status', hidden: true, text: t('offline')});

    ui.input = el('textarea', {
      class: 'sb-input', 'data-testid': 'sb-input', rows: '1', maxlength: String(MAX_TEXT),
      placeholder: t('placeholder'), 'aria-label': t('placeholder'),
    });
    ui.input.addEventListener('keydown', e => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submit();
      }
    });
    ui.input.addEventListener('input', onInput);
    ui.input.addEventListener('paste', e => {
      const files = [...((e.clipboardData && e.clipboardData.files) || [])].filter(f => f.type.startsWith('image/'));
      if (files.length) {
        e.preventDefault();
        addFiles(files);
      }
    });
    ui.emojiGrid = el('div', {
      class: 'sb-emoji-grid', hidden: true, role: 'grid', id: 'sb-emoji-grid', 'aria-label': t('emoji.list'),
      onkeydown: emojiKey,
    }, ...EMOJI.map((ch, i) => el('button', {
      type: 'button', class: 'sb-emoji-item', 'data-testid': 'sb-emoji-item', role: 'gridcell', text: ch,
      'aria-label': ch, tabindex: i ? '-1' : '0', onclick: () => insertEmoji(ch),
    })));
    ui.emojiButton = el('button', {
      class: 'sb-icon sb-emoji', type: 'button', 'data-testid': 'sb-emoji', title: t('emoji'), 'aria-label': t('emoji'),
      'aria-expanded': 'false', 'aria-controls': 'sb-emoji-grid', text: '☺',
      onclick: () => showEmoji(ui.emojiGrid.hidden),
    });
    ui.attachInput = el('input', {
      type: 'file', class: 'sb-file', 'data-testid': 'sb-attach', multiple: true, accept: ACCEPT,
      'aria-label': t('attach.add'), tabindex: '-1',
      onchange: () => {
        const files = [...ui.attachInput.files];
        ui.attachInput.value = '';
        addFiles(files);
      },
    });
    ui.attachButton = el('button', {
      class: 'sb-icon sb-attach', type: 'button', title: t('attach.add'), 'aria-label': t('attach.add'),
      onclick: () => ui.attachInput.click(),
    }, svg(ICON_CLIP));
    ui.tray = el('div', {class: 'sb-tray', hidden: true});
    ui.composer = el('form', {class: 'sb-composer', onsubmit: e => { e.preventDefault(); submit(); }},
        ui.tray,
        ui.emojiButton,
        ui.attachButton,
        ui.attachInput,
        ui.input,
        ui.send = el('button', {class: 'sb-send', type: 'submit', 'data-testid': 'sb-send', 'aria-label': t('send'), title: t('send')},
            svg(ICON_SEND)));

    ui.fullImage = el('img', {class: 'sb-full-img', alt: ''});
    ui.lightbox = el('div', {
      class: 'sb-lightbox', role: 'dialog', 'aria-modal': 'true', hidden: true,
      onclick: e => {
        if (e.target === ui.lightbox) {
          closeFull();
        }
      },
      onkeydown: e => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          closeFull();
        }
      },
    }, el('button', {class: 'sb-icon sb-lightbox-close', type: 'button', 'aria-label': t('attach.close'),
      title: t('attach.close'), text: '✕', onclick: closeFull}), ui.fullImage);

    ui.panel = el('section', {
      class: 'sb-panel', 'data-testid': 'sb-panel', role: 'dialog', 'aria-label': cfg.title || t('title'), hidden: true,
    }, header, ui.log, ui.queue, ui.typing, ui.closedBox, ui.offline, ui.emojiGrid, ui.composer, ui.lightbox);

    frame.append(ui.panel, ui.launcher);
    root.append(css, frame);
  }

  // ------------------------------------------------------------------ view updates
  function setOpen(open) {
    state.open = open;
    persist();
    ui.panel.hidden = !open;
    ui.launcher.setAttribute('aria-expanded', String(open));
    ui.launcher.classList.toggle('sb-launcher-open', open);
    if (open) {
      unseen = 0;
      updateBadge();
      scrollToEnd();
      if (!closed) {
        ui.input.focus({preventScroll: true});
      }
      sendRead();
    }
  }

  function updateBadge() {
    ui.badge.hidden = unseen === 0;
    ui.badge.textContent = unseen > 9 ? '9+' : String(unseen);
    ui.badge.setAttribute('aria-label', t('unread', {n: unseen}));
  }

  function setLink(up) {
    linkUp = up;
    ui.status.textContent = up ? t('online') : t('connecting');
    ui.status.classList.toggle('sb-status-up', up);
    ui.offline.hidden = up || (!outbox.length && !link.attempt);
  }

  function scrollToEnd() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function atEnd() {
    return ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 40;
  }

  function timeOf(iso) {
    const d = iso ? new Date(iso) : new Date();
    return d.toLocaleTimeString(cfg.lang, {hour: '2-digit', minute: '2-digit'});
  }

  function messageElement(sender, text, when, extra, files) {
    const meta = el('span', {class: 'sb-meta'});
    const hasFiles = files && files.length;
    const node = el('div', {
      class: `sb-message sb-from-${sender}`, 'data-testid': 'sb-message', 'data-sender': sender, ...extra,
    }, text || !hasFiles ? el('div', {class: 'sb-bubble'}, ...linkedNodes(text)) : null,
    hasFiles ? el('div', {class: 'sb-files'}, ...files.map(fileElement)) : null, meta);
    node._time = timeOf(when);
    refreshMeta(node);
    return node;
  }

  function refreshMeta(node) {
    const meta = node.querySelector('.sb-meta');
    const s = node.dataset.state;
    let label = node._time;
    if (s === 'sending') {
      label = t('sending');
    } else if (s === 'failed') {
      label = t('failed');
    } else if (s === 'sent' && node.classList.contains('sb-read')) {
      label += ' · ' + t('read');
    }
    meta.textContent = label;
  }

  /** Where a node sorts in the log: stored messages by seq, a notice just after the seq it followed, pending ones last. */
  function orderOf(node) {
    if (node.dataset.seq) {
      return Number(node.dataset.seq);
    }
    if (node.dataset.afterSeq) {
      return Number(node.dataset.afterSeq) + 0.5;
    }
    return Infinity;
  }

  /** Places a stored message by its sequence number (or a notice after its), before any still-pending bubbles. */
  function place(node) {
    const seq = orderOf(node);
    const stick = atEnd();
    let before = null;
    for (const child of ui.messages.children) {
      if (child !== node && orderOf(child) > seq) {
        before = child;
        break;
      }
    }
    ui.messages.insertBefore(node, before);
    if (stick || node.dataset.sender === 'visitor') {
      scrollToEnd();
    }
  }

  function showQueue(position) {
    ui.queue.hidden = false;
    ui.queue.textContent = t('queue', {n: position});
  }

  /**
   * Out of hours (B5): the team's text as a quiet, centred line in the conversation, with the
   * promise that a message left now is kept and answered.
   */
  function showOutOfHours(notice) {
    if (ui.outOfHours) {
      ui.outOfHours.remove();
    }
    ui.outOfHours = el('div', {
      class: 'sb-out-of-hours', 'data-testid': 'sb-out-of-hours', role: 'status',
      'data-after-seq': String(notice.afterSeq),
    },
    el('p', {class: 'sb-ooh-title', text: t('outOfHoursTitle')}),
    el('p', {class: 'sb-ooh-text', text: notice.text}),
    el('p', {class: 'sb-ooh-hint', text: t('outOfHoursHint')}));
    place(ui.outOfHours);
    ui.input.placeholder = t('placeholderOffline');
  }

  function dropOutOfHours() {
    if (ui.outOfHours) {
      ui.outOfHours.remove();
      ui.outOfHours = null;
    }
    ui.input.placeholder = t('placeholder');
    if (state.outOfHours) {
      state.outOfHours = null;
      persist();
    }
  }

  // ------------------------------------------------------------------ survey (C8)
  const RATE_WAIT_MS = 10000;
  let rateTimer = null;

  /** The survey card, inline after the message it was asked at; the thank-you once answered. */
  function showSurvey(survey) {
    if (ui.survey) {
      ui.survey.remove();
    }
    const card = el('div', {
      class: 'sb-survey', 'data-testid': 'sb-survey', role: 'group', 'aria-label': t('surveyTitle'),
      'data-after-seq': String(survey.afterSeq),
    });
    ui.survey = card;
    if (survey.done) {
      card.append(el('p', {class: 'sb-rate-thanks', 'data-testid': 'sb-rate-thanks', role: 'status', text: t('rateThanks')}));
      place(card);
      return;
    }
    let score = 0;
    const buttons = [1, 2, 3, 4, 5].map(n => el('button', {
      type: 'button', class: 'sb-rate', 'data-testid': 'sb-rate', 'data-score': String(n),
      'aria-pressed': 'false', 'aria-label': t('rateScore', {n}), title: t('rateScore', {n}), text: '★',
      onclick: () => {
        score = n;
        for (const b of buttons) {
          const on = Number(b.dataset.score) <= n;
          b.classList.toggle('sb-on', on);
          b.setAttribute('aria-pressed', String(Number(b.dataset.score) === n));
        }
        submitButton.disabled = false;
      },
    }));
    const comment = el('textarea', {
      class: 'sb-rate-comment', 'data-testid': 'sb-rate-comment', rows: '2', maxlength: '2000',
      placeholder: t('rateComment'), 'aria-label': t('rateComment'),
    });
    const error = el('p', {class: 'sb-rate-error', role: 'alert', hidden: true, text: t('rateFailed')});
    const submitButton = el('button', {
      type: 'submit', class: 'sb-button', 'data-testid': 'sb-rate-submit', disabled: true, text: t('rateSubmit'),
    });
    const form = el('form', {class: 'sb-survey-form', onsubmit: e => {
      e.preventDefault();
      if (!score || submitButton.disabled) {
        return;
      }
      error.hidden = true;
      const frame = {type: 'rate', conversationId: survey.conversationId, score};
      const text = comment.value.trim();
      if (text) {
        frame.comment = text.slice(0, 2000);
      }
      if (!send(frame)) {
        error.hidden = false;
        return;
      }
      submitButton.disabled = true;
      clearTimeout(rateTimer);
      rateTimer = setTimeout(() => {
        // No answer: the link dropped meanwhile, or the service could not store it. Let them try again.
        error.hidden = false;
        submitButton.disabled = false;
      }, RATE_WAIT_MS);
    }},
    el('p', {class: 'sb-survey-title', text: t('surveyTitle')}),
    el('p', {class: 'sb-survey-prompt', text: t('surveyPrompt')}),
    el('div', {class: 'sb-rates', role: 'group', 'aria-label': t('surveyPrompt')}, ...buttons),
    comment, error, submitButton);
    card.append(form);
    place(card);
    scrollToEnd();
  }

  /** The service stored the rating (notice rating_saved), or had one already: thank the visitor, once. */
  function surveyAnswered() {
    clearTimeout(rateTimer);
    if (!state.survey || state.survey.conversationId !== state.conversationId) {
      return;
    }
    state.survey.done = true;
    persist();
    showSurvey(state.survey);
  }

  function dropSurvey() {
    clearTimeout(rateTimer);
    if (ui.survey) {
      ui.survey.remove();
      ui.survey = null;
    }
  }

  function showAgent(name) {
    ui.queue.hidden = true;
    ui.input.placeholder = t('placeholder');
    ui.agentName.textContent = name || t('agent');
    ui.agentName.hidden = false;
    ui.agentLine.hidden = false;
  }

  function showClosed() {
    closed = true;
    ui.queue.hidden = true;
    ui.typing.hidden = true;
    ui.closedBox.hidden = false;
    ui.composer.hidden = true;
    showEmoji(false);
    ui.endButton.hidden = true;
    scrollToEnd();
  }

  function clearView() {
    dropOutOfHours();
    dropSurvey();
    ui.messages.textContent = '';
    sweepImages();
    rendered.clear();
    pending.clear();
    lastSeq = 0;
    forgetGap();
    lastReadSent = 0;
    closed = false;
    ui.closedBox.hidden = true;
    ui.composer.hidden = false;
    ui.queue.hidden = true;
    ui.typing.hidden = true;
    ui.agentLine.hidden = true;
    ui.agentName.hidden = true;
    ui.endButton.hidden = true;
  }

  function newConversation() {
    clearView();
    state.conversationId = null;
    state.fresh = true;
    persist();
    for (const item of outbox) {
      renderPending(item);
    }
    ui.input.focus();
  }

  function endConversation() {
    if (state.conversationId && linkUp && !closed) {
      send({type: 'close', conversationId: state.conversationId});
    }
  }

  // ------------------------------------------------------------------ emoji
  function showEmoji(open) {
    ui.emojiGrid.hidden = !open;
    ui.emojiButton.setAttribute('aria-expanded', String(open));
    if (open) {
      ui.emojiGrid.querySelector('[tabindex="0"]').focus();
    }
  }

  /** Inserts at the cursor (or over the selection) of the input, which keeps its place while the grid has focus. */
  function insertEmoji(ch) {
    const i = ui.input.selectionStart ?? ui.input.value.length;
    const j = ui.input.selectionEnd ?? i;
    if (ui.input.value.length - (j - i) + ch.length > MAX_TEXT) {
      return;
    }
    ui.input.value = ui.input.value.slice(0, i) + ch + ui.input.value.slice(j);
    showEmoji(false);
    ui.input.focus();
    ui.input.setSelectionRange(i + ch.length, i + ch.length);
    onInput();
  }

  /** Arrows move in the grid (one roving tab stop), Home and End jump, Escape closes and goes back to the input. */
  function emojiKey(e) {
    const items = [...ui.emojiGrid.children];
    const at = items.indexOf(root.activeElement);
    const move = {ArrowRight: 1, ArrowLeft: -1, ArrowDown: EMOJI_COLUMNS, ArrowUp: -EMOJI_COLUMNS}[e.key];
    let next = null;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      showEmoji(false);
      ui.input.focus();
      return;
    } else if (move !== undefined && at >= 0) {
      next = Math.min(items.length - 1, Math.max(0, at + move));
    } else if (e.key === 'Home') {
      next = 0;
    } else if (e.key === 'End') {
      next = items.length - 1;
    }
    if (next !== null) {
      e.preventDefault();
      for (const b of items) {
        b.tabIndex = -1;
      }
      items[next].tabIndex = 0;
      items[next].focus();
    }
  }

  // A press anywhere but the grid and its button closes it (events from inside the shadow root
  // reach the document retargeted to the host: their composed path says where they began).
  document.addEventListener('pointerdown', e => {
    if (ui.emojiGrid && !ui.emojiGrid.hidden) {
      const path = e.composedPath();
      if (!path.includes(ui.emojiGrid) && !path.includes(ui.emojiButton)) {
        showEmoji(false);
      }
    }
  }, true);

  // ------------------------------------------------------------------ attachments (C1)
  // Files picked or pasted are uploaded at once and wait in the tray until the message goes;
  // the files of messages are fetched with the visitor token (never put in a URL) and shown
  // from blob: URLs, revoked once their message is gone from the view.
  const tray = [];                 // [{key, name, size, type, view, localUrl}]
  let trayError = null;            // {key, vars}
  let trayKey = 0;
  const images = new Map();        // attachment id -> {promise, url, node}

  function isImage(type) {
    return IMAGE_TYPES.includes(type);
  }

  function sizeText(bytes) {
    const unit = (v, u) => new Intl.NumberFormat(cfg.lang, {style: 'unit', unit: u, unitDisplay: 'short',
      maximumFractionDigits: v < 10 ? 1 : 0}).format(v);
    return bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? unit(bytes / 1024, 'kilobyte') : unit(bytes / 1048576, 'megabyte');
  }

  function addFiles(files) {
    if (closed || !files.length) {
      return;
    }
    trayError = null;
    for (const file of files) {
      const name = file.name || 'image.png';
      if (tray.length >= MAX_FILES) {
        trayError = {key: 'attach.tooMany', vars: {n: MAX_FILES}};
        break;
      }
      if (file.size > maxFileSize) {
        // Refused here, before the bytes travel: the service would answer 413 all the same.
        trayError = {key: 'attach.tooLarge', vars: {name, max: sizeText(maxFileSize)}};
        continue;
      }
      uploadFile(file, name);
    }
    renderTray();
    ui.input.focus();
  }

  async function uploadFile(file, name) {
    const entry = {key: ++trayKey, name, size: file.size, type: file.type, view: null,
      localUrl: isImage(file.type) ? URL.createObjectURL(file) : null};
    tray.push(entry);
    let status = 0;
    try {
      const form = new FormData();
      form.append('file', file, name);
      const res = await authorized(`${BASE}/api/v1/widget/attachments`, {method: 'POST', body: form});
      status = res.status;
      if (res.ok) {
        entry.view = await res.json();
      }
    } catch (e) {
      status = 0;
    }
    if (!tray.includes(entry)) {
      return; // removed while it uploaded
    }
    if (entry.view) {
      if (entry.localUrl) {
        images.set(entry.view.id, {promise: Promise.resolve(entry.localUrl), url: entry.localUrl, node: null});
        entry.localUrl = null;
      }
    } else {
      removeEntry(entry);
      trayError = {key: {413: 'attach.tooLarge', 415: 'attach.type', 429: 'attach.rate'}[status] || 'attach.failed',
        vars: {name, max: sizeText(maxFileSize)}};
    }
    renderTray();
  }

  /** A request with the visitor token, fetched first when there is none yet; a refused token is renewed once. */
  async function authorized(url, init) {
    for (let attempt = 0; ; attempt++) {
      if (!token) {
        await fetchToken();
      }
      const res = await fetch(url, {...init, headers: {Authorization: `Bearer ${token}`}});
      if (res.status !== 401 || attempt) {
        return res;
      }
      token = null;
    }
  }

  function removeEntry(entry) {
    const i = tray.indexOf(entry);
    if (i >= 0) {
      tray.splice(i, 1);
    }
    if (entry.localUrl) {
      URL.revokeObjectURL(entry.localUrl);
      entry.localUrl = null;
    }
  }

  function uploading() {
    return tray.some(e => !e.view);
  }

  function renderTray() {
    ui.tray.textContent = '';
    ui.tray.hidden = !tray.length && !trayError;
    for (const entry of tray) {
      const name = entry.view ? entry.view.name : entry.name;
      const image = entry.view && images.get(entry.view.id);
      const thumb = entry.localUrl || (image && image.url);
      ui.tray.append(el('div', {class: `sb-chip${entry.view ? '' : ' sb-uploading'}`, 'data-state': entry.view ? 'ready' : 'uploading'},
          thumb ? el('img', {class: 'sb-chip-thumb', alt: '', src: thumb}) : el('span', {class: 'sb-badge-file', text: badge(entry.view ? entry.view.contentType : entry.type, name)}),
          el('span', {class: 'sb-chip-name', text: name, title: name}),
          el('span', {class: 'sb-chip-size', text: entry.view ? sizeText(entry.view.size) : t('attach.uploading')}),
          el('button', {type: 'button', class: 'sb-chip-remove', 'aria-label': t('attach.remove', {name}), text: '×',
            onclick: () => {
              removeEntry(entry);
              renderTray();
              ui.input.focus();
            }})));
    }
    if (trayError) {
      ui.tray.append(el('p', {class: 'sb-attach-error', role: 'alert', 'data-testid': 'sb-attach-error',
        text: t(trayError.key, trayError.vars)}));
    }
    ui.send.disabled = uploading();
  }

  function badge(type, name) {
    if (isImage(type)) {
      return 'IMG';
    }
    if (type === 'application/pdf') {
      return 'PDF';
    }
    const ext = /\.([a-z0-9]{1,4})$/i.exec(name || '');
    return ext ? ext[1].toUpperCase() : 'FILE';
  }

  /** One file of a message: an image's thumbnail (a click shows it whole), else a card that downloads it. */
  function fileElement(a) {
    if (isImage(a.contentType)) {
      const img = el('img', {class: 'sb-thumb', alt: a.name});
      const node = el('button', {
        type: 'button', class: 'sb-attachment sb-attachment-image sb-loading', 'data-testid': 'sb-attachment',
        'data-content-type': a.contentType, 'aria-label': t('attach.open', {name: a.name}), title: a.name,
        onclick: () => openFull(a),
      }, img);
      imageUrl(a, node).then(url => {
        img.src = url;
        node.classList.remove('sb-loading');
      }, () => {
        node.classList.remove('sb-loading');
        node.append(el('span', {class: 'sb-broken', text: t('attach.unavailable')}));
      });
      return node;
    }
    return el('button', {
      type: 'button', class: 'sb-attachment sb-attachment-file', 'data-testid': 'sb-attachment',
      'data-content-type': a.contentType, 'aria-label': t('attach.download', {name: a.name}), title: t('attach.download', {name: a.name}),
      onclick: e => saveFile(a, e.currentTarget),
    }, el('span', {class: 'sb-badge-file', 'aria-hidden': 'true', text: badge(a.contentType, a.name)}),
    el('span', {class: 'sb-file-text'},
        el('span', {class: 'sb-file-name', text: a.name}),
        el('span', {class: 'sb-file-size', text: sizeText(a.size)})));
  }

  async function fetchBlob(a) {
    const res = await authorized(`${BASE}/api/v1/attachments/${encodeURIComponent(a.id)}`, {});
    if (!res.ok) {
      throw new Error(`attachment: ${res.status}`);
    }
    return res.blob();
  }

  function imageUrl(a, node) {
    let image = images.get(a.id);
    if (!image) {
      image = {url: null, node};
      image.promise = fetchBlob(a).then(blob => {
        image.url = URL.createObjectURL(blob);
        return image.url;
      });
      image.promise.catch(() => images.delete(a.id));
      images.set(a.id, image);
    } else if (!image.node || !image.node.isConnected) {
      image.node = node;
    }
    return image.promise;
  }

  /** Frees the blob: URLs of pictures whose message left the view (a new conversation, another one adopted). */
  function sweepImages() {
    const inTray = new Set(tray.filter(e => e.view).map(e => e.view.id));
    for (const [id, image] of images) {
      if (!inTray.has(id) && !(image.node && image.node.isConnected)) {
        images.delete(id);
        image.promise.then(url => URL.revokeObjectURL(url), () => {});
      }
    }
  }

  let fullOpener = null;
  function openFull(a) {
    const image = images.get(a.id);
    if (!image || !image.url) {
      return;
    }
    fullOpener = root.activeElement;
    ui.fullImage.src = image.url;
    ui.fullImage.alt = a.name;
    ui.lightbox.hidden = false;
    ui.lightbox.querySelector('button').focus();
  }

  function closeFull() {
    ui.lightbox.hidden = true;
    ui.fullImage.removeAttribute('src');
    if (fullOpener) {
      fullOpener.focus();
      fullOpener = null;
    }
  }

  async function saveFile(a, button) {
    button.disabled = true;
    try {
      const url = URL.createObjectURL(await fetchBlob(a));
      const link = el('a', {href: url, download: a.name, hidden: true});
      root.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (e) {
      button.title = t('attach.unavailable');
    } finally {
      button.disabled = false;
    }
  }

  // ------------------------------------------------------------------ sending
  function renderPending(item) {
    const node = messageElement('visitor', item.text, item.at, {'data-state': 'sending'}, item.attachments);
    node.dataset.clientId = item.clientId;
    pending.set(item.clientId, node);
    ui.messages.append(node);
    scrollToEnd();
  }

  function submit() {
    const text = ui.input.value.trim();
    // Files still uploading hold the message back; a message may be files alone.
    const files = tray.filter(e => e.view).map(e => e.view);
    if ((!text && !files.length) || closed || uploading()) {
      return;
    }
    if (text.length > MAX_TEXT) {
      return;
    }
    ui.input.value = '';
    showEmoji(false);
    lastTypingSent = 0; // the next keystroke is a new burst of typing
    const item = {clientId: newClientId('w'), text, at: new Date().toISOString()};
    if (files.length) {
      item.attachments = files;
    }
    tray.length = 0;
    trayError = null;
    renderTray();
    outbox.add(item);
    renderPending(item);
    transmit(item);
  }

  function transmit(item) {
    if (!linkUp) {
      ui.offline.hidden = false;
      return;
    }
    // Until the visitor wrote into a new conversation, the conversation to write into is the
    // current one; the server starts a new one when it is closed or there is none.
    send(messageFrame(item, state.conversationId || undefined));
  }

  function send(frame) {
    return link.send(frame);
  }

  function onInput() {
    const now = Date.now();
    if (linkUp && ui.input.value && now - lastTypingSent > 2500) {
      lastTypingSent = now;
      send({type: 'typing', conversationId: state.conversationId || undefined});
    }
  }

  function sendRead() {
    if (state.open && !document.hidden && linkUp && state.conversationId && lastSeq > lastReadSent) {
      lastReadSent = lastSeq;
      send({type: 'read', conversationId: state.conversationId, seq: lastSeq});
    }
  }

  // ------------------------------------------------------------------ frames
  /** Makes a conversation the current one; a new id after a closed one starts a fresh view. */
  function adopt(conversationId) {
    if (!conversationId || conversationId === state.conversationId) {
      return;
    }
    if (state.conversationId) {
      dropOutOfHours();
      dropSurvey();
      for (const node of Array.from(ui.messages.children)) {
        if (node.dataset.seq) {
          node.remove();
        }
      }
      sweepImages();
      rendered.clear();
      lastSeq = 0;
      forgetGap();
      lastReadSent = 0;
      closed = false;
      ui.closedBox.hidden = true;
      ui.composer.hidden = false;
      ui.agentLine.hidden = true;
    }
    state.conversationId = conversationId;
    state.fresh = false;
    persist();
    ui.endButton.hidden = false;
  }

  function handle(f) {
    switch (f.type) {
      case 'ack': onAck(f); break;
      case 'message': onMessage(f); break;
      case 'queued':
        adoptedByBareResume = false;
        adopt(f.conversationId);
        if (f.conversationId === state.conversationId && !closed) {
          showQueue(f.position);
        }
        break;
      case 'assigned':
        adoptedByBareResume = false;
        adopt(f.conversationId);
        if (f.conversationId === state.conversationId) {
          showAgent(f.agent && f.agent.name);
        }
        break;
      case 'closed':
        if (f.conversationId === state.conversationId) {
          if (adoptedByBareResume) {
            // A returning visitor whose last conversation is over starts with a clean panel.
            newConversation();
          } else {
            showClosed();
          }
        }
        adoptedByBareResume = false;
        break;
      case 'typing':
        if (!closed) {
          ui.typing.hidden = false;
          clearTimeout(typingTimer);
          typingTimer = setTimeout(() => { ui.typing.hidden = true; }, 5000);
        }
        break;
      case 'read':
        if (f.conversationId === state.conversationId) {
          for (const node of ui.messages.querySelectorAll('.sb-from-visitor[data-seq]')) {
            if (Number(node.dataset.seq) <= f.seq && !node.classList.contains('sb-read')) {
              node.classList.add('sb-read');
              refreshMeta(node);
            }
          }
        }
        break;
      case 'survey':
        // Asked once per conversation: a survey already shown or answered is not drawn twice.
        if (f.conversationId && f.conversationId === state.conversationId
            && !(state.survey && state.survey.conversationId === f.conversationId)) {
          state.survey = {conversationId: f.conversationId, afterSeq: lastSeq, done: false};
          persist();
          showSurvey(state.survey);
          if (!state.open) {
            unseen++;
            updateBadge();
          }
        }
        break;
      case 'notice':
        if (f.code === 'resync') {
          resume();
        } else if (f.code === 'rating_saved') {
          surveyAnswered();
        } else if (f.code === 'out_of_hours') {
          // May overtake the ack of the message that started the conversation: it names the conversation.
          if (f.conversationId && (!state.conversationId || closed || f.conversationId === state.conversationId)) {
            adopt(f.conversationId);
          }
          if (!f.conversationId || f.conversationId === state.conversationId) {
            // It answers the conversation's first message, whatever arrived since.
            state.outOfHours = {conversationId: state.conversationId, text: f.text || '', afterSeq: 1};
            persist();
            showOutOfHours(state.outOfHours);
          }
        }
        break;
      case 'error': onError(f); break;
      default: break;
    }
  }

  function onAck(f) {
    adoptedByBareResume = false;
    outbox.take(f.clientId);
    adopt(f.conversationId);
    persist();
    noteSeq(f.seq);
    const key = `${f.conversationId}:${f.seq}`;
    const node = pending.get(f.clientId);
    pending.delete(f.clientId);
    if (rendered.has(key)) {
      // Already drawn from a resume (the first ack was lost with the link): keep one copy.
      if (node && node !== rendered.get(key)) {
        node.remove();
      }
    } else if (node) {
      node.dataset.state = 'sent';
      node.dataset.seq = String(f.seq);
      rendered.set(key, node);
      refreshMeta(node);
      node.remove();
      place(node);
    }
    if (!outbox.length) {
      ui.offline.hidden = true;
    }
  }

  function onMessage(f) {
    if (f.conversationId !== state.conversationId) {
      if (state.conversationId && !closed) {
        return; // a frame of an older conversation
      }
      adopt(f.conversationId);
    }
    const key = `${f.conversationId}:${f.seq}`;
    if (rendered.has(key)) {
      return;
    }
    noteSeq(f.seq);
    if (f.internal) {
      // Never sent to a visitor; if one ever arrived it is still not shown. Counted as seen so
      // its seq leaves no gap to resume.
      rendered.set(key, null);
      return;
    }
    const kind = f.sender && f.sender.kind === 'visitor' ? 'visitor'
        : f.sender && f.sender.kind === 'system' ? 'system' : 'agent';
    const extra = {'data-seq': String(f.seq)};
    if (kind === 'visitor') {
      extra['data-state'] = 'sent';
    }
    const node = messageElement(kind, f.text, f.sentAt, extra, f.attachments);
    if (kind === 'agent' && f.sender.name) {
      node.setAttribute('aria-label', f.sender.name);
    }
    rendered.set(key, node);
    place(node);
    if (kind !== 'visitor') {
      ui.typing.hidden = true;
      if (!state.open) {
        unseen++;
        updateBadge();
      }
    }
    sendRead();
  }

  function onError(f) {
    if (!f.ref) {
      if (f.code === 'conflict' && rateTimer) {
        // Rated already (from another tab): the answer is in, thank them all the same.
        surveyAnswered();
      }
      return;
    }
    outbox.refused(f, transmit, item => {
      const node = pending.get(item.clientId);
      if (node) {
        node.dataset.state = 'failed';
        refreshMeta(node);
        pending.delete(item.clientId);
      }
    });
  }

  // ------------------------------------------------------------------ link
  async function fetchToken() {
    const body = {};
    if (cfg.userId) {
      body.userId = cfg.userId;
      body.userHash = cfg.userHash;
    } else if (state.visitorId && state.visitorSecret) {
      body.visitorId = state.visitorId;
      body.visitorSecret = state.visitorSecret;
    }
    if (cfg.name) {
      body.name = cfg.name;
    }
    if (cfg.email) {
      body.email = cfg.email;
    }
    const res = await fetch(`${BASE}/api/v1/widget/${encodeURIComponent(cfg.channel)}/visitors`, {
      method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body),
    });
    if (res.status === 404 || res.status === 401 || res.status === 400) {
      throw new LinkRefused(`visitor refused: ${res.status}`);
    }
    if (!res.ok) {
      throw new Error(`visitor request failed: ${res.status}`);
    }
    const answer = await res.json();
    if (state.visitorId !== answer.visitorId) {
      // A different visitor than last time (first visit, or the old one is gone): nothing to resume.
      if (state.visitorId) {
        state.conversationId = null;
        state.fresh = true;
      } else if (!cfg.userId) {
        state.fresh = true;
      }
      state.visitorId = answer.visitorId;
      state.visitorSecret = answer.visitorSecret || null;
      persist();
    }
    token = answer.visitorToken;
    if (answer.attachmentMaxSize > 0) {
      maxFileSize = answer.attachmentMaxSize;
    }
  }

  // The visitor socket, with a visitor token fetched when there is none (first visit, or the
  // old one expired or was revoked: 4401); reopened with back-off while the page is open.
  const link = new Link({
    address: async () => {
      if (!token) {
        await fetchToken();
      }
      return `${BASE.replace(/^http/, 'ws')}/ws/visitor?token=${encodeURIComponent(token)}`;
    },
    onOpen: () => {
      link.settled();
      setLink(true);
      resume();
      for (const item of outbox) {
        transmit(item);
      }
      reportPage();
    },
    onFrame: handle,
    onDrop: code => {
      if (code === 4401) {
        token = null; // expired or revoked: ask for a new one
      }
    },
    onWait: () => setLink(false),
    onRefused: () => {
      ui.status.textContent = t('unavailable');
      ui.composer.hidden = true;
    },
  });

  /**
   * Moves lastSeq on. A frame more than one past it leaves a gap: an internal note the
   * visitor never sees, or a frame that is late or was lost (a publish that failed while the
   * link stayed up). If the gap is still open after a moment, the widget resumes from its
   * start; messages it already shows are skipped, so an internal note costs one quiet resume.
   */
  function noteSeq(seq) {
    if (seq > lastSeq + 1) {
      gap.open(lastSeq, from => {
        if (!linkUp || !state.conversationId) {
          return GapWatch.LATER;
        }
        // Up to lastSeq, not just the first jump: later holes seen while this one was open count too.
        for (let s = from + 1; s < lastSeq; s++) {
          if (!rendered.has(`${state.conversationId}:${s}`)) {
            return from;
          }
        }
        return null;
      });
    }
    lastSeq = Math.max(lastSeq, seq);
  }

  function forgetGap() {
    gap.cancel();
  }

  /** Asks for everything after what this page has drawn: all of it after a reload. */
  function resume() {
    if (state.conversationId) {
      // From before an open gap, so a frame missing when the link dropped is not skipped.
      const from = gap.resumeFrom(lastSeq);
      send({type: 'resume', conversationId: state.conversationId, lastSeq: from});
    } else if (!state.fresh) {
      // An identified customer on a new browser: their latest conversation, if any.
      adoptedByBareResume = true;
      send({type: 'resume'});
    }
  }

  // The pages the visitor opens (F4): the agent's customer panel lists them and reads where
  // the visitor came from out of the first one's referrer. Once per address: a reconnect on
  // the same page reports nothing new; a single-page site's route change (history or hash)
  // is a new address.
  let reportedPage = null;
  function reportPage() {
    const url = location.href;
    if (!linkUp || url === reportedPage || !/^https?:$/.test(location.protocol)) {
      return;
    }
    if (send({type: 'page', url, title: document.title || undefined, referrer: document.referrer || undefined})) {
      reportedPage = url;
    }
  }
  window.addEventListener('popstate', reportPage);
  window.addEventListener('hashchange', reportPage);

  window.addEventListener('online', () => {
    if (!linkUp) {
      link.now();
    }
  });
  document.addEventListener('visibilitychange', sendRead);

  async function init() {
    try {
      const res = await fetch(`${BASE}/i18n/${cfg.lang}.json`);
      dict = (await res.json()).widget || {};
    } catch (e) {
      dict = {};
    }
    build();
    (document.body || document.documentElement).append(host);
    setLink(false);
    for (const item of outbox) {
      renderPending(item);
    }
    if (state.outOfHours && state.outOfHours.conversationId === state.conversationId && state.conversationId) {
      showOutOfHours(state.outOfHours);
    } else if (state.outOfHours) {
      state.outOfHours = null;
      persist();
    }
    if (state.survey && state.survey.conversationId === state.conversationId && state.conversationId) {
      showSurvey(state.survey);
    } else if (state.survey) {
      state.survey = null;
      persist();
    }
    setOpen(state.open);
    link.start();
  }

  window.SwitchboardWidget = {
    open: () => setOpen(true),
    close: () => setOpen(false),
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}
