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
    var legend = list(option.legend).some(function (l) { return l.show !== false; });
    option.textStyle = Object.assign({}, option.textStyle, { color: TEXT, fontFamily: 'arial, sans-serif' });
    list(option.legend).forEach(function (l) {
      // A plain legend wraps onto more lines; a scrolling one would hide
      // some of its items.
      l.type = 'plain';
      l.left = 'center';
      l.bottom = 0;
      l.itemGap = narrow ? 6 : 10;
      l.textStyle = Object.assign({}, l.textStyle, { color: TEXT, fontSize: size });
      l.inactiveColor = SECONDARY;
    });
    var xName = false;
    list(option.xAxis).forEach(function (a) {
      a.axisLabel = Object.assign({}, a.axisLabel, { color: SECONDARY, fontSize: size, hideOverlap: true });
      if (narrow && a.type !== 'value') { a.axisLabel.rotate = 30; }
      if (a.name) {
        xName = true;
        a.nameLocation = 'middle';
        a.nameGap = narrow && a.type !== 'value' ? 45 : 28;
        a.nameTextStyle = Object.assign({}, a.nameTextStyle, { color: SECONDARY, fontSize: size });
      }
    });
    list(option.yAxis).forEach(function (a) {
      a.axisLabel = Object.assign({}, a.axisLabel, { color: SECONDARY, fontSize: size, hideOverlap: true });
      if (a.name) {
        // Above the axis (below it when the axis is upside down), starting
        // at the axis, so the name stays inside the chart.
        a.nameLocation = a.inverse ? 'start' : 'end';
        a.nameGap = 12;
        a.nameTextStyle = Object.assign({}, a.nameTextStyle, { color: SECONDARY, fontSize: size, align: 'left' });
      }
    });
    list(option.radar).forEach(function (r) {
      r.axisName = Object.assign({}, r.axisName, { color: TEXT, fontSize: size });
      r.radius = narrow ? '45%' : '60%';
      r.center = ['50%', '45%'];
    });
    list(option.series).forEach(function (s) {
      if (s.type === 'scatter') {
        // Point names beside points crowd a phone's chart: the table
        // beside it names them.
        s.label = Object.assign({}, s.label, { show: !narrow, position: 'top', color: TEXT, fontSize: size });
        s.labelLayout = { hideOverlap: true, moveOverlap: 'shiftY' };
      } else if (s.label) {
        s.label.color = TEXT;
        s.label.fontSize = size;
      }
    });
    if (option.xAxis || option.yAxis) {
      // Room below the plot for the legend's lines (each item: its symbol,
      // its name at about 0.6em a letter, the gap) and the x axis's name.
      var lines = 0;
      if (legend) {
        var used = 0;
        lines = 1;
        list(option.series).forEach(function (s) {
          var item = 25 + 8 + String(s.name || '').length * size * 0.62;
          if (used + item > width - 20 && used > 0) { lines++; used = 0; }
          used += item;
        });
      }
      var bottom = 10 + lines * (size + 10) + (xName ? 35 : 0);
      option.grid = Object.assign({}, Array.isArray(option.grid) ? option.grid[0] : option.grid,
        { containLabel: true, left: narrow ? 8 : 30, right: narrow ? 16 : 40, bottom: bottom, top: 45 });
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
