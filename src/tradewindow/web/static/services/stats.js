// Draws the professionals' statistics from /api/v1/services/stats/professionals (the same
// figures the page prints in its tables): recognitions decided each month with the running
// total, and those in the register now by home jurisdiction; the rule-integration items by
// field and status from /api/v1/services/stats/rules.
(function () {
  "use strict";

  var text = JSON.parse(document.getElementById("chart-text").textContent);
  var font = getComputedStyle(document.body).fontFamily;
  var AXIS = { color: "#4b5b68" };

  function monthly(data) {
    var months = data.months;
    return {
      color: ["#0f9d8a", "#2f6fd6"],
      textStyle: { fontFamily: font },
      legend: { top: 0, data: [text.month, text.total] },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: months.map(function (m) { return m.month; }), axisLabel: AXIS },
      yAxis: [{ type: "value", axisLabel: AXIS }, { type: "value", axisLabel: AXIS, splitLine: { show: false } }],
      series: [
        { name: text.month, type: "bar", barMaxWidth: 20, data: months.map(function (m) { return m.recognitions; }) },
        { name: text.total, type: "line", yAxisIndex: 1, smooth: true, data: months.map(function (m) { return m.total; }) },
      ],
    };
  }

  function homes(data) {
    return {
      color: ["#8a5cd6"],
      textStyle: { fontFamily: font },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "item" },
      xAxis: { type: "value", axisLabel: { show: false } },
      yAxis: { type: "category", data: data.byHome.map(function (c) { return text.homes[c.key] || c.key; }), axisLabel: AXIS },
      series: [{ type: "bar", barMaxWidth: 24, label: { show: true, position: "right" },
        data: data.byHome.map(function (c) { return c.count; }) }],
    };
  }

  function fields(data) {
    var rows = data.byField.slice().reverse();  // most items at the top
    var statuses = ["planned", "in_progress", "in_force", "withdrawn"];
    return {
      color: ["#c9a227", "#2f6fd6", "#0f9d8a", "#6b7b8c"],
      textStyle: { fontFamily: font },
      legend: { top: 0, data: statuses.map(function (s) { return text.statuses[s]; }) },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", axisLabel: AXIS },
      yAxis: { type: "category", data: rows.map(function (r) { return text.fields[r.field] || r.field; }), axisLabel: AXIS },
      series: statuses.map(function (s) {
        return { name: text.statuses[s], type: "bar", stack: "items", data: rows.map(function (r) { return r[s]; }) };
      }),
    };
  }

  var DRAW = { monthly: monthly, homes: homes, fields: fields };
  if (typeof echarts === "undefined") return;
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    fetch(element.getAttribute("data-src"), { headers: { Accept: "application/json" } })
      .then(function (answer) { if (!answer.ok) throw new Error(answer.status); return answer.json(); })
      .then(function (data) {
        var chart = echarts.init(element, null, { renderer: "svg" });
        chart.setOption(DRAW[element.getAttribute("data-chart")](data));
        window.addEventListener("resize", function () { chart.resize(); });
        element.setAttribute("data-drawn", "true");
      })
      .catch(function () { element.textContent = text.failed; });
  });
})();
