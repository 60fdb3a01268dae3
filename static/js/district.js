// District dashboard: one small chart per indicator, from the JSON the page carries.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const holder = document.getElementById("charts");
  if (!holder || !window.echarts) return;
  const zh = document.documentElement.lang.startsWith("zh");
  const t = zh
    ? { area: holder.dataset.area, city: holder.dataset.city, target: "目标", path: "目标路径", anticipated: "按当前速度" }
    : { area: holder.dataset.area, city: holder.dataset.city, target: "Target", path: "Path to target", anticipated: "At current pace" };
  for (const c of data) {
    const el = document.getElementById(c.id);
    if (!el) continue;
    const series = [
      { name: t.area, type: "line", data: c.series, symbolSize: 6, lineStyle: { width: 2 }, color: "#1d4e89" },
    ];
    if (c.city.length && t.city) {
      series.push({ name: t.city, type: "line", data: c.city, symbol: "rect", symbolSize: 5, color: "#7a5c00", lineStyle: { type: "dotted" } });
    }
    if (c.path.length) {
      series.push({ name: t.path, type: "line", data: c.path, symbol: "none", color: "#5f6b7a", lineStyle: { type: "dashed", width: 1 } });
    }
    if (c.target) {
      series.push({ name: t.target, type: "scatter", data: [c.target], symbol: "diamond", symbolSize: 11, color: "#0a7d4f" });
    }
    if (c.anticipated) {
      series.push({ name: t.anticipated, type: "scatter", data: [c.anticipated], symbol: "triangle", symbolSize: 9, color: "#b23b00" });
    }
    // Years on the x axis: whole years from the first figure to the target year.
    const xs = series.flatMap((s) => s.data.map((point) => point[0]));
    const first = Math.min(...xs);
    const last = Math.max(...xs);
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      grid: { left: 48, right: 12, top: 30, bottom: 24 },
      legend: { top: 0, textStyle: { fontSize: 11 }, itemWidth: 14 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "value", min: first - 1, max: last + 1, minInterval: 1, axisLabel: { formatter: (v) => String(v) } },
      yAxis: { type: "value", scale: true, name: c.unit, nameTextStyle: { fontSize: 10 } },
      series,
    });
    el.dataset.drawn = "true";
    window.addEventListener("resize", () => chart.resize());
  }
})();
