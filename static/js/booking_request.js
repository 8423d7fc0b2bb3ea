/* The booking request form: show only the time fields of the chosen kind of booking (one-off,
   series, ...). Without JavaScript every field shows and the server ignores the others. */
(function () {
  "use strict";
  var radios = document.querySelectorAll('input[name="kind"]');
  if (!radios.length) {
    return;
  }
  function update() {
    var chosen = document.querySelector('input[name="kind"]:checked');
    var kind = chosen ? chosen.value : "one_off";
    document.querySelectorAll("[data-kinds]").forEach(function (el) {
      el.hidden = el.getAttribute("data-kinds").split(" ").indexOf(kind) === -1;
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
