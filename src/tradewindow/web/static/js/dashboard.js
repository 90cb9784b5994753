// Draws the dashboard's charts from /stats/api/… (the same figures the page prints).
(function () {
  "use strict";

  var text = JSON.parse(document.getElementById("chart-text").textContent);
  var lang = document.documentElement.lang || "en";
  var compact = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
  var full = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  var PALETTE = ["#0f9d8a", "#2f6fd6", "#8a5cd6", "#d68a2f", "#d6456b", "#3a9e3a",
    "#0b3a5b", "#c9a227", "#5b8fa8", "#a0522d", "#6b7b8c"];
  var AXIS = { color: "#4b5b68" };
  var GRID_LINE = { lineStyle: { color: "#eef1f4" } };
  var escape = function (value) { return echarts.format.encodeHTML(String(value)); };
  var number = function (value) { return value === null || value === undefined ? null : Number(value); };
  var percent = function (ratio) {
    return ratio === null || ratio === undefined ? "—" : (ratio * 100).toFixed(1) + "%";
  };
  var font = getComputedStyle(document.body).fontFamily;

  function monthly(data) {
    var points = data.points;
    return {
      color: ["#0f9d8a", "#d6456b"],
      textStyle: { fontFamily: font },
      legend: { top: 0, data: [text.value, text.yoy] },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var lines = [escape(items[0].axisValue)];
          items.forEach(function (item) {
            var shown = item.seriesIndex === 0 ? full.format(item.value) : percent(item.value);
            lines.push(item.marker + escape(item.seriesName) + ": " + shown);
          });
          return lines.join("<br>");
        },
      },
      xAxis: { type: "category", data: points.map(function (p) { return p.period; }), axisLabel: AXIS },
      yAxis: [
        { type: "value", axisLabel: { color: AXIS.color, formatter: function (v) { return compact.format(v); } }, splitLine: GRID_LINE },
        { type: "value", axisLabel: { color: AXIS.color, formatter: function (v) { return Math.round(v * 100) + "%"; } }, splitLine: { show: false } },
      ],
      series: [
        { name: text.value, type: "bar", barMaxWidth: 28, itemStyle: { borderRadius: [4, 4, 0, 0] },
          data: points.map(function (p) { return number(p.value); }) },
        { name: text.yoy, type: "line", yAxisIndex: 1, smooth: true, symbolSize: 6, connectNulls: false,
          data: points.map(function (p) { return number(p.yoy); }) },
      ],
    };
  }

  function bar(data) {
    var items = data.items.slice().reverse();  // largest at the top
    return {
      textStyle: { fontFamily: font },
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          var row = items[item.dataIndex];
          return escape(row.name) + "<br>" + full.format(item.value) + " · " + text.lines + " " + full.format(row.lines);
        },
      },
      // the bars carry their values, so the value axis needs no labels
      xAxis: { type: "value", axisLabel: { show: false }, splitLine: GRID_LINE },
      yAxis: {
        type: "category", data: items.map(function (i) { return i.name; }), axisTick: { show: false },
        axisLabel: { color: AXIS.color, width: 120, overflow: "truncate" },
      },
      series: [{
        type: "bar", barMaxWidth: 20,
        data: items.map(function (i, index) {
          return { value: number(i.value), itemStyle: { color: PALETTE[(items.length - 1 - index) % PALETTE.length], borderRadius: [0, 4, 4, 0] } };
        }),
        label: { show: true, position: "right", color: "#14222e", formatter: function (p) { return compact.format(p.value); } },
      }],
    };
  }

  function treemap(data) {
    return {
      color: PALETTE,
      textStyle: { fontFamily: font },
      tooltip: {
        formatter: function (item) {
          var title = item.data.title || item.name;
          return escape(title) + "<br>" + full.format(item.value);
        },
      },
      series: [{
        type: "treemap", roam: false, nodeClick: false, breadcrumb: { show: false },
        left: 0, right: 0, top: 0, bottom: 0,
        label: { formatter: function (p) { return p.name + "\n" + compact.format(p.value); }, fontSize: 12, lineHeight: 16 },
        itemStyle: { borderColor: "#fff", borderWidth: 2, gapWidth: 2 },
        data: data.items.map(function (i, index) {
          return { name: i.name, value: number(i.value), title: i.title, itemStyle: { color: PALETTE[index % PALETTE.length] } };
        }),
      }],
    };
  }

  // return rates (percent): the bars carry "2.02 %", the tooltip the values behind them
  function rates(data) {
    var items = data.items.slice().reverse();
    return {
      textStyle: { fontFamily: font },
      grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          var row = items[item.dataIndex];
          return escape(row.name) + "<br>" + escape(row.display) + " · " + full.format(number(row.returned)) + " / " + full.format(number(row.released));
        },
      },
      xAxis: { type: "value", axisLabel: { show: false }, splitLine: GRID_LINE },
      yAxis: { type: "category", data: items.map(function (i) { return i.name; }), axisTick: { show: false }, axisLabel: { color: AXIS.color } },
      series: [{
        type: "bar", barMaxWidth: 20,
        data: items.map(function (i) { return { value: number(i.value), itemStyle: { color: PALETTE[2 % PALETTE.length], borderRadius: [0, 4, 4, 0] } }; }),
        label: { show: true, position: "right", color: "#14222e", formatter: function (p) { return items[p.dataIndex].display; } },
      }],
    };
  }

  // imports and exports side by side, month by month (the series' names come from the page)
  function flows(data) {
    var points = data.points;
    var series = function (name, key, color) {
      return { name: name, type: "bar", barMaxWidth: 18, itemStyle: { color: color, borderRadius: [4, 4, 0, 0] },
        data: points.map(function (p) { return number(p[key]); }) };
    };
    return {
      textStyle: { fontFamily: font },
      legend: { top: 0, data: [text.imports, text.exports] },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var lines = [escape(items[0].axisValue)];
          items.forEach(function (item) {
            lines.push(item.marker + escape(item.seriesName) + ": " + (item.value === null ? "—" : full.format(item.value)));
          });
          return lines.join("<br>");
        },
      },
      xAxis: { type: "category", data: points.map(function (p) { return p.period; }), axisLabel: AXIS },
      yAxis: { type: "value", axisLabel: { color: AXIS.color, formatter: function (v) { return compact.format(v); } }, splitLine: GRID_LINE },
      series: [series(text.imports, "import", "#2f6fd6"), series(text.exports, "export", "#d68a2f")],
    };
  }

  var BUILDERS = { monthly: monthly, bar: bar, treemap: treemap, rates: rates, flows: flows };

  function draw(element) {
    fetch(element.dataset.src, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        var rows = data.points || data.items || [];
        if (!rows.length) { element.textContent = text.empty; return; }
        var chart = echarts.init(element, null, { renderer: "svg" });
        chart.setOption(BUILDERS[element.dataset.chart](data));
        new ResizeObserver(function () { chart.resize(); }).observe(element);
        element.dataset.rendered = "true";
      })
      .catch(function () { element.textContent = text.failed; element.dataset.rendered = "failed"; });
  }

  document.querySelectorAll("[data-chart]").forEach(draw);
})();
