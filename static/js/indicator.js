// Indicator page: district map, ranking and time series, from the JSON the page carries.
(function () {
  const script = document.currentScript;
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  if (!window.echarts) return;
  const districts = data.areas.filter((a) => a.level === "district");
  const values = districts.map((a) => a.value).filter((v) => v !== null);
  const names = Object.fromEntries(data.areas.map((a) => [a.code, a.name]));
  // Darker is better, whichever way the indicator runs.
  const ramp = ["#e8eef7", "#9fb8d9", "#4f7bb5", "#1d4e89"];
  const colours = data.direction === "lower" ? ramp.slice().reverse() : ramp;
  const mark = (el) => { el.dataset.drawn = "true"; };

  const mapEl = document.getElementById("map");
  fetch(script.dataset.geojson)
    .then((response) => {
      if (!response.ok) throw new Error("district boundaries: HTTP " + response.status);
      return response.json();
    })
    .then((geojson) => {
      echarts.registerMap("guangzhou", geojson);
      const chart = echarts.init(mapEl, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        aria: { enabled: true },
        tooltip: {
          trigger: "item",
          formatter: (p) => `${names[p.name] || p.name}: ${p.value === undefined || isNaN(p.value) ? "–" : p.value}`,
        },
        visualMap: values.length
          ? { min: Math.min(...values), max: Math.max(...values), left: 0, bottom: 0, calculable: false,
              inRange: { color: colours }, text: [data.unit || "", ""], itemHeight: 90 }
          : undefined,
        series: [{
          type: "map", map: "guangzhou", nameProperty: "code", roam: false,
          label: { show: true, fontSize: 10, formatter: (p) => names[p.name] || p.name },
          itemStyle: { borderColor: "#fff", areaColor: "#eceff3" },
          data: districts.map((a) => ({ name: a.code, value: a.value === null ? NaN : a.value })),
        }],
      });
      mark(mapEl);
      window.addEventListener("resize", () => chart.resize());
    })
    .catch((error) => {
      mapEl.textContent = String(error);
      console.error(error);
    });

  const rankingEl = document.getElementById("ranking");
  const ranked = districts.filter((a) => a.value !== null).sort((a, b) => (data.direction === "lower" ? b.value - a.value : a.value - b.value));
  const ranking = echarts.init(rankingEl, null, { renderer: "svg" });
  ranking.setOption({
    animation: false,
    aria: { enabled: true },
    grid: { left: 90, right: 40, top: 10, bottom: 24 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "value", name: data.unit },
    yAxis: { type: "category", data: ranked.map((a) => a.name) },
    series: [{ type: "bar", data: ranked.map((a) => a.value), color: "#1d4e89",
               label: { show: true, position: "right", fontSize: 10 } }],
  });
  mark(rankingEl);

  const seriesEl = document.getElementById("timeseries");
  const timeseries = echarts.init(seriesEl, null, { renderer: "svg" });
  timeseries.setOption({
    animation: false,
    aria: { enabled: true },
    legend: { type: "scroll", top: 0 },
    grid: { left: 50, right: 12, top: 36, bottom: 24 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "value", minInterval: 1, scale: true, axisLabel: { formatter: (v) => String(v) } },
    yAxis: { type: "value", scale: true, name: data.unit },
    series: data.series.map((s) => ({ name: s.name, type: "line", data: s.points, symbolSize: 6 })),
  });
  mark(seriesEl);
  window.addEventListener("resize", () => { ranking.resize(); timeseries.resize(); });
})();
