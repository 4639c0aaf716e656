// Console texts: one message file per language under /i18n, chosen from the browser's
// language unless the agent picked one with the switch.

export const LANGUAGES = ['en', 'zh-CN'];
const STORAGE = 'switchboard.console.lang';

let dict = {};
let current = 'en';

export function initialLanguage() {
  let saved = null;
  try {
    saved = localStorage.getItem(STORAGE);
  } catch (e) {
    // no storage: follow the browser
  }
  if (LANGUAGES.includes(saved)) {
    return saved;
  }
  const browser = navigator.languages && navigator.languages.length ? navigator.languages[0] : navigator.language;
  return /^zh\b/i.test(browser || '') ? 'zh-CN' : 'en';
}

export async function load(lang) {
  const res = await fetch(`/i18n/${lang}.json`);
  if (!res.ok) {
    throw new Error(`messages for ${lang}: ${res.status}`);
  }
  dict = (await res.json()).console || {};
  current = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE, lang);
  } catch (e) {
    // not remembered, still switched
  }
}

export function lang() {
  return current;
}

/** The text for a key, with {name} placeholders filled in. */
export function t(key, vars) {
  let s = dict[key] ?? key;
  for (const [k, v] of Object.entries(vars || {})) {
    s = s.split(`{${k}}`).join(String(v));
  }
  return s;
}

/** Fills every element marked with data-i18n (text) in the page. */
export function applyStatic(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) {
    node.textContent = t(node.dataset.i18n);
  }
}

export function time(iso) {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
      ? d.toLocaleTimeString(current, {hour: '2-digit', minute: '2-digit'})
      : d.toLocaleString(current, {month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit'});
}

/** A short waiting time: "45 s", "3 min", "2 h 5 min" (units from Intl in the current language). */
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const unit = (value, u) => new Intl.NumberFormat(current, {style: 'unit', unit: u, unitDisplay: 'short'}).format(value);
  if (s < 60) {
    return unit(s, 'second');
  }
  const m = Math.floor(s / 60);
  if (m < 60) {
    return unit(m, 'minute');
  }
  return `${unit(Math.floor(m / 60), 'hour')} ${unit(m % 60, 'minute')}`;
}
