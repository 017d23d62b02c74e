/* The dashboard's 乡村振兴重点帮扶县 section: for each key county, the share of its trainings and jobs
 * that went to each priority group (ECharts, vendored). The numbers come from the page's
 * {{ progress|json_script:"dashboard-data" }} (`key_assistance_counties`), the dict the table beside each
 * chart and the xlsx are built from. Kept apart from dashboard.js so the two change independently. */
(function () {
  "use strict";

  var dataNode = document.getElementById("dashboard-data");
  var boxes = document.querySelectorAll(".chart-key-county");
  if (!dataNode || !boxes.length || typeof window.echarts === "undefined") return;
  var counties = JSON.parse(dataNode.textContent).key_assistance_counties || [];
  var COLORS = { trainings: "#0b3d91", jobs: "#1f9d8b", text: "#5c6470", grid: "#e6eaf0" };
  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif';
  var LABELS = { trainings: "培训人次占比", jobs: "就业创业人次占比" };

  // Category names are data the city edits: never put them into the tooltip's HTML unescaped.
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function share(value, total) {
    return total ? Math.round((value / total) * 1000) / 10 : 0;
  }

  var charts = [];
  boxes.forEach(function (box) {
    var county = counties[Number(box.getAttribute("data-county"))];
    if (!county) return;
    var names = Object.keys(county.priority_groups);
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      legend: { top: 0, textStyle: { color: COLORS.text } },
      grid: { left: 8, right: 48, top: 36, bottom: 8, containLabel: true },
      xAxis: {
        type: "value",
        splitLine: { lineStyle: { color: COLORS.grid } },
        axisLabel: { color: COLORS.text, formatter: "{value}%" },
      },
      yAxis: { type: "category", data: names, inverse: true, axisTick: { show: false }, axisLabel: { color: COLORS.text } },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        confine: true,
        formatter: function (items) {
          var name = names[items[0].dataIndex];
          var g = county.priority_groups[name];
          return (
            "<strong>" + escapeHtml(county.name) + " · " + escapeHtml(name) + "</strong>" +
            "<br>培训人次：" + g.trainings.toLocaleString("zh-CN") + "（占 " + share(g.trainings, county.trainings) + "%）" +
            "<br>就业创业人次：" + g.jobs.toLocaleString("zh-CN") + "（占 " + share(g.jobs, county.jobs) + "%）"
          );
        },
      },
      series: ["trainings", "jobs"].map(function (metric) {
        return {
          name: LABELS[metric],
          type: "bar",
          barMaxWidth: 14,
          itemStyle: { color: COLORS[metric], borderRadius: [0, 3, 3, 0] },
          label: { show: true, position: "right", color: COLORS.text, fontSize: 11, formatter: "{c}%" },
          data: names.map(function (name) {
            return share(county.priority_groups[name][metric], county[metric]);
          }),
        };
      }),
    });
    charts.push(chart);
  });

  function resizeAll() {
    charts.forEach(function (chart) { chart.resize(); });
  }
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
