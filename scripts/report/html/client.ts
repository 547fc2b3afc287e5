// The page script, written to DIR/report.js: it reads the chart data from the page's JSON block
// and draws it with Chart.js. It builds no HTML: the labels go to the canvas, never to markup.
// Plain ES5-style JavaScript kept as text, so it runs as it is in any browser without a build.

/** report.js's text. */
export const CLIENT_JS = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('rollgate-data').textContent);
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
  var color = function (i) { return palette[i % palette.length]; };
  var when = function (ms) { return new Date(ms).toISOString().slice(0, 16).replace('T', ' '); };
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  new Chart(document.getElementById('overview'), {
    type: 'bar',
    data: {
      labels: data.overview.labels,
      datasets: data.overview.datasets.map(function (d, i) {
        return { label: d.label, data: d.data, backgroundColor: color(i) };
      })
    },
    options: { scales: { y: { min: 0, max: 100, title: { display: true, text: 'stage %' } } } }
  });

  data.timelines.forEach(function (t) {
    var datasets = t.datasets.filter(function (d) { return d.points.length > 0; }).map(function (d, i) {
      var last = d.points[d.points.length - 1];
      // The last stage holds until now: one more point makes it visible as a line.
      var points = d.points.concat([{ x: Math.max(t.now, last.x), y: last.y, stage: last.stage, sha: 'now' }]);
      return { label: d.label, data: points, stepped: 'before', borderColor: color(i), backgroundColor: color(i), pointRadius: 4, borderWidth: 2 };
    });
    var first = Math.min.apply(null, datasets.map(function (d) { return d.data[0].x; }).concat([t.now]));
    new Chart(document.getElementById(t.canvas), {
      type: 'line',
      data: { datasets: datasets },
      options: {
        scales: {
          x: { type: 'linear', min: first, max: t.now, ticks: { maxTicksLimit: 6, callback: function (v) { return when(v); } } },
          y: { min: 0, max: 100, title: { display: true, text: 'stage %' } }
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? when(items[0].raw.x) : ''; },
              label: function (item) { return item.dataset.label + ': ' + item.raw.stage + ' (' + item.raw.y + ' %) ' + item.raw.sha; }
            }
          }
        }
      }
    });
  });
})();
`;

/** report.css's text. */
export const STYLE_CSS = `body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0; color: #111827; background: #f9fafb; }
header { background: #111827; color: #f9fafb; padding: 1rem 2rem; }
header h1 { margin: 0 0 .25rem; font-size: 1.5rem; }
header a { color: #93c5fd; margin-right: 1rem; }
main { padding: 1rem 2rem; max-width: 1200px; }
section { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 1rem 1.5rem; margin: 1rem 0; }
h2 { margin-top: 0; }
.meta, .note { color: #6b7280; }
header .meta { color: #d1d5db; }
header code { background: #374151; color: #f9fafb; }
td time { white-space: nowrap; }
.chart { position: relative; height: 260px; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
td.num { text-align: right; }
code { font: 13px ui-monospace, monospace; background: #f3f4f6; padding: 0 .25rem; border-radius: 4px; }
.decision { padding: .1rem .5rem; border-radius: 4px; color: #fff; }
.decision.go { background: #16a34a; }
.decision.nogo { background: #dc2626; }
.decision.conditional { background: #d97706; }
.decision.inconclusive { background: #6b7280; }
tr.fail td { background: #fef2f2; }
tr.pass td:nth-child(5) { color: #16a34a; }
`;
