// Collaborative forms: slug suggestion, kind defaults, adding aim goals, filter switches.
// Loaded with `defer` by the pages that need it; everything is an enhancement and the
// forms work without it (the server suggests the slug and applies the kind's defaults).
(function () {
  "use strict";

  function slugify(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/g, "");
  }

  // <input data-slug-source="#id_slug">: fill the slug from the name until the user types one.
  function setUpSlug(root) {
    root.querySelectorAll("[data-slug-source]").forEach(function (source) {
      var target = document.querySelector(source.getAttribute("data-slug-source"));
      if (!target) {
        return;
      }
      var touched = target.value !== "" && target.value !== slugify(source.value);
      target.addEventListener("input", function () {
        touched = target.value !== "";
      });
      source.addEventListener("input", function () {
        if (!touched) {
          target.value = slugify(source.value);
        }
      });
    });
  }

  // Numbers marked data-kind-default follow the kind's defaults (from the
  // kind-defaults JSON) until the user edits them. On the settings page the
  // saved numbers count as edited: changing the kind keeps them.
  function setUpKindDefaults(form) {
    var data = document.getElementById("kind-defaults");
    var kind = form.querySelector("[name=kind]");
    if (!data || !kind) {
      return;
    }
    var defaults = JSON.parse(data.textContent);
    var editing = form.hasAttribute("data-editing");
    var fields = form.querySelectorAll("[data-kind-default]");
    fields.forEach(function (field) {
      var current = defaults[kind.value] || {};
      var name = field.getAttribute("data-kind-default");
      field.dataset.edited = editing || String(current[name]) !== field.value ? "yes" : "no";
      field.addEventListener("input", function () {
        field.dataset.edited = "yes";
      });
    });
    kind.addEventListener("change", function () {
      var values = defaults[kind.value];
      if (!values) {
        return;
      }
      fields.forEach(function (field) {
        var name = field.getAttribute("data-kind-default");
        if (field.dataset.edited !== "yes" && name in values) {
          field.value = values[name];
        }
      });
    });
  }

  // Aim goals: "Add a goal" clones the formset's empty row.
  function setUpGoals(form) {
    var button = form.querySelector("[data-add-goal]");
    var template = form.querySelector("template[data-goal-template]");
    var list = form.querySelector("[data-goal-list]");
    var total = form.querySelector("[name=goals-TOTAL_FORMS]");
    if (!button || !template || !list || !total) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = list.lastElementChild;
      var first = added && added.querySelector("input[type=text]");
      if (first) {
        first.focus();
      }
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-submit-on-change]") && target.form) {
      target.form.submit();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpSlug(document);
    document.querySelectorAll("form[data-kind-form]").forEach(function (form) {
      setUpKindDefaults(form);
      setUpGoals(form);
    });
  });
})();
