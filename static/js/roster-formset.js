// The proposed roster on the application form: "Add another person" adds a row in place.
// Without JavaScript the same button submits the form and the server adds the row, so this
// is only an enhancement. Loaded with `defer` by the apply page (no inline scripts: CSP).
(function () {
  "use strict";

  function firstField(row) {
    return row.querySelector("input:not([type=hidden]), select, textarea");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-roster-add]");
    if (!button) {
      return;
    }
    var prefix = button.getAttribute("data-roster-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var most = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById("roster-empty-person");
    var rows = document.querySelector("[data-roster-rows]");
    if (!total || !template || !rows) {
      return;
    }
    var index = parseInt(total.value, 10);
    if (most && index >= parseInt(most.value, 10)) {
      return; // Let the server say the roster is full.
    }
    event.preventDefault();
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    var field = firstField(row);
    if (field) {
      field.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    // After the server added a row (no JavaScript the first time), start typing in it.
    if (document.querySelector("[data-roster-add][data-focus-last]")) {
      var people = document.querySelectorAll("[data-roster-person]");
      var last = people[people.length - 1];
      var field = last && firstField(last);
      if (field) {
        field.focus();
      }
    }
  });
})();
