// ShowDesk's drop-in chat widget. A site pastes
//   <script src="https://support.example.com/sdk/widget.js" data-organization="..." data-deployment="..." async></script>
// and gets the whole chat-and-video widget in an open shadow root (widget/app.js; options in widget/options.js).
// A classic script, so that it can read its own tag (document.currentScript is set for async scripts too);
// the widget's modules come from the same server as this file, which is also the chat's server.
(() => {
  const script = document.currentScript;
  if (!script || !script.src) return;
  import(new URL('widget/app.js', script.src).href)
    .then(({ mountWidget }) => mountWidget(script))
    .catch((error) => console.error('The ShowDesk chat widget could not load:', error));
})();
