// Draws the go-echarts options held in data-chart-option attributes. Every
// chart repeats numbers shown in a table next to it, so the drawing is
// hidden from assistive technology and the page works without it. Text is
// drawn in GOV.UK's text colours (at least 4.5:1 on white), and on narrow
// screens labels are smaller, turned and thinned so none is clipped or
// overlaps another.
(function () {
  'use strict';
  var TEXT = '#0b0c0c';
  var SECONDARY = '#505a5f';

  function list(v) { return v === undefined ? [] : [].concat(v); }

  function style(option, width) {
    var narrow = width < 480;
    var size = narrow ? 11 : 12;
    option.textStyle = Object.assign({}, option.textStyle, { color: TEXT, fontFamily: 'arial, sans-serif' });
    list(option.legend).forEach(function (l) {
      l.textStyle = Object.assign({}, l.textStyle, { color: TEXT, fontSize: size });
      l.inactiveColor = SECONDARY;
      if (narrow) { l.type = 'scroll'; l.pageTextStyle = { color: TEXT }; l.pageIconColor = TEXT; }
    });
    list(option.xAxis).concat(list(option.yAxis)).forEach(function (a) {
      a.axisLabel = Object.assign({}, a.axisLabel, { color: SECONDARY, fontSize: size, hideOverlap: true });
      a.nameTextStyle = Object.assign({}, a.nameTextStyle, { color: SECONDARY, fontSize: size });
    });
    list(option.xAxis).forEach(function (a) {
      if (narrow && a.type !== 'value') { a.axisLabel.rotate = 30; }
      if (narrow) { a.nameLocation = 'middle'; a.nameGap = a.type === 'value' ? 25 : 45; }
    });
    list(option.yAxis).forEach(function (a) {
      if (narrow) { a.nameLocation = 'middle'; a.nameGap = 35; }
    });
    list(option.radar).forEach(function (r) {
      r.axisName = Object.assign({}, r.axisName, { color: TEXT, fontSize: size });
      r.radius = narrow ? '50%' : '65%';
      r.center = ['50%', '45%'];
    });
    list(option.series).forEach(function (s) {
      if (s.label) { s.label.color = TEXT; s.label.fontSize = size; }
    });
    if (option.xAxis || option.yAxis) {
      option.grid = Object.assign({}, Array.isArray(option.grid) ? option.grid[0] : option.grid,
        { containLabel: true, left: narrow ? 10 : 40, right: narrow ? 20 : 40, bottom: narrow ? 60 : 50, top: 40 });
    }
    return option;
  }

  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll('[data-chart-option]').forEach(function (el) {
      var option;
      try { option = JSON.parse(el.getAttribute('data-chart-option')); } catch (e) { return; }
      var chart = window.echarts.init(el, null, { renderer: 'svg' });
      var width = el.clientWidth;
      chart.setOption(style(option, width));
      el.closest('.app-chart-figure').classList.add('app-chart-figure--drawn');
      // Follow the box the chart sits in (window resizes, late styles).
      var redraw = function () {
        var w = el.clientWidth;
        if ((w < 480) !== (width < 480)) {
          width = w;
          chart.setOption(style(JSON.parse(el.getAttribute('data-chart-option')), w), true);
        }
        chart.resize();
      };
      if (window.ResizeObserver) {
        new ResizeObserver(redraw).observe(el);
      } else {
        window.addEventListener('resize', redraw);
      }
    });
  }
  // After the style sheets have loaded, so the chart boxes have their size.
  if (document.readyState === 'complete') {
    draw();
  } else {
    window.addEventListener('load', draw);
  }
})();
