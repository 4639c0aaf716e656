// Web addresses in a message's text, shown as links by the console and the widget alike (an
// agent sends a help-centre article's address from the knowledge-base tab; visitors paste
// order pages). Only http and https addresses are links, so a "javascript:" text stays text.
// An address ends at a space, quote or angle bracket, at Chinese text or full-width punctuation
// (Chinese writers put none between an address and the next sentence), and without the
// sentence's closing punctuation (a trailing full stop, comma or unmatched bracket).

const ADDRESS = /https?:\/\/[^\s<>"'`\p{Script=Han}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+/giu;
const CLOSING = {')': '(', ']': '[', '}': '{'};

function trimmed(url) {
  let end = url.length;
  for (;;) {
    const last = url[end - 1];
    if ('.,;:!?*'.includes(last)) {
      end--;
    } else if (CLOSING[last]) {
      const body = url.slice(0, end);
      const opened = body.split(CLOSING[last]).length - 1;
      const closed = body.split(last).length - 1;
      if (closed <= opened) {
        break;
      }
      end--;
    } else {
      break;
    }
  }
  return url.slice(0, end);
}

/** The text in pieces: {text} for plain runs, {url} for each address, in order. */
export function linkParts(text) {
  const parts = [];
  let from = 0;
  for (const match of (text || '').matchAll(ADDRESS)) {
    const url = trimmed(match[0]);
    if (url.length <= 'https://'.length) {
      continue;
    }
    if (match.index > from) {
      parts.push({text: text.slice(from, match.index)});
    }
    parts.push({url});
    from = match.index + url.length;
  }
  if (from < (text || '').length) {
    parts.push({text: text.slice(from)});
  }
  return parts;
}

/**
 * The text as nodes for a message bubble: text nodes, and for each address a link that opens
 * in a new tab without giving the page a handle on this one (noopener) or the address of this
 * one (noreferrer). Built with textContent and setAttribute only, never as markup.
 */
export function linkedNodes(text) {
  return linkParts(text).map(part => {
    if (part.text !== undefined) {
      return document.createTextNode(part.text);
    }
    const a = document.createElement('a');
    a.href = part.url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
    a.textContent = part.url;
    return a;
  });
}
