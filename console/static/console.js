/* The console's own script: it only adds to pages that work without it.
   - says whether the live stream is open (htmx's SSE extension events);
   - draws the power/energy charts (uPlot) from each figure's data-chart, again after a swap;
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

  function drawCharts(root) {
    if (typeof window.uPlot !== "function") return;
    var figures = (root || document).querySelectorAll("figure.chart[data-chart]");
    figures.forEach(function (figure) {
      var data;
      try { data = JSON.parse(figure.dataset.chart); } catch (e) { return; }
      if (!data.t || data.t.length < 1) return;
      var old = figure.querySelector(".uplot");
      if (old) old.remove();
      var width = Math.max(280, Math.min(figure.clientWidth || 640, 900));
      var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      new window.uPlot({
        width: width,
        height: 220,
        cursor: { show: !reduce },
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
