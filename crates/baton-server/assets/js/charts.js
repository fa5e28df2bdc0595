// Charts drawn in the browser with the vendored uPlot, from data the page carries.
//
// A chart is an element with `data-chart` holding a JSON spec:
//   {"kind": "bar" | "line", "x": ["Ann", "Ben"], "series": [{"label": "Won", "values": [3, null]}],
//    "unit": "USD" | "%" | ""}
// `x` is a list of category labels (rep names, weeks, stages); values may be null (a gap).
// The element keeps its own fallback (a table) for readers without script and for print;
// the chart is drawn into a new child before it. `window.batonChart(element, spec)` draws a
// spec on demand (the SQL console's chart builder).
(() => {
  "use strict";
  const palette = ["#2457c5", "#e07b00", "#2e8540", "#b3261e", "#6f42c1", "#0f7c8c", "#8a6d3b"];

  function format(value, unit) {
    if (value === null || value === undefined) return "—";
    if (unit === "%") return `${Math.round(value * 10) / 10} %`;
    const text = Math.abs(value) >= 1e6 ? `${(value / 1e6).toFixed(1)}M`
      : Math.abs(value) >= 1e4 ? `${Math.round(value / 1e3)}k`
        : `${Math.round(value * 100) / 100}`;
    return unit ? `${text} ${unit}` : text;
  }

  function draw(element, spec) {
    if (typeof uPlot === "undefined") return;
    element.querySelector(":scope > .chart-plot")?.remove();
    const target = document.createElement("div");
    target.className = "chart-plot";
    element.prepend(target);
    const labels = spec.x.map(String);
    const xs = labels.map((_, i) => i);
    const bars = spec.kind === "bar";
    const count = Math.max(spec.series.length, 1);
    const series = [{ value: (_, i) => labels[i] ?? "" }];
    spec.series.forEach((s, i) => {
      const color = palette[i % palette.length];
      series.push({
        label: s.label,
        stroke: color,
        fill: bars ? `${color}cc` : undefined,
        width: bars ? 0 : 2,
        points: { show: !bars },
        value: (_, v) => format(v, spec.unit),
        // Grouped bars: each series takes its share of the 0.8 wide slot around its category.
        paths: bars ? uPlot.paths.bars({ gap: 1, disp: {
          x0: { unit: 1, values: () => xs.map((x) => x - 0.4 + (0.8 / count) * i) },
          size: { unit: 1, values: () => [0.8 / count] },
        } }) : undefined,
      });
    });
    const width = Math.max(element.clientWidth || 600, 280);
    const crowded = labels.reduce((sum, l) => sum + l.length, 0) * 7 > width * 0.8;
    const options = {
      width,
      height: 260,
      series,
      scales: {
        x: { time: false, range: bars ? [-0.6, labels.length - 0.4] : [-0.2, Math.max(labels.length - 0.8, 0.2)] },
        y: { range: (_, min, max) => [Math.min(0, min ?? 0), max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        // Many or long labels are slanted so that they do not run into each other.
        { splits: () => xs, values: (_, splits) => splits.map((i) => labels[i] ?? ""), gap: 4,
          rotate: crowded ? -35 : 0, size: crowded ? 80 : 50 },
        { values: (_, splits) => splits.map((v) => format(v, spec.unit)), size: 70 },
      ],
      legend: { show: spec.series.length > 1 || !bars },
      cursor: { drag: { x: false, y: false } },
    };
    const data = [xs, ...spec.series.map((s) => s.values.map((v) => (v === null ? null : Number(v))))];
    new uPlot(options, data, target);
  }

  function drawAll(root) {
    root.querySelectorAll("[data-chart]").forEach((element) => {
      try {
        draw(element, JSON.parse(element.dataset.chart));
      } catch (error) {
        console.error("chart", error);
      }
    });
  }

  window.batonChart = draw;
  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:after:swap", (event) => drawAll(event.target instanceof Element ? event.target : document));
})();
