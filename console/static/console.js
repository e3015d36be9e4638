/* The console's own script: it only adds to pages that work without it.
   - says whether the live stream is open (htmx's SSE extension events);
   - draws charts (uPlot) again after every swap: a session's power and energy from
     data-chart ({"t", "kW", "kWh"}), and any other figure from data-series
     ({"t": [unix s], "unit": "...", "series": [{"label": "...", "values": [...]}]});
   - keeps the "recent changes" list short. */
(function () {
  "use strict";
  var RECENT_MAX = 30;

  function setLive(state, text) {
    var badge = document.getElementById("live-status");
    if (!badge) return;
    badge.dataset.state = state;
    badge.textContent = text;
  }

  var PALETTE = ["#0b6bcb", "#6b46c1", "#b42318", "#2f855a", "#9a5b00"];

  function chartWidth(figure) {
    return Math.max(280, Math.min(figure.clientWidth || 640, 900));
  }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function drawSeries(root) {
    var figures = (root || document).querySelectorAll("figure.chart[data-series]");
    figures.forEach(function (figure) {
      var data;
      try { data = JSON.parse(figure.dataset.series); } catch (e) { return; }
      if (!data.t || data.t.length < 1 || !Array.isArray(data.series)) return;
      var old = figure.querySelector(".uplot");
      if (old) old.remove();
      var series = [{}];
      var columns = [data.t];
      data.series.forEach(function (one, i) {
        series.push({ label: one.label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: data.t.length < 3 } });
        columns.push(one.values);
      });
      new window.uPlot({
        width: chartWidth(figure),
        height: 200,
        cursor: { show: !reducedMotion() },
        scales: { x: { time: true }, y: { range: function (u, min, max) { return [Math.min(0, min), Math.max(1, max)]; } } },
        axes: [{}, { label: data.unit || "" }],
        series: series
      }, columns, figure);
    });
  }

  function drawCharts(root) {
    if (typeof window.uPlot !== "function") return;
    drawSeries(root);
    var figures = (root || document).querySelectorAll("figure.chart[data-chart]");
    figures.forEach(function (figure) {
      var data;
      try { data = JSON.parse(figure.dataset.chart); } catch (e) { return; }
      if (!data.t || data.t.length < 1) return;
      var old = figure.querySelector(".uplot");
      if (old) old.remove();
      new window.uPlot({
        width: chartWidth(figure),
        height: 220,
        cursor: { show: !reducedMotion() },
        scales: { x: { time: true } },
        axes: [{}, { label: "kW", scale: "kW" }, { label: "kWh", scale: "kWh", side: 1, grid: { show: false } }],
        series: [
          {},
          { label: "Power (kW)", scale: "kW", stroke: "#0b6bcb", width: 2 },
          { label: "Energy (kWh)", scale: "kWh", stroke: "#2f855a", width: 2 }
        ]
      }, [data.t, data.kW, data.kWh], figure);
    });
  }

  function trimRecent() {
    var list = document.getElementById("recent");
    if (!list) return;
    while (list.children.length > RECENT_MAX) list.removeChild(list.lastElementChild);
    var hint = document.querySelector(".empty-hint");
    if (hint && list.children.length) hint.hidden = true;
  }

  document.addEventListener("htmx:sseOpen", function () { setLive("live", "live"); });
  document.addEventListener("htmx:sseError", function () { setLive("reconnecting", "reconnecting…"); });
  document.addEventListener("htmx:sseClose", function () { setLive("off", "disconnected"); });
  document.addEventListener("htmx:afterSwap", function (event) {
    drawCharts(event.target);
    trimRecent();
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[sse-connect]")) setLive("connecting", "connecting…");
    drawCharts(document);
  });
})();
