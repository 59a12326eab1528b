// The review board's sorting (templates/measures/charts/review_board.html), done in the
// browser so faculty can flip between orders without a reload. The links it handles
// already sort on the server (?sort=signal, ?sort=signal&measure=<id>, ?sort=team), so
// without JavaScript the page behaves the same. Loaded with `defer` (no inline scripts:
// the Content Security Policy forbids them).
(function () {
  "use strict";

  var STATUS = {
    team: "Sorted by team name.",
    signal: "Sorted by signal, concerning first.",
  };

  function number(row, name) {
    return parseInt(row.getAttribute(name), 10) || 0;
  }

  function cellRank(row, column) {
    var cell = row.querySelectorAll("td")[column];
    return cell ? parseInt(cell.getAttribute("data-rank"), 10) : 99;
  }

  function comparer(kind, column) {
    if (kind === "team") {
      return function (a, b) {
        return number(a, "data-name-position") - number(b, "data-name-position");
      };
    }
    if (kind === "measure") {
      // That measure's signal (concerning, improving, common cause, no data), then the
      // team's overall signal order.
      return function (a, b) {
        return (
          cellRank(a, column) - cellRank(b, column) ||
          number(a, "data-signal-position") - number(b, "data-signal-position")
        );
      };
    }
    return function (a, b) {
      return number(a, "data-signal-position") - number(b, "data-signal-position");
    };
  }

  function markCurrent(table, link, kind, column) {
    document.querySelectorAll("[data-sort]").forEach(function (other) {
      other.removeAttribute("aria-current");
      if (other.classList.contains("btn")) {
        other.classList.remove("btn-secondary");
        other.classList.add("btn-outline-secondary");
      }
    });
    link.setAttribute("aria-current", "true");
    if (link.classList.contains("btn")) {
      link.classList.remove("btn-outline-secondary");
      link.classList.add("btn-secondary");
    }
    table.querySelectorAll("thead th").forEach(function (header) {
      header.removeAttribute("aria-sort");
    });
    var headers = table.querySelectorAll("thead th");
    if (kind === "team") {
      headers[0].setAttribute("aria-sort", "ascending");
    } else if (kind === "measure") {
      var header = table.querySelector('thead th[data-column="' + column + '"]');
      if (header) {
        header.setAttribute("aria-sort", "other");
      }
    } else {
      headers[0].setAttribute("aria-sort", "other");
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-sort]");
    var table = document.querySelector("[data-review-board]");
    if (!link || !table) {
      return;
    }
    event.preventDefault();
    var kind = link.getAttribute("data-sort");
    var column = parseInt(link.getAttribute("data-column"), 10);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(comparer(kind, column));
    rows.forEach(function (row) {
      body.appendChild(row);
    });
    markCurrent(table, link, kind, column);
    var status = document.getElementById("board-sort-status");
    if (status) {
      var text = STATUS[kind] || STATUS.signal;
      if (kind === "measure") {
        var header = table.querySelector('thead th[data-column="' + column + '"] a');
        text = "Sorted by signal on " + (header ? header.textContent.trim() : "this measure") + ", concerning first.";
      }
      status.textContent = text;
    }
    // Keep the order on reload and when the address is shared.
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", link.getAttribute("href"));
    }
  });
})();
