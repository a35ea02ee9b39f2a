/**
 * The report's own page script, inlined after Chart.js and tablesort. Plain browser JavaScript
 * kept as text (a compiled TypeScript function's `toString()` would carry the bundler's helpers
 * with it). It reads the chart data with `JSON.parse(textContent)`, so no log text is ever
 * evaluated, makes every `table.sortable` sortable, pages long tables, and draws the two charts. Charts are drawn
 * without animation, so what a screenshot or a printout shows is the final picture.
 */
export const AUDIT_CLIENT_SCRIPT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('audit-chart-data').textContent);

  // 1. Sortable tables: tablesort reorders the rows in place, so row ids (link targets) survive a sort.
  var tables = document.querySelectorAll('table.sortable');
  for (var i = 0; i < tables.length; i++) new Tablesort(tables[i]);

  // 2. Paging of long tables (data-page-size): every row stays in the document, rows off the
  //    current page are hidden; a sort (tablesort's afterSort event) goes back to the first page.
  var pagers = [];
  function pager(table, size) {
    var rows = table.tBodies[0].rows;
    var page = 0;
    var bar = document.createElement('div');
    bar.className = 'pager';
    function button(text, label, go) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.setAttribute('aria-label', label);
      b.addEventListener('click', function () { go(); show(); });
      bar.appendChild(b);
      return b;
    }
    var pages = function () { return Math.max(1, Math.ceil(rows.length / size)); };
    var first = button('\u00ab', 'first page', function () { page = 0; });
    var prev = button('\u2039', 'previous page', function () { page = Math.max(0, page - 1); });
    var info = document.createElement('span');
    bar.appendChild(info);
    var next = button('\u203a', 'next page', function () { page = Math.min(pages() - 1, page + 1); });
    var last = button('\u00bb', 'last page', function () { page = pages() - 1; });
    function show() {
      var from = page * size, to = from + size;
      for (var r = 0; r < rows.length; r++) {
        var off = r < from || r >= to;
        if (rows[r].hidden !== off) rows[r].hidden = off;
      }
      info.textContent = 'rows ' + (from + 1) + '\u2013' + Math.min(to, rows.length) + ' of ' + rows.length + ' (page ' + (page + 1) + ' of ' + pages() + ')';
      first.disabled = prev.disabled = page === 0;
      next.disabled = last.disabled = page === pages() - 1;
    }
    table.addEventListener('afterSort', function () { page = 0; show(); });
    table.parentNode.parentNode.insertBefore(bar, table.parentNode.nextSibling);
    show();
    return { table: table, reveal: function (tr) { page = Math.floor(tr.sectionRowIndex / size); show(); } };
  }
  var paged = document.querySelectorAll('table[data-page-size]');
  for (var p = 0; p < paged.length; p++) pagers.push(pager(paged[p], Number(paged[p].getAttribute('data-page-size'))));

  // tablesort moves every row; moves inside a detached table cost none of the page's style
  // invalidation (17k rows in Chromium: ~1.2 s in place, ~0.2 s detached). Focus (the header
  // sorted from the keyboard) and the horizontal scroll position are put back.
  for (var d = 0; d < tables.length; d++) (function (table) {
    var wrap = table.parentNode, spot = null, focused = null, left = 0;
    table.addEventListener('beforeSort', function () {
      focused = table.contains(document.activeElement) ? document.activeElement : null;
      left = wrap.scrollLeft;
      spot = table.nextSibling;
      wrap.removeChild(table);
    });
    table.addEventListener('afterSort', function () {
      wrap.insertBefore(table, spot);
      wrap.scrollLeft = left;
      if (focused) focused.focus();
    });
  })(tables[d]);

  // A link to a row on another page turns to that page first, then the browser scrolls to it.
  function reveal(id) {
    var el = id ? document.getElementById(id) : null;
    if (!el || !el.hidden || el.tagName !== 'TR') return;
    for (var k = 0; k < pagers.length; k++) if (pagers[k].table.contains(el)) pagers[k].reveal(el);
  }
  var fragment = function (href) { try { return decodeURIComponent(href.slice(1)); } catch (e) { return href.slice(1); } };
  document.addEventListener('click', function (e) {
    var a = e.target && e.target.closest ? e.target.closest('a[href^="#"]') : null;
    if (a) reveal(fragment(a.getAttribute('href')));
  });
  window.addEventListener('hashchange', function () {
    reveal(fragment(location.hash));
    var el = document.getElementById(fragment(location.hash));
    if (el) el.scrollIntoView({ block: 'center' });
  });
  if (location.hash) reveal(fragment(location.hash));

  // 3. Charts. The default font colour and grid are Chart.js's; only layout options are set here.
  var common = { animation: false, responsive: true, maintainAspectRatio: false };
  var overTime = document.getElementById('chart-over-time');
  if (overTime && data.overTime.labels.length > 0) {
    new Chart(overTime, {
      type: 'bar',
      data: {
        labels: data.overTime.labels,
        datasets: data.overTime.series.map(function (s) {
          return { label: s.label, data: s.values, backgroundColor: s.color, borderWidth: 0 };
        })
      },
      options: Object.assign({}, common, {
        interaction: { mode: 'index', intersect: false },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'events per ' + data.overTime.bucket } } },
        plugins: { legend: { position: 'bottom' } }
      })
    });
  }
  var byAction = document.getElementById('chart-by-action');
  if (byAction && data.byAction.labels.length > 0) {
    new Chart(byAction, {
      type: 'bar',
      data: { labels: data.byAction.labels, datasets: [{ label: 'events', data: data.byAction.values, backgroundColor: data.byAction.colors }] },
      options: Object.assign({}, common, {
        indexAxis: 'y',
        scales: { x: { beginAtZero: true } },
        plugins: { legend: { display: false } }
      })
    });
  }
})();
`;
