// The demo page embeds the widget on the demo channel, or on ?channel=KEY (tests use their
// own team's channel). The key is only ever set as an attribute value, never as markup.
(() => {
  const params = new URLSearchParams(location.search);
  const channel = params.get('channel') || 'demo-web';
  const tag = document.createElement('script');
  tag.src = '/widget.js';
  tag.async = true;
  tag.dataset.channel = channel;
  for (const name of ['lang', 'name', 'email', 'userId', 'userHash']) {
    const value = params.get(name);
    if (value) {
      tag.dataset[name] = value;
    }
  }
  document.head.append(tag);

  const show = () => {
    document.getElementById('channel-key').textContent = channel;
    document.getElementById('snippet').textContent =
        `<script src="${location.origin}/widget.js" data-channel="${channel}" async></script>`;
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', show);
  } else {
    show();
  }
})();
