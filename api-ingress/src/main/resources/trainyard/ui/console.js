// Draws the console's charts with ECharts from data the server put in data-* attributes, and
// draws them again whenever htmx swaps in new data (server-sent events). No inline script: the
// Content-Security-Policy allows scripts from the console's own origin only.
(function () {
  "use strict";
  var overview = null;

  function drawOverview() {
    var holder = document.getElementById("chart");
    var series = document.getElementById("series");
    if (!holder || !series || !window.echarts) { return; }
    var data = JSON.parse(series.getAttribute("data-series"));
    if (!overview) { overview = window.echarts.init(holder); }
    var line = function (name, values, color) {
      return { name: name, type: "line", showSymbol: false, data: values, itemStyle: { color: color } };
    };
    overview.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "category", data: data.minutes },
      yAxis: { type: "value", minInterval: 1 },
      series: [line("queued", data.queued, "#55606e"), line("started", data.started, "#1f5fbf"),
        line("finished", data.finished, "#1b7a3a"), line("failed", data.failed, "#b3261e")]
    });
  }

  function drawScores() {
    document.querySelectorAll("[data-scores]").forEach(function (holder) {
      if (!window.echarts || holder.getAttribute("data-drawn")) { return; }
      var parsed;
      try { parsed = JSON.parse(holder.getAttribute("data-scores")); } catch (e) { return; }
      var names = [], values = [];
      (Array.isArray(parsed) ? parsed : Object.entries(parsed)).forEach(function (item, i) {
        if (Array.isArray(item)) { names.push(String(item[0])); values.push(Number(item[1])); }
        else if (item && typeof item === "object") {
          names.push(String(item.model || item.name || ("candidate " + (i + 1))));
          values.push(Number(item.score !== undefined ? item.score : item.accuracy));
        } else { names.push("candidate " + (i + 1)); values.push(Number(item)); }
      });
      window.echarts.init(holder).setOption({
        animation: false, grid: { left: 48, right: 16, top: 16, bottom: 48 },
        xAxis: { type: "category", data: names, axisLabel: { rotate: 20 } }, yAxis: { type: "value" },
        series: [{ type: "bar", data: values, itemStyle: { color: "#1f5fbf" } }]
      });
      holder.setAttribute("data-drawn", "1");
    });
  }

  function draw() { drawOverview(); drawScores(); }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("resize", function () { if (overview) { overview.resize(); } });
})();
