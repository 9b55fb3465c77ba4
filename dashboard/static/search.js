// Type-ahead on the search and compare fields with GOV.UK's
// accessible-autocomplete (/static/vendor/accessible-autocomplete). The
// fields work without it: the league table's search is a text field the
// server matches the same way, the compare page's are selects.
(function () {
  'use strict';
  var aa = window.accessibleAutocomplete;
  if (!aa) { return; }

  // The compare page's selects.
  document.querySelectorAll('select[data-autocomplete="select"]').forEach(function (select) {
    var opts = { selectElement: select, showAllValues: true, minLength: 0 };
    if (!select.value) { opts.defaultValue = ''; }
    aa.enhanceSelectElement(opts);
  });

  // The league table's council search: the councils of the whole register
  // the words typed find, asked of the server (/councils.json?q=), which
  // matches them as the league table's search does. Only the first few
  // come back, so a register of ten thousand councils costs no more to
  // search than one of four hundred.
  var limit = 20;
  document.querySelectorAll('[data-autocomplete="councils"]').forEach(function (box) {
    var input = box.querySelector('input');
    if (!input) { return; }
    var asked = 0; // the latest question: older answers are dropped
    function find(query, done) {
      var n = ++asked;
      var url = '/councils.json?q=' + encodeURIComponent(query.trim().slice(0, 100)) + '&limit=' + limit;
      fetch(url, { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .catch(function () { return { items: [] }; })
        .then(function (doc) {
          if (n === asked) { done(doc.items || []); }
        });
    }
    var value = input.value;
    box.removeChild(input);
    aa({
      element: box,
      id: input.id,
      name: input.name,
      defaultValue: value,
      minLength: 2,
      confirmOnBlur: false,
      inputClasses: 'govuk-input',
      source: function (query, populate) {
        if (!query.trim()) { populate([]); return; }
        find(query, populate);
      },
      templates: {
        inputValue: function (c) { return c ? (typeof c === 'string' ? c : c.name) : ''; },
        suggestion: function (c) {
          if (typeof c === 'string') { return c; }
          var div = document.createElement('div');
          div.textContent = c.name + (c.scored ? '' : ' (no scores yet)');
          return div.innerHTML;
        }
      }
    });
  });
})();
