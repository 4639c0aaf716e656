/*
 * Switchboard chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" data-channel="KEY" async></script>
 * Optional: data-user-id + data-user-hash (identified customer), data-name, data-email,
 * data-lang (en | zh-CN), data-title, data-color, data-position (right | left).
 *
 * This file is what customers' pages name, so it never changes: it reads its own tag and
 * imports the current build of the widget, /static/bundle/widget.js, which the service
 * redirects to the build's content-hashed file (cached for good). The widget is an ES
 * module, so nothing of it lands in the page's global scope but window.SwitchboardWidget.
 */
(() => {
  'use strict';

  const script = document.currentScript
      || Array.from(document.querySelectorAll('script[src*="widget.js"][data-channel]')).pop();
  if (!script || window.SwitchboardWidget) {
    return;
  }
  import(new URL('/static/bundle/widget.js', script.src).href)
      .then(widget => widget.start(script))
      .catch(e => console.warn('Switchboard widget could not load:', e));
})();
