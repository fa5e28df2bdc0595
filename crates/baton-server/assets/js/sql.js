// The SQL page (/sql): Ctrl/Cmd+Enter runs the query, Delete asks first, and the chart builder
// draws the result table through charts.js (`window.batonChart`). Without script the page still
// runs queries, downloads CSV and saves; only the chart needs this.
(() => {
  "use strict";

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    if (!event.target.matches?.("[data-sql-editor]")) return;
    event.preventDefault();
    event.target.form?.querySelector("[data-sql-run]")?.click();
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  // The result table as column names and rows of values: numbers for cells the server marked
  // `num`, null for NULL, text otherwise.
  function readTable(table) {
    const columns = [...table.tHead.rows[0].cells].map((th) => th.textContent);
    const rows = [...table.tBodies[0].rows].map((tr) =>
      [...tr.cells].map((td) => {
        if (td.classList.contains("null")) return null;
        if (td.classList.contains("num")) return Number(td.textContent);
        return td.textContent;
      }),
    );
    return { columns, rows };
  }

  const label = (value) => (value === null ? "NULL" : String(value));
  const number = (value) => {
    if (value === null || value === "") return null;
    const n = typeof value === "number" ? value : Number(value);
    return Number.isFinite(n) ? n : null;
  };

  // The charts.js spec for the builder's choice: one x label per distinct x value, in the
  // order they first appear; a series per y column, or with a series column one per distinct
  // value of it (per y column when there are several). Rows sharing an x label (and series)
  // are added up.
  function spec(data, choice) {
    const xi = data.columns.indexOf(choice.x);
    const yis = choice.y.map((y) => data.columns.indexOf(y)).filter((i) => i >= 0);
    const si = choice.series ? data.columns.indexOf(choice.series) : -1;
    if (xi < 0 || yis.length === 0) return null;
    const labels = [];
    const position = new Map();
    for (const row of data.rows) {
      const x = label(row[xi]);
      if (!position.has(x)) {
        position.set(x, labels.length);
        labels.push(x);
      }
    }
    const series = new Map();
    for (const row of data.rows) {
      const at = position.get(label(row[xi]));
      for (const yi of yis) {
        let name = data.columns[yi];
        if (si >= 0) name = yis.length > 1 ? `${label(row[si])} · ${name}` : label(row[si]);
        if (!series.has(name)) series.set(name, labels.map(() => null));
        const value = number(row[yi]);
        if (value !== null) series.get(name)[at] = (series.get(name)[at] ?? 0) + value;
      }
    }
    return {
      kind: choice.kind === "line" ? "line" : "bar",
      x: labels,
      series: [...series].map(([name, values]) => ({ label: name, values })),
      unit: "",
    };
  }

  function draw() {
    const builder = document.querySelector("[data-chart-builder]");
    const table = document.getElementById("sql-table");
    const target = document.getElementById("sql-chart");
    if (!builder || !table || !target) return;
    const value = (name) => builder.querySelector(`[name=${name}]`)?.value ?? "";
    const choice = {
      kind: value("chart_kind"),
      x: value("chart_x"),
      y: [...(builder.querySelector("[name=chart_y]")?.selectedOptions ?? [])].map((o) => o.value),
      series: value("chart_series"),
    };
    const chart = spec(readTable(table), choice);
    target.querySelector(":scope > .chart-plot")?.remove();
    if (chart && window.batonChart) window.batonChart(target, chart);
  }

  // Pinned queries on the dashboard: a table inside an element whose `data-pin-chart` holds the
  // saved chart's choice.
  function drawPins() {
    document.querySelectorAll("[data-pin-chart]").forEach((element) => {
      const table = element.querySelector("table");
      const chart = table && spec(readTable(table), JSON.parse(element.dataset.pinChart));
      if (chart && window.batonChart) window.batonChart(element, chart);
    });
  }

  document.addEventListener("DOMContentLoaded", drawPins);
  document.addEventListener("change", (event) => {
    if (event.target.closest?.("[data-chart-builder]")) draw();
  });
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:after:swap", draw);
})();
