// Behaviour for the server-rendered pages. Loaded with `defer` from base.html;
// the Content Security Policy forbids inline scripts, so everything lives here.
// Every feature is an enhancement: the pages work without JavaScript.
(function () {
  "use strict";

  // <form data-confirm="Are you sure?">: ask before submitting a destructive action.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <button data-copy-target="#id" hidden>: copy the field's value to the clipboard.
  // The button is hidden in the HTML and only shown when copying can work.
  function setUpCopyButtons(root) {
    if (!navigator.clipboard) {
      return;
    }
    root.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) {
      return;
    }
    var field = document.querySelector(button.getAttribute("data-copy-target"));
    var status = document.querySelector(button.getAttribute("data-copy-status") || "#copy-status");
    if (!field) {
      return;
    }
    navigator.clipboard.writeText(field.value || field.textContent).then(
      function () {
        if (status) {
          status.textContent = "Copied to the clipboard.";
        }
      },
      function () {
        field.select();
        if (status) {
          status.textContent = "Copying did not work: the text is selected, copy it with your keyboard.";
        }
      }
    );
  });

  // Selecting the whole secret on focus saves a fiddly drag on a phone.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpCopyButtons(document);
  });
})();
