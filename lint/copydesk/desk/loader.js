/* copydesk's embed for a CMS, served at /v1/desk.js (docs/desk.md):

     <script src="https://copydesk.example.org/v1/desk.js" data-copydesk-target="#body"
             data-copydesk-token="..." data-copydesk-format="md"></script>

   A classic script, so it can read its own attributes; it loads the desk's modules from the same server, which
   answers only pages whose origin is on its allow-list. Nothing here changes the field. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var base = script.src.replace(/\/v1\/desk\.js(?:[?#].*)?$/, '');
  var data = script.dataset;
  var options = {
    base: base,
    target: data.copydeskTarget || 'textarea, [contenteditable="true"]',
    token: data.copydeskToken || null,
    profile: data.copydeskProfile || 'default',
    format: data.copydeskFormat || null,
    path: data.copydeskPath || null,
    debounceMs: data.copydeskDebounce ? Number(data.copydeskDebounce) : 40
  };

  function refused(err) {
    var note = document.createElement('p');
    note.className = 'copydesk-refused';
    note.setAttribute('role', 'status');
    note.textContent = 'copydesk is not available here: the server at ' + base + ' did not let this page (' +
      location.origin + ') load the desk. Its origin must be on the server\'s allow-list.';
    var target = document.querySelector(options.target);
    if (target && target.parentNode) target.parentNode.insertBefore(note, target.nextSibling);
    else document.body.appendChild(note);
    if (window.console) console.error('copydesk: ' + note.textContent, err);
  }

  function start() {
    import(base + '/desk/assets/embed.js').then(function (module) {
      window.copydesk = module.attach(options);
    }, refused);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
