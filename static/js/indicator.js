// Indicator page: the district map, the ranking and the figures over time. The options are computed on
// the server (indicators/web/charts.py) and carried in the page; this registers the district boundaries
// for the map and hands the options to ECharts.
(function () {
  const script = document.currentScript;
  if (!window.echarts) return;
  const charts = JSON.parse(document.getElementById("chart-data").textContent);
  const drawn = [];
  const draw = (c) => {
    const el = document.getElementById(c.id);
    if (!el) return;
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(c.options);
    el.dataset.drawn = "true";
    drawn.push(chart);
  };
  for (const c of charts) {
    if (c.id !== "map") {
      draw(c);
      continue;
    }
    fetch(script.dataset.geojson)
      .then((response) => {
        if (!response.ok) throw new Error("district boundaries: HTTP " + response.status);
        return response.json();
      })
      .then((geojson) => {
        echarts.registerMap("guangzhou", geojson);
        draw(c);
      })
      .catch((error) => {
        document.getElementById(c.id).textContent = String(error);
        console.error(error);
      });
  }
  window.addEventListener("resize", () => drawn.forEach((chart) => chart.resize()));
})();
