// Permalinks and printing of the checks and their evidence. A link or an
// address ending in #check-ID (or any id inside a closed details) opens the
// details it points into; printing opens every details, so the evidence is
// on paper, and closes them again afterwards. The print button calls the
// browser's print. Without JavaScript the details stay as the browser
// shows them, and the print style sheet opens them.
(function () {
  'use strict';

  function openTarget() {
    var id;
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return; }
    if (!id) { return; }
    var el = document.getElementById(id);
    if (!el) { return; }
    for (var n = el; n; n = n.parentElement) {
      if (n.tagName === 'DETAILS') { n.open = true; }
    }
    el.scrollIntoView();
  }
  window.addEventListener('hashchange', openTarget);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', openTarget);
  } else {
    openTarget();
  }

  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = [];
    document.querySelectorAll('details:not([open])').forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  document.querySelectorAll('.app-print').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });
})();
