/* The progress dashboard's charts (ECharts, vendored) and the target allocation grid's live sums.
 *
 * Data comes from the page: {{ progress|json_script:"dashboard-data" }}, the same dict the tables and
 * the xlsx are built from. Charts only re-arrange those numbers (and show percentages of them);
 * each has its numbers in a table next to it. A click on a bar opens the drill-down list. */
(function () {
  "use strict";

  var COLORS = {
    trainings: "#0b3d91",
    jobs: "#1f9d8b",
    target: "#c9d3e3",
    expected: "#b8232f",
    grid: "#e6eaf0",
    text: "#5c6470",
  };
  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif';
  var METRIC_LABELS = { trainings: "培训人次", jobs: "带动就业创业人次" };

  function fmt(n) {
    return n === null || n === undefined ? "—" : Number(n).toLocaleString("zh-CN");
  }

  // ECharts renders tooltips as HTML: every name that reaches a tooltip (brand lines, areas, priority
  // groups, series and axis values) goes through esc(). Labels, legends and axis labels are drawn by
  // the SVG renderer as text nodes, so they show names as they are and must not be escaped twice.
  var HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g, function (c) {
      return HTML_ESCAPES[c];
    });
  }

  // The tooltip of every axis-triggered chart, instead of ECharts' default: the category, then each
  // series with its colour marker (ECharts builds `marker` itself, from colours only) and value.
  function axisTooltip(items) {
    var list = Array.isArray(items) ? items : [items];
    if (!list.length) return "";
    var lines = ["<strong>" + esc(list[0].axisValueLabel !== undefined ? list[0].axisValueLabel : list[0].name) + "</strong>"];
    list.forEach(function (item) {
      var value = Array.isArray(item.value) ? item.value[0] : item.value;
      if (value !== null && typeof value === "object") value = value.value;
      lines.push((item.marker || "") + esc(item.seriesName) + "：" + esc(fmt(value)));
    });
    return lines.join("<br>");
  }

  function pct(value, total) {
    if (value === null || value === undefined || !total) return null;
    return Math.round((value / total) * 1000) / 10;
  }

  // ---- print ---------------------------------------------------------------------------------
  // Folded details (subsidies by kind) are part of the printed report.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".dashboard details").forEach(function (details) {
      details.open = true;
    });
  });
  document.querySelectorAll("[data-action=print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });

  // ---- target allocation grid: row, column and grand sums while typing -------------------------
  var grid = document.getElementById("target-grid");
  if (grid) {
    // What the server accepts (dashboard/forms.py TargetField): blank (0 here), digits, full-width
    // digits, thousands separators "," or "，". Anything else is null: an error, never a silent 0.
    var cellValue = function (text) {
      var plain = text.trim().replace(/[０-９]/g, function (c) {
        return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
      });
      if (plain === "") return 0;
      if (!/^(\d+|\d{1,3}([,，]\d{3})+)$/.test(plain)) return null;
      return parseInt(plain.replace(/[,，]/g, ""), 10);
    };
    // A sum over an invalid cell is shown as "—", not as the sum of the others.
    var add = function (sum, value) {
      return sum === null || value === null ? null : sum + value;
    };
    var updateSums = function () {
      var rows = grid.querySelectorAll("tbody tr");
      var columns = [];
      var grand = 0;
      rows.forEach(function (row) {
        var sum = 0;
        row.querySelectorAll("input.target-cell").forEach(function (input, index) {
          var value = cellValue(input.value);
          if (value === null) {
            input.classList.add("is-invalid");
            input.setAttribute("aria-invalid", "true");
            input.title = "请填写整数（人次），可用千位分隔符，如 1,000；不填表示不设目标。";
            input.dataset.liveInvalid = "1";
          } else if (input.dataset.liveInvalid) {
            input.classList.remove("is-invalid");
            input.removeAttribute("aria-invalid");
            input.removeAttribute("title");
            delete input.dataset.liveInvalid;
          }
          sum = add(sum, value);
          columns[index] = add(columns[index] === undefined ? 0 : columns[index], value);
        });
        grand = add(grand, sum);
        var cell = row.querySelector(".row-sum");
        if (cell) cell.textContent = fmt(sum);
      });
      grid.querySelectorAll("tfoot .column-sum").forEach(function (cell, index) {
        cell.textContent = fmt(columns[index] === undefined ? 0 : columns[index]);
      });
      var grandCell = grid.querySelector("tfoot .grand-sum");
      if (grandCell) grandCell.textContent = fmt(grand);
    };
    grid.addEventListener("input", updateSums);
    updateSums();
  }

  // ---- charts ----------------------------------------------------------------------------------
  var dataNode = document.getElementById("dashboard-data");
  var root = document.getElementById("dashboard");
  if (!dataNode || !root || typeof window.echarts === "undefined") return;
  var progress = JSON.parse(dataNode.textContent);
  var drillUrl = root.getAttribute("data-drill-url");
  var year = root.getAttribute("data-year");
  var period = root.getAttribute("data-period");
  var charts = [];

  function drill(params) {
    var query = new URLSearchParams(params);
    if (year && !query.has("year")) query.set("year", year);
    // A cumulative figure counts the years of the page's plan period only.
    if (period && !query.has("year")) query.set("period", period);
    window.location.href = drillUrl + "?" + query.toString();
  }

  function init(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var base = {
      animation: false,
      textStyle: { fontFamily: FONT },
      color: [COLORS.trainings, COLORS.jobs],
      legend: { top: 0, textStyle: { color: COLORS.text } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, formatter: axisTooltip },
    };
    chart.setOption(Object.assign(base, option));
    if (onClick) {
      chart.on("click", onClick);
      el.style.cursor = "pointer";
    }
    charts.push(chart);
    return chart;
  }

  function valueAxis(extra) {
    return Object.assign(
      { type: "value", splitLine: { lineStyle: { color: COLORS.grid } }, axisLabel: { color: COLORS.text } },
      extra || {}
    );
  }

  function categoryAxis(names, extra) {
    return Object.assign(
      { type: "category", data: names, axisTick: { show: false }, axisLabel: { color: COLORS.text } },
      extra || {}
    );
  }

  // Brand lines: completion rate against the target, with the expected-by-today mark; counts when
  // no brand has a target (e.g. a single year without yearly targets).
  (function brandChart() {
    var brands = progress.pace.brands;
    var names = brands.map(function (b) { return b.name; });
    var hasTargets = brands.some(function (b) { return b.trainings_target || b.jobs_target; });
    var series = [];
    ["trainings", "jobs"].forEach(function (metric) {
      series.push({
        name: METRIC_LABELS[metric] + (hasTargets ? "完成率" : ""),
        type: "bar",
        barMaxWidth: 18,
        itemStyle: { color: COLORS[metric], borderRadius: [0, 3, 3, 0] },
        label: {
          show: true,
          position: "right",
          color: COLORS.text,
          formatter: function (p) {
            return hasTargets ? (p.value === null ? "未设目标" : p.value + "%") : fmt(p.value);
          },
        },
        data: brands.map(function (b) {
          return {
            value: hasTargets ? pct(b[metric], b[metric + "_target"]) : b[metric],
            code: b.code,
            metric: metric,
          };
        }),
      });
    });
    if (hasTargets) {
      series.push({
        name: "按时间进度应达",
        type: "scatter",
        symbol: "rect",
        symbolSize: [3, 22],
        itemStyle: { color: COLORS.expected },
        z: 5,
        data: brands.map(function (b) {
          var expected = pct(b.trainings_expected, b.trainings_target);
          if (expected === null) expected = pct(b.jobs_expected, b.jobs_target);
          return [expected, b.name];
        }),
        tooltip: { show: false },
      });
    }
    init(
      "chart-brands",
      {
        color: [COLORS.trainings, COLORS.jobs, COLORS.expected],
        grid: { left: 8, right: 56, top: 36, bottom: 8, containLabel: true },
        xAxis: valueAxis(hasTargets ? { max: 100, axisLabel: { color: COLORS.text, formatter: "{value}%" } } : {}),
        yAxis: categoryAxis(names, { inverse: true }),
        tooltip: {
          trigger: "axis",
          axisPointer: { type: "shadow" },
          confine: true,
          formatter: function (items) {
            var b = brands[items[0].dataIndex];
            var lines = ["<strong>" + esc(b.name) + "</strong>"];
            ["trainings", "jobs"].forEach(function (m) {
              var rate = pct(b[m], b[m + "_target"]);
              lines.push(
                METRIC_LABELS[m] + "：" + fmt(b[m]) + " / " + fmt(b[m + "_target"]) +
                  (rate === null ? "" : "（" + rate + "%）") +
                  (b[m + "_expected"] === null ? "" : "，应达 " + fmt(b[m + "_expected"]))
              );
            });
            return lines.join("<br>");
          },
        },
        series: series,
      },
      function (p) {
        if (p.data && p.data.code) drill({ metric: p.data.metric, brand: p.data.code });
      }
    );
  })();

  function countsChart(id, rows, nameOf, drillParams, horizontal) {
    var names = rows.map(nameOf);
    var series = ["trainings", "jobs"].map(function (metric) {
      return {
        name: METRIC_LABELS[metric],
        type: "bar",
        barMaxWidth: 22,
        itemStyle: { color: COLORS[metric], borderRadius: horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] },
        label: { show: true, position: horizontal ? "right" : "top", color: COLORS.text, fontSize: 11 },
        data: rows.map(function (row) {
          return { value: row[metric], metric: metric, params: drillParams ? drillParams(row) : null };
        }),
      };
    });
    return init(
      id,
      {
        grid: { left: 8, right: horizontal ? 40 : 8, top: 36, bottom: 8, containLabel: true },
        xAxis: horizontal ? valueAxis() : categoryAxis(names, { axisLabel: { color: COLORS.text, interval: 0 } }),
        yAxis: horizontal ? categoryAxis(names, { inverse: true }) : valueAxis(),
        series: series,
      },
      drillParams
        ? function (p) {
            if (p.data && p.data.params) drill(Object.assign({ metric: p.data.metric }, p.data.params));
          }
        : null
    );
  }

  countsChart(
    "chart-areas",
    progress.areas,
    function (a) { return a.name.replace("自贸区钦州港片区", "钦州港片区"); },
    function (a) { return { area: a.code }; },
    false
  );

  // Years: counts as bars, yearly targets as a line where the city has set them.
  (function yearChart() {
    var chart = countsChart(
      "chart-years",
      progress.years,
      function (y) { return String(y.year); },
      function (y) { return { year: String(y.year) }; },
      false
    );
    var withTargets = progress.years.some(function (y) { return y.trainings_target || y.jobs_target; });
    if (chart && withTargets) {
      chart.setOption({
        series: chart.getOption().series.concat(
          ["trainings", "jobs"].map(function (metric) {
            return {
              name: METRIC_LABELS[metric] + "年度目标",
              type: "line",
              symbol: "circle",
              lineStyle: { type: "dashed", color: COLORS[metric] },
              itemStyle: { color: COLORS[metric] },
              data: progress.years.map(function (y) { return y[metric + "_target"]; }),
            };
          })
        ),
      });
    }
  })();

  // Priority groups: counts (the shares are in the table and the tooltip).
  (function groupChart() {
    var rows = Object.keys(progress.priority_groups).map(function (name) {
      var g = progress.priority_groups[name];
      return { name: name, trainings: g.trainings, jobs: g.jobs };
    });
    var chart = countsChart("chart-groups", rows, function (r) { return r.name; }, null, true);
    if (chart) {
      chart.setOption({
        tooltip: {
          formatter: function (items) {
            var r = rows[items[0].dataIndex];
            var t = pct(r.trainings, progress.city.trainings);
            var j = pct(r.jobs, progress.city.jobs);
            return (
              "<strong>" + esc(r.name) + "</strong><br>培训人次：" + fmt(r.trainings) + (t === null ? "" : "（占 " + t + "%）") +
              "<br>带动就业创业人次：" + fmt(r.jobs) + (j === null ? "" : "（占 " + j + "%）")
            );
          },
        },
      });
    }
  })();

  // Keep the charts fitted to their boxes on screen and on paper.
  function resizeAll() {
    charts.forEach(function (chart) { chart.resize(); });
  }
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  if (window.matchMedia) {
    var media = window.matchMedia("print");
    if (media.addEventListener) media.addEventListener("change", resizeAll);
  }
})();
