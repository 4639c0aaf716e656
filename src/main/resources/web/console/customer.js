// The customer panel beside the chat (C10, A8, F4): the conversation's card, then what
// GET /conversations/{id}/customer tells: the CRM's customer (tier, owner, account), what the
// page claimed, past conversations (a click opens one, read-only when it is over), the pages the
// visitor opened and where they came from. The tenant chooses the fields; the server leaves the
// others out. Everything the visitor's browser said is shown as text; a page is a link only
// when it is a web address.

import * as i18n from './i18n.js';
import {t} from './i18n.js';
import {api} from './api.js';
import {filesLabel} from './attachments.js';
import {select} from './chat.js';
import {mergeView} from './conversations.js';
import {$, el} from './dom.js';
import {S} from './state.js';

/** Panels by conversation id, read again when the conversation is selected anew or after a minute. */
const panels = new Map();
const FRESH_MS = 60_000;
let shownFor = null;

export function renderCustomer() {
  const c = S.convs.get(S.selected);
  const dl = $('customer');
  const extra = $('customer-more');
  dl.textContent = '';
  extra.textContent = '';
  if (!c) {
    shownFor = null;
    return;
  }
  const panel = panels.get(c.id);
  if (shownFor !== c.id || !panel || Date.now() - panel.at > FRESH_MS) {
    shownFor = c.id;
    load(c.id);
  }
  const p = panel ? panel.data : null;
  const customer = p && p.customer;
  field(dl, 'name', t('customer.name'), (customer && customer.name) || (p && p.visitor && p.visitor.name)
      || c.visitor.name || t('conv.visitor'));
  field(dl, 'email', t('customer.email'), (customer && customer.email) || (p && p.visitor && p.visitor.email));
  field(dl, 'state', t('customer.state'), t('state.' + c.state));
  field(dl, 'since', t('customer.since'), i18n.time(c.createdAt));
  field(dl, 'assigned', t('customer.assigned'), i18n.time(c.assignedAt));
  if (!p) {
    return;
  }
  if (customer) {
    field(dl, 'externalId', t('customer.externalId'), customer.externalId);
    field(dl, 'tier', t('customer.tier'), customer.tier);
    field(dl, 'owner', t('customer.owner'), customer.owner && (customer.owner.name || customer.owner.id));
    field(dl, 'account', t('customer.account'), customer.account && (customer.account.name || customer.account.externalId));
  }
  const claims = p.visitor && p.visitor.attributes;
  if (claims && Object.keys(claims).length) {
    section(extra, t('customer.claims'));
    const list = el('dl', {'class': 'customer'});
    for (const [k, v] of Object.entries(claims).slice(0, 30)) {
      field(list, 'attribute', k, typeof v === 'string' ? v : JSON.stringify(v));
    }
    extra.append(list);
  }
  if (p.source && (p.source.referrer || p.source.landingPage)) {
    section(extra, t('customer.source'));
    const list = el('dl', {'class': 'customer'});
    if (p.source.searchEngine) {
      field(list, 'searchEngine', t('customer.searchEngine'), engineName(p.source.searchEngine));
      field(list, 'searchKeyword', t('customer.searchKeyword'), p.source.searchKeyword || t('customer.keywordHidden'));
    } else {
      field(list, 'referrer', t('customer.referrer'), p.source.referrer && hostOf(p.source.referrer));
    }
    field(list, 'landingPage', t('customer.landingPage'), p.source.landingPage && pathOf(p.source.landingPage));
    extra.append(list);
  }
  if (p.pages && p.pages.length) {
    section(extra, t('customer.pages'));
    extra.append(el('ul', {'class': 'customer-list'}, ...p.pages.slice(0, 10).map(page => el('li',
        {'data-testid': 'customer-page'}, link(page.url, page.title || pathOf(page.url)),
        el('span', {'class': 'muted', text: i18n.time(page.at)})))));
  }
  if (p.pastConversations) {
    section(extra, t('customer.past'));
    if (!p.pastConversations.length) {
      extra.append(el('p', {'class': 'muted', text: t('customer.noPast')}));
    } else {
      extra.append(el('ul', {'class': 'customer-list'}, ...p.pastConversations.map(past => el('li', {
        'data-testid': 'customer-past', 'data-conversation-id': past.id, 'class': 'customer-past',
        tabindex: '0', role: 'button', onclick: () => open(past.id),
        onkeydown: e => {
          if (e.key === 'Enter') {
            open(past.id);
          }
        },
      }, el('span', {text: past.preview || filesLabel(past.previewAttachments) || t('conv.noMessages')}),
      el('span', {'class': 'muted', text: `${i18n.time(past.createdAt)} · ${t('state.' + past.state)}`
          + (past.assigneeName ? ` · ${past.assigneeName}` : '')})))));
    }
  }
}

function field(dl, name, label, value) {
  if (value === null || value === undefined || value === '') {
    return;
  }
  dl.append(el('dt', {text: label}), el('dd', {'data-testid': 'customer-field', 'data-field': name, text: String(value)}));
}

function section(box, title) {
  box.append(el('h3', {text: title}));
}

/** A page the visitor opened: a link only for a web address, opened apart from the console. */
function link(url, text) {
  if (/^https?:\/\//i.test(url)) {
    return el('a', {href: url, target: '_blank', rel: 'noopener noreferrer nofollow', text, title: url});
  }
  return el('span', {text});
}

/** An engine's name as the agent knows it (百度 for baidu in Chinese); the server's name when there is no translation. */
function engineName(engine) {
  const key = `engine.${engine}`;
  const name = t(key);
  return name === key ? engine : name;
}

function hostOf(url) {
  try {
    return new URL(url).host;
  } catch (e) {
    return url;
  }
}

function pathOf(url) {
  try {
    const u = new URL(url);
    return u.host + u.pathname;
  } catch (e) {
    return url;
  }
}

async function load(id) {
  try {
    const data = await api('GET', `/conversations/${id}/customer`);
    panels.set(id, {data, at: Date.now()});
    if (S.selected === id) {
      renderCustomer();
    }
  } catch (e) {
    // Not visible any more, or the link dropped: the card shows what the list knows.
  }
}

async function open(id) {
  try {
    mergeView(await api('GET', `/conversations/${id}`));
  } catch (e) {
    return;
  }
  select(id);
}
