// Switchboard agent console: the shell (sign-in, language, settings, status and capacity) that
// wires the feature modules together. Plain modules, no framework: REST for snapshots, the
// staff socket for everything live (docs/protocol.md). Messages are kept per conversation by
// sequence number, so a frame seen twice (resume after a reconnect, REST and socket
// overlapping) is drawn once; the agent's own messages wait in a persisted outbox until
// acknowledged and are re-sent with their original clientId. User text is only ever set
// with textContent.

import * as i18n from './i18n.js';
import {t} from './i18n.js';
import * as alerts from './alerts.js';
import * as attachments from './attachments.js';
import * as teamwork from './teamwork/index.js';
import {HttpError, api} from './api.js';
import {select} from './chat.js';
import {closeSelected, submitReply} from './composer.js';
import * as quickReplies from './quickreplies.js';
import * as myReplies from './myreplies.js';
import * as kb from './kb.js';
import * as recent from './recent.js';
import * as search from './search.js';
import * as starred from './starred.js';
import {conv, fetchConversation, loadOlder, markRead, refreshLists} from './conversations.js';
import {$, el} from './dom.js';
import {applyStatus, refreshFigures, refreshSoon} from './figures.js';
import {renderList} from './list.js';
import {queueRows, refreshChannels, refreshQueue, renderQueueError, renderQueueFilters, tickQueue} from './queue.js';
import {connect, disconnect, loadOutbox, send} from './session.js';
import {S} from './state.js';
import {render} from './view.js';

const SESSION = 'switchboard.console.session';

function placeLanguageSwitch(container) {
  $(container).append($('lang-switch'));
}

async function setLanguage(lang) {
  await i18n.load(lang);
  $('lang-switch').value = lang;
  $('lang-switch').setAttribute('aria-label', t('language'));
  i18n.applyStatic();
  alerts.setBaseTitle(S.me ? `${t('appName')} · ${S.me.name}` : t('appName'));
  renderAlertSettings();
  renderCapacityNote();
  renderQueueFilters();
  teamwork.relabel();
  recent.relabel();
  search.relabel();
  kb.relabel();
  myReplies.redraw();
  if (S.me) {
    $('user-name').textContent = S.me.name;
    render();
  }
}

function showLogin() {
  $('boot').hidden = true;
  $('shell').hidden = true;
  $('login').hidden = false;
  placeLanguageSwitch('login-lang');
  $('login-email').focus();
}

export function signOut() {
  try {
    localStorage.removeItem(SESSION);
  } catch (e) {
    // nothing kept
  }
  S.session = null;
  S.me = null;
  disconnect();
  S.convs.clear();
  S.selected = null;
  S.queue = [];
  S.queueAt = 0;
  S.queueError = null;
  S.offline.clear();
  S.routingChecked.clear();
  queueRows.clear();
  // Nothing the last user found stays on the page for the next.
  search.reset();
  recent.reset();
  kb.reset();
  $('link-banner').hidden = true;
  showLogin();
}

async function startShell() {
  S.me = await api('GET', '/me');
  S.isAgent = (S.me.roles || []).includes('agent');
  S.seesTenant = (S.me.roles || []).some(r => r === 'admin' || r === 'supervisor');
  loadOutbox();
  document.body.classList.toggle('not-agent', !S.isAgent);
  if (S.isAgent) {
    applyStatus(S.me.status, S.me.load, S.me.maxConcurrent);
  }
  $('user-name').textContent = S.me.name;
  alerts.setBaseTitle(`${t('appName')} · ${S.me.name}`);
  $('boot').hidden = true;
  $('login').hidden = true;
  $('shell').hidden = false;
  placeLanguageSwitch('shell-lang');
  try {
    await refreshLists();
  } catch (e) {
    // the socket's sync tries again
  }
  render();
  refreshFigures();
  refreshChannels();
  refreshQueue();
  connect();
}

async function onLogin(e) {
  e.preventDefault();
  const error = $('login-error');
  error.hidden = true;
  $('login-submit').disabled = true;
  try {
    const answer = await api('POST', '/auth/login', {
      email: $('login-email').value.trim(), password: $('login-password').value,
    });
    S.session = {token: answer.token, expiresAt: answer.expiresAt, user: answer.user};
    try {
      localStorage.setItem(SESSION, JSON.stringify(S.session));
    } catch (err) {
      // signed in for this page only
    }
    $('login-password').value = '';
    await startShell();
  } catch (err) {
    error.textContent = err instanceof HttpError && (err.status === 401 || err.status === 400)
        ? t('login.wrong') : t('login.failed');
    error.hidden = false;
  } finally {
    $('login-submit').disabled = false;
  }
}

function renderAlertSettings() {
  $('alert-sound').checked = alerts.get('sound');
  $('alert-desktop').checked = alerts.get('desktop');
  $('alert-title').checked = alerts.get('title');
  const p = alerts.permission();
  $('alert-allow').hidden = !alerts.notificationsSupported() || p !== 'default';
  $('alert-denied').hidden = p !== 'denied' || !alerts.get('desktop');
}

let capacityNote = null;

function renderCapacityNote() {
  const note = $('capacity-note');
  note.hidden = !capacityNote;
  note.textContent = capacityNote ? t(capacityNote) : '';
  note.classList.toggle('warning', capacityNote === 'capacity.low' || capacityNote === 'capacity.belowLoad'
      || capacityNote === 'capacity.range');
}

async function saveCapacity(e) {
  e.preventDefault();
  const value = Number($('capacity-input').value);
  if (!Number.isInteger(value) || value < 1 || value > 200) {
    capacityNote = 'capacity.range';
    renderCapacityNote();
    return;
  }
  try {
    const s = await api('PUT', '/agents/me/capacity', {maxConcurrent: value});
    applyStatus(s.status, s.load, s.maxConcurrent);
    capacityNote = s.load > s.maxConcurrent ? 'capacity.belowLoad' : s.maxConcurrent < 5 ? 'capacity.low' : 'capacity.saved';
  } catch (err) {
    capacityNote = 'capacity.range';
  }
  renderCapacityNote();
}

function wire() {
  $('login-form').addEventListener('submit', onLogin);
  $('logout').addEventListener('click', signOut);
  $('lang-switch').addEventListener('change', e => setLanguage(e.target.value));
  $('status-switch').addEventListener('change', async e => {
    const wanted = e.target.value;
    try {
      const s = await api('PUT', '/agents/me/status', {status: wanted});
      applyStatus(s.status, s.load, s.maxConcurrent);
    } catch (err) {
      e.target.value = S.status;
    }
  });
  $('capacity-form').addEventListener('submit', saveCapacity);
  $('capacity-input').addEventListener('input', () => {
    const v = Number($('capacity-input').value);
    capacityNote = Number.isInteger(v) && v >= 1 && v < 5 ? 'capacity.low' : null;
    renderCapacityNote();
  });
  for (const name of ['sound', 'desktop', 'title']) {
    $(`alert-${name}`).addEventListener('change', e => {
      alerts.set(name, e.target.checked);
      renderAlertSettings();
    });
  }
  $('alert-allow').addEventListener('click', async () => {
    await alerts.askPermission();
    renderAlertSettings();
  });
  for (const b of document.querySelectorAll('.tabs [role=tab]')) {
    b.addEventListener('click', () => {
      S.tab = b.dataset.tab;
      if (S.tab === 'queue') {
        refreshSoon();
      } else if (S.tab === 'starred') {
        starred.refreshStarred();
      } else if (S.tab === 'recent') {
        recent.refreshRecent();
      }
      render();
    });
  }
  $('queue-filter-channel').addEventListener('change', e => {
    S.queueFilter.channelId = e.target.value;
    refreshQueue();
  });
  $('queue-filter-wait').addEventListener('change', e => {
    S.queueFilter.minWait = Number(e.target.value) || 0;
    refreshQueue();
  });
  $('queue-error-dismiss').addEventListener('click', () => {
    S.queueError = null;
    renderQueueError();
  });
  $('conv-sort').addEventListener('change', e => {
    S.sort = e.target.value;
    render();
  });
  $('conv-filter').addEventListener('change', e => {
    S.filter = e.target.value;
    render();
  });
  $('composer').addEventListener('submit', e => {
    e.preventDefault();
    submitReply();
  });
  quickReplies.attach();
  myReplies.mount();
  $('chat-input').addEventListener('keydown', e => {
    if (quickReplies.handleKey(e)) {
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submitReply();
    }
  });
  $('chat-input').addEventListener('input', () => {
    const now = Date.now();
    // An internal note is no business of the visitor's, not even that someone is typing it.
    if (S.selected && now - S.lastTypingSent > 2500 && $('chat-input').value && !teamwork.noteMode(S.selected)) {
      S.lastTypingSent = now;
      send({type: 'typing', conversationId: S.selected});
    }
  });
  $('chat-close').addEventListener('click', closeSelected);
  // Older pages load when the agent scrolls up to the top: only after their own wheel, touch,
  // key or scrollbar drag, never because a redraw moved the view.
  let userScrollAt = 0;
  for (const type of ['wheel', 'touchmove', 'keydown', 'pointerdown']) {
    $('chat-log').addEventListener(type, () => {
      userScrollAt = Date.now();
    }, {passive: true});
  }
  $('chat-log').addEventListener('scroll', () => {
    const c = S.convs.get(S.selected);
    if (c && $('chat-log').scrollTop < 60 && Date.now() - userScrollAt < 1500) {
      loadOlder(c).catch(() => {});
    }
  });
  document.addEventListener('visibilitychange', () => {
    const c = S.convs.get(S.selected);
    if (!document.hidden && c && c.state === 'open' && !c.peek && c.unread) {
      markRead(c);
      render();
    }
  });
  // Waiting times move on; figures change with other agents' work too.
  setInterval(() => {
    if (S.me) {
      renderList();
    }
  }, 30000);
  setInterval(() => {
    if (S.me && S.linkUp) {
      refreshSoon();
    }
  }, 15000);
  // The queue view stays fresh while shown: other agents take conversations without telling us.
  setInterval(() => {
    if (S.me && S.tab === 'queue' && !document.hidden) {
      refreshQueue();
    }
  }, 5000);
  setInterval(() => {
    if (S.me && S.tab === 'queue') {
      tickQueue();
    }
    if (S.queueError && Date.now() - S.queueError.at > 15000) {
      S.queueError = null;
      renderQueueError();
    }
  }, 1000);
}

async function boot() {
  teamwork.mount({
    S, api, HttpError, el, t, i18n, conv, fetchConversation, render, select, refreshSoon, alert: alerts.alert,
  });
  attachments.mount();
  starred.mount();
  recent.mount();
  search.mount();
  kb.mount();
  wire();
  await setLanguage(i18n.initialLanguage());
  try {
    S.session = JSON.parse(localStorage.getItem(SESSION));
  } catch (e) {
    S.session = null;
  }
  if (!S.session || Date.parse(S.session.expiresAt) <= Date.now() + 60000) {
    S.session = null;
    showLogin();
    return;
  }
  try {
    await startShell();
  } catch (e) {
    if (S.session) {
      signOut();
    }
  }
}

boot();
