// Progress assessments: draws the share of teams at 4 or more and each team's faculty
// scores over time from the page's json_script data. The tables beside the charts hold
// the same numbers for screen readers and for browsers without JavaScript.
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("assessment-chart-data");
    if (!source || typeof window.Plotly === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var layout = {
      margin: { l: 40, r: 10, t: 10, b: 40 },
      height: 260,
      showlegend: true,
      legend: { orientation: "h", y: -0.25 },
    };
    var config = { displayModeBar: false, responsive: true };
    document.querySelectorAll("[data-assessment-chart]").forEach(function (element) {
      var kind = element.getAttribute("data-assessment-chart");
      if (kind === "share") {
        window.Plotly.newPlot(
          element,
          [{ x: data.months, y: data.share, mode: "lines+markers", name: "% of teams at 4 or more", connectgaps: false }],
          Object.assign({}, layout, { yaxis: { range: [0, 100], ticksuffix: "%" }, showlegend: false }),
          config
        );
      } else if (kind === "teams") {
        var traces = data.teams.map(function (team) {
          return { x: data.months, y: team.faculty, mode: "lines+markers", name: team.label, connectgaps: true };
        });
        window.Plotly.newPlot(
          element,
          traces,
          Object.assign({}, layout, { height: 320, yaxis: { range: [0, 5.2], dtick: 0.5 } }),
          config
        );
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
