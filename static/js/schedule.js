// Call forms: show the "Team role" field only for affinity-group calls.
// Without JavaScript the field is simply always shown; the server checks it either way.
(function () {
  "use strict";

  function setUp(form) {
    var kind = form.querySelector("select[name=kind]");
    var role = form.querySelector("select[name=affinity_role]");
    if (!kind || !role) {
      return;
    }
    var wrapper = role.closest(".mb-3") || role.parentElement;
    function update() {
      var isAffinity = kind.value === "affinity";
      wrapper.hidden = !isAffinity;
      role.required = isAffinity;
    }
    kind.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-call-kind-form]").forEach(setUp);
  });
})();
