// Draws the go-echarts options held in data-chart-option attributes. Every
// chart repeats numbers shown in a table next to it, so the drawing is
// hidden from assistive technology and the page works without it.
(function () {
  'use strict';
  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll('[data-chart-option]').forEach(function (el) {
      var option;
      try { option = JSON.parse(el.getAttribute('data-chart-option')); } catch (e) { return; }
      var chart = window.echarts.init(el, null, { renderer: 'svg' });
      chart.setOption(option);
      el.closest('.app-chart-figure').classList.add('app-chart-figure--drawn');
      // Follow the box the chart sits in (window resizes, late styles).
      if (window.ResizeObserver) {
        new ResizeObserver(function () { chart.resize(); }).observe(el);
      } else {
        window.addEventListener('resize', function () { chart.resize(); });
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
