/* A copy button: <button data-copy-from="ID" data-copied-text="Copied" hidden>. The button is
   shown only where this file runs (without JavaScript the address can still be selected and
   copied by hand); pressing it copies the value of the field ID and says so in the button and
   in an element with the id "ID-status" (a polite live region), for screen readers. */
(function () {
  "use strict";

  function copy(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    field.focus();
    field.select();
    return new Promise(function (resolve, reject) {
      (document.execCommand && document.execCommand("copy")) ? resolve() : reject();
    });
  }

  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-from"));
    if (!field) { return; }
    var label = button.textContent;
    var status = document.getElementById(field.id + "-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(field).then(function () {
        var done = button.getAttribute("data-copied-text") || label;
        button.textContent = done;
        if (status) { status.textContent = done; }
        window.setTimeout(function () { button.textContent = label; }, 3000);
      }, function () {
        field.focus();
        field.select();
      });
    });
  });
})();
