// What the teamwork parts of the console borrow from app.js, handed over once by mount():
// these modules never import app.js, which is the entry point and starts the console on import.
export const ctx = {
  S: null,                 // the console's state (S in app.js)
  api: null,               // (method, path, body) => Promise of the JSON answer; rejects with HttpError
  HttpError: null,
  el: null,                // el(tag, attrs, ...children): text only ever through textContent
  t: null,                 // i18n lookup
  i18n: null,
  conv: null,              // conv(id): the local record, created on first sight
  fetchConversation: null, // (id) => refetches the view and redraws
  render: null,
  select: null,
  refreshSoon: null,
  alert: null,             // the new-message alert (sound, desktop pop-up, title)
};

/** The message key for why a teamwork request was refused, in the user's language. */
export function errorKey(err, what) {
  if (err instanceof ctx.HttpError) {
    if (err.status === 409) {
      return `team.error.conflict.${what}`;
    }
    if (err.status === 404) {
      return 'team.error.gone';
    }
    if (err.status === 403) {
      return 'team.error.forbidden';
    }
    if (err.status === 400 || err.status === 422) {
      return 'team.error.invalid';
    }
  }
  return 'team.error.failed';
}

/** The signed-in user's id. */
export function me() {
  return ctx.S.me ? ctx.S.me.id : null;
}

export function visitorName(c) {
  return c && c.visitor && c.visitor.name ? c.visitor.name : ctx.t('conv.visitor');
}
