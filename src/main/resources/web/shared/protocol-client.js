// The client side of the socket protocol (docs/protocol.md), one copy for the console and the
// widget: client ids, the outbox of messages not yet acknowledged, the watch for holes in a
// conversation's sequence numbers, and a link that reconnects with back-off. Each side keeps
// its own view and storage; what is here decides how the protocol is spoken.

/** How long a hole in sequence numbers may stay open before it is asked for again: longer than
 * frames of one conversation take to overtake each other between replicas. */
export const GAP_WAIT_MS = 1500;
/** After an error that stored nothing, the same frame (same clientId) goes again after this. */
export const RETRY_MS = 3000;
/** Error codes after which nothing was stored, so sending the frame again is safe and useful. */
const RETRYABLE = new Set(['unavailable', 'rate_limited', 'internal']);

/** A fresh clientId: the server's dedupe key, kept with the message until its ack. */
export function newClientId(prefix) {
  if (globalThis.crypto && crypto.randomUUID) {
    return `${prefix}-${crypto.randomUUID()}`;
  }
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** The wait before reconnect attempt `attempt` (0-based): doubling from 0.5 s to 10 s, ±20 % so clients spread out. */
export function backoffDelay(attempt) {
  return Math.min(10000, 500 * 2 ** Math.min(attempt, 5)) * (0.8 + Math.random() * 0.4);
}

/** Whether an error frame says nothing was stored, so the same frame may be sent again. */
export function retryable(code) {
  return RETRYABLE.has(code);
}

/**
 * The `message` frame of an outbox item: its text and the ids of the files it carries (C1).
 * Items keep their `attachments` as the upload answers ({id, name, size, contentType, url}),
 * which the page draws while the message waits; the frame names their ids. So a message
 * written while the link was down goes out on reconnect with its files, under the same
 * clientId. `conversationId` may be undefined (a visitor's first message).
 */
export function messageFrame(item, conversationId) {
  const frame = {type: 'message', conversationId, clientId: item.clientId, text: item.text || ''};
  const ids = (item.attachments || []).map(a => (typeof a === 'string' ? a : a.id)).filter(Boolean);
  if (ids.length) {
    frame.attachments = ids;
  }
  if (item.internal) {
    frame.internal = true;
  }
  return frame;
}

/**
 * Messages sent but not acknowledged, in the order written. Items are plain objects with at
 * least a clientId; `save` persists the list after every change, so a reload, a dropped link
 * or a server restart loses nothing and the server's clientId dedupe doubles nothing.
 */
export class Outbox {
  constructor(items, save) {
    this.items = Array.isArray(items) ? items : [];
    this.save = save || (() => {});
  }

  get length() {
    return this.items.length;
  }

  [Symbol.iterator]() {
    return this.items[Symbol.iterator]();
  }

  find(clientId) {
    return this.items.find(i => i.clientId === clientId) || null;
  }

  add(item) {
    this.items.push(item);
    this.save();
    return item;
  }

  /** Takes out the acknowledged item; null when it is not this page's (another tab's, or acked twice). */
  take(clientId) {
    const i = this.items.findIndex(item => item.clientId === clientId);
    if (i < 0) {
      return null;
    }
    const [item] = this.items.splice(i, 1);
    this.save();
    return item;
  }

  /**
   * An error frame about one of ours (its ref is the clientId): when nothing was stored the
   * same item goes again after RETRY_MS, else it leaves the outbox and `failed` is told.
   * Returns false when the frame is not about an item here.
   */
  refused(frame, resend, failed) {
    const item = frame.ref ? this.find(frame.ref) : null;
    if (!item) {
      return false;
    }
    if (retryable(frame.code)) {
      setTimeout(() => resend(item), RETRY_MS);
      return true;
    }
    this.take(item.clientId);
    failed(item);
    return true;
  }
}

/**
 * A hole in one conversation's sequence numbers: a frame that is late, or lost (a publish that
 * failed while the link stayed up). `open(from, check)` starts the wait for the earliest hole
 * (everything after `from` may be incomplete); when the wait ends, `check(from)` answers where
 * to resume from (a seq), null when the hole filled meanwhile, or GapWatch.LATER when nothing
 * can be asked now (link down): the hole is kept, so the reconnect's resume starts from
 * `resumeFrom()`, before it. A seq goes to `ask(seq)`.
 */
export class GapWatch {
  static LATER = 'later';

  constructor(ask, wait = GAP_WAIT_MS) {
    this.ask = ask;
    this.wait = wait;
    this.from = null;
    this.timer = null;
  }

  get isOpen() {
    return this.from !== null;
  }

  open(from, check) {
    if (this.from !== null) {
      return; // the earliest hole counts: a resume from it covers the later ones
    }
    this.from = from;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.from === null) {
        return;
      }
      const answer = check(this.from);
      if (answer === GapWatch.LATER) {
        return;
      }
      this.from = null;
      if (typeof answer === 'number') {
        this.ask(answer);
      }
    }, this.wait);
  }

  /** Where a resume starts: before the open hole, else `fallback`; the hole is forgotten. */
  resumeFrom(fallback) {
    const from = this.from === null ? fallback : this.from;
    this.cancel();
    return from;
  }

  cancel() {
    clearTimeout(this.timer);
    this.timer = null;
    this.from = null;
  }
}

/** Thrown by a link's `address()` when trying again is pointless (unknown channel, signed out). */
export class LinkRefused extends Error {}

/**
 * One socket kept open until stop(): each attempt asks `address()` for the URL (a fresh token
 * or one-time ticket), and a dropped socket is reopened after backoffDelay. Hooks:
 * `address()` (async, the ws: URL; throws LinkRefused to give up), `onOpen()`, `onFrame(frame)`,
 * `onDrop(closeCode)` (return false to stay down), `onWait(delayMs)` (a retry is scheduled),
 * `onRefused(error)`. Frames of a socket that was replaced are ignored.
 */
export class Link {
  constructor(hooks) {
    this.hooks = hooks;
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.pending = null;
    this.running = false;
  }

  get isOpen() {
    return !!this.socket && this.socket.readyState === WebSocket.OPEN;
  }

  /** Opens the socket unless it is open or on its way. */
  start() {
    this.running = true;
    clearTimeout(this.timer);
    if (this.pending || (this.socket && this.socket.readyState <= WebSocket.OPEN)) {
      return;
    }
    const mine = {};
    this.pending = mine;
    Promise.resolve().then(() => this.hooks.address()).then(url => {
      if (this.pending === mine) {
        this.pending = null;
        this.open(url);
      }
    }, e => {
      if (this.pending !== mine) {
        return;
      }
      this.pending = null;
      if (e instanceof LinkRefused) {
        this.running = false;
        if (this.hooks.onRefused) {
          this.hooks.onRefused(e);
        }
        return;
      }
      this.retry();
    });
  }

  /** Tries again after the back-off of the attempts so far. */
  retry() {
    if (!this.running) {
      return;
    }
    clearTimeout(this.timer);
    const delay = backoffDelay(this.attempt);
    this.attempt++;
    if (this.hooks.onWait) {
      this.hooks.onWait(delay);
    }
    this.timer = setTimeout(() => this.start(), delay);
  }

  /** The link works again (open, or synced): the next drop starts the back-off afresh. */
  settled() {
    this.attempt = 0;
  }

  /** Reconnects at once when down (the browser says it is online again). */
  now() {
    if (!this.isOpen) {
      this.attempt = 0;
      this.start();
    }
  }

  send(frame) {
    if (this.isOpen) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  /** Closes the socket for good (signed out): no retry, late answers ignored. */
  stop() {
    this.running = false;
    this.pending = null;
    clearTimeout(this.timer);
    const ws = this.socket;
    this.socket = null;
    if (ws) {
      ws.close();
    }
  }

  open(url) {
    const ws = new WebSocket(url);
    this.socket = ws;
    ws.addEventListener('open', () => {
      if (ws === this.socket) {
        this.hooks.onOpen();
      }
    });
    ws.addEventListener('message', e => {
      if (ws !== this.socket) {
        return;
      }
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      this.hooks.onFrame(frame);
    });
    ws.addEventListener('close', e => {
      if (ws !== this.socket) {
        return;
      }
      this.socket = null;
      if (this.hooks.onDrop(e.code) !== false) {
        this.retry();
      }
    });
  }
}
