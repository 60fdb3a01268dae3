// District dashboard: one chart per indicator. The options are computed on the server
// (indicators/web/charts.py) and carried in the page; this only hands them to ECharts.
(function () {
  if (!window.echarts) return;
  const charts = JSON.parse(document.getElementById("chart-data").textContent);
  const drawn = [];
  for (const c of charts) {
    const el = document.getElementById(c.id);
    if (!el || !c.options) continue;
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(c.options);
    el.dataset.drawn = "true";
    drawn.push(chart);
  }
  window.addEventListener("resize", () => drawn.forEach((chart) => chart.resize()));
})();
