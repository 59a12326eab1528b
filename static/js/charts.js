// Draws every chart on the page: <div data-chart data-chart-figure="ID"> with the
// figure in <script type="application/json" id="ID"> (Django's json_script).
// Loaded with `defer` after plotly.min.js (templates/measures/charts/_scripts.html);
// the Content Security Policy forbids inline scripts, so all behaviour lives here.
// Without JavaScript the page still has the explanations, the text summary and the
// data table.
(function () {
  "use strict";

  function readFigure(element) {
    var source = document.getElementById(element.getAttribute("data-chart-figure"));
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent);
    } catch (error) {
      return null;
    }
  }

  // On a phone the page heading names the chart: drop the title (Plotly titles do
  // not wrap), and label fewer months so the ticks stay horizontal. The written
  // labels of learning sessions and PDSA cycles would overlap there: the bands and
  // markers stay (with their hover text), and the data table below names them.
  function narrow(layout) {
    layout.title = { text: "" };
    if (Array.isArray(layout.annotations)) {
      layout.annotations = layout.annotations.filter(function (note) {
        return note.name !== "session" && note.name !== "pdsa";
      });
    }
    layout.margin = Object.assign({}, layout.margin, { t: 30, l: 45, r: 10 });
    if (layout.xaxis && layout.xaxis.type === "date") {
      layout.xaxis.dtick = "M6";
    }
    if (layout.yaxis && layout.yaxis.title) {
      layout.yaxis.title.font = { size: 11 };
    }
  }

  function draw(element) {
    if (element.getAttribute("data-chart-drawn") === "true") {
      return;
    }
    var figure = readFigure(element);
    if (!figure || !window.Plotly) {
      element.classList.add("chart-unavailable");
      return;
    }
    var config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {});
    var layout = figure.layout || {};
    if (config.displayModeBar !== false && element.clientWidth < 540) {
      narrow(layout);
    }
    element.setAttribute("data-chart-drawn", "true");
    element.classList.add("chart-drawn");
    window.Plotly.newPlot(element, figure.data || [], layout, config);
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(draw);
  }

  // A chart inside a closed <details> or a hidden tab has no width when drawn;
  // resize it when it becomes visible.
  document.addEventListener(
    "toggle",
    function (event) {
      if (event.target.open && window.Plotly) {
        event.target.querySelectorAll("[data-chart-drawn]").forEach(function (element) {
          window.Plotly.Plots.resize(element);
        });
      }
    },
    true
  );

  // Charts that arrive in an htmx swap are drawn too.
  document.addEventListener("htmx:afterSettle", function (event) {
    drawAll(event.target);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      drawAll(document);
    });
  } else {
    drawAll(document);
  }

  window.bscCharts = { drawAll: drawAll };
})();
