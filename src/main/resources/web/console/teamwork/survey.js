// Satisfaction (C8): the chat header's survey action asks the visitor to rate the
// conversation; their score and comment then show in the chat (chat-rating) and on the
// conversation's row in the list. A conversation is rated once: the service answers a
// second survey with 409, said in the notice line.
import {ctx, errorKey} from './context.js';
import {notify} from './notice.js';

// The rating reaches the console by the `rated` frame; one the console missed while its link
// was down comes with the lists it reloads after every reconnect. Nothing polls.
let badge = null;

export function mountSurvey(subLine) {
  badge = ctx.el('div', {class: 'rating', 'data-testid': 'chat-rating', hidden: true});
  subLine.after(badge);
}

export async function sendSurvey(c, button) {
  button.disabled = true;
  try {
    await ctx.api('POST', `/conversations/${c.id}/survey`);
    notify('team.survey.sent', {});
  } catch (err) {
    notify(errorKey(err, 'survey'), {}, 'error');
    if (err instanceof ctx.HttpError && err.status === 409) {
      ctx.fetchConversation(c.id);
    }
  } finally {
    button.disabled = false;
  }
}

/** A rating learnt from a frame: {conversationId, score, comment?}. */
export function rated(f) {
  const c = ctx.S.convs.get(f.conversationId);
  if (!c) {
    return;
  }
  const r = f.rating || f;
  if (typeof r.score === 'number') {
    c.rating = {score: r.score, comment: r.comment || null, at: r.at || new Date().toISOString()};
  }
  ctx.fetchConversation(c.id);
  ctx.render();
}

function stars(score) {
  return '★'.repeat(score) + '☆'.repeat(Math.max(0, 5 - score));
}

export function renderRating(c) {
  if (!badge) {
    return;
  }
  const {t} = ctx;
  const r = c && c.rating;
  badge.hidden = !r;
  badge.textContent = '';
  if (!r) {
    badge.removeAttribute('data-score');
    badge.removeAttribute('title');
    return;
  }
  badge.dataset.score = String(r.score);
  const label = t('team.rating', {score: r.score});
  badge.setAttribute('aria-label', r.comment ? `${label}: ${r.comment}` : label);
  badge.append(ctx.el('span', {class: 'stars', 'aria-hidden': 'true', text: stars(r.score)}),
      ctx.el('span', {class: 'rating-score', 'aria-hidden': 'true', text: `${r.score}/5`}));
  if (r.comment) {
    badge.append(ctx.el('q', {class: 'rating-comment', 'aria-hidden': 'true', text: r.comment}));
  }
}

/** The rating on a conversation's row in the list. */
export function ratingTag(c) {
  if (!c.rating) {
    return null;
  }
  return ctx.el('span', {
    class: 'tag tag-rating', 'data-testid': 'conv-rating', 'data-score': String(c.rating.score),
    'aria-label': ctx.t('team.rating', {score: c.rating.score}), text: `★ ${c.rating.score}`,
  });
}
