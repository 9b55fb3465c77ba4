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

  // Words of council names a search may leave out (as the server does).
  var generic = { council: 1, city: 1, borough: 1, district: 1, county: 1, metropolitan: 1, of: 1, the: 1, and: 1, royal: 1, cyngor: 1, comhairle: 1 };
  function tokens(s) {
    return s.toLowerCase().replace(/&/g, ' and ').split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w !== ''; });
  }
  function matches(query, c) {
    var words = tokens(query);
    var specific = words.filter(function (w) { return !generic[w]; });
    if (specific.length) { words = specific; }
    if (!words.length) { return false; }
    var hay = c.words;
    return words.every(function (w) {
      return hay.some(function (h) { return h.indexOf(w) === 0; });
    });
  }

  // The league table's council search: every council of the register.
  document.querySelectorAll('[data-autocomplete="councils"]').forEach(function (box) {
    var input = box.querySelector('input');
    if (!input) { return; }
    var councils = null;
    var waiting = [];
    function load(done) {
      if (councils) { done(councils); return; }
      waiting.push(done);
      if (waiting.length > 1) { return; }
      fetch('/councils.json', { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .catch(function () { return { items: [] }; })
        .then(function (doc) {
          councils = (doc.items || []).map(function (c) {
            return { name: c.name, place: c.place, scored: c.scored, words: tokens(c.name + ' ' + c.place + ' ' + c.code) };
          });
          waiting.forEach(function (f) { f(councils); });
          waiting = [];
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
        load(function (list) {
          populate(list.filter(function (c) { return matches(query, c); }).slice(0, 20));
        });
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
