// Line charts of the per-round series (trust, share, exposure, payoff) with
// Chart.js 3 from Debian, served by the program at /vendor/chart.js as the
// global `Chart`. A chart is made once and its data replaced on every re-run,
// so a slider moves the lines instead of rebuilding the canvas.

export const COLOURS = ['#0b4fb3', '#b34700', '#5b2a86', '#0a6b2d'];
const DASHES = [[], [10, 5]];

// Type sized from the chart's own width, so a chart reads as well on a
// projector as on a phone, and follows a resize.
export const font = (ctx) => ({ size: Math.max(11, Math.min(24, Math.round(ctx.chart.width / 26))) });

function baseOptions(yLabel, yRange) {
  return {
    animation: { duration: 250 },
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { display: false } },
    scales: {
      x: { title: { display: true, text: 'round', font }, ticks: { font } },
      y: { title: { display: true, text: yLabel, font }, ticks: { font },
           min: yRange ? yRange[0] : undefined, max: yRange ? yRange[1] : undefined },
    },
  };
}

// canvas: a <canvas>; yRange: [min, max] or undefined for automatic.
export function makeChart(canvas, yLabel, yRange, type = 'line') {
  return new window.Chart(canvas.getContext('2d'), {
    type, data: { labels: [], datasets: [] }, options: baseOptions(yLabel, yRange),
  });
}

// Groups series rows by state (in the order of `states`) and replaces the
// chart's data; `prefix` distinguishes runs shown together (e.g. "hotline").
// The legend that the charts of one page share (a chart's own is off, so
// that its lines get the room): colour is the state, a dashed line the
// second run.
export function legend(runs) {
  const items = [];
  runs.forEach((run, ri) => run.states.forEach((s, si) => {
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.borderTop = `5px ${ri % 2 ? 'dashed' : 'solid'} ${COLOURS[si % COLOURS.length]}`;
    const item = document.createElement('span');
    item.className = 'legend-item';
    item.append(swatch, document.createTextNode(run.prefix ? `${s.name} (${run.prefix})` : s.name));
    items.push(item);
  }));
  return items;
}

export function fillChart(chart, runs, field) {
  const labels = [];
  const datasets = [];
  runs.forEach((run, ri) => {
    run.states.forEach((s, si) => {
      const rows = run.series.filter((r) => r.state === s.id);
      rows.forEach((r) => { if (!labels.includes(r.round)) labels.push(r.round); });
      const colour = COLOURS[si % COLOURS.length];
      datasets.push({
        label: run.prefix ? `${s.name} (${run.prefix})` : s.name,
        data: rows.map((r) => r[field]),
        borderColor: colour, backgroundColor: colour,
        borderWidth: 3, pointRadius: rows.length > 40 ? 0 : 3,
        borderDash: DASHES[ri % 2], tension: 0,
      });
    });
  });
  labels.sort((a, b) => a - b);
  setData(chart, labels, datasets);
}

// Replaces a chart's data in place: a dataset keeps its object, so the lines
// move from where they were instead of growing again from zero, and an
// unchanged poll (the teacher's board, every second) redraws nothing.
export function setData(chart, labels, datasets) {
  const key = JSON.stringify([labels, datasets]);
  if (chart.$key === key) return;
  chart.$key = key;
  chart.data.labels = labels;
  const old = chart.data.datasets;
  if (old.length !== datasets.length) {
    chart.data.datasets = datasets;
  } else {
    datasets.forEach((d, i) => Object.assign(old[i], d));
  }
  chart.update();
}
