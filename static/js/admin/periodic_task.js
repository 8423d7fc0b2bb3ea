/* The admin's periodic task form (django-celery-beat): under the crontab field, say the chosen
   schedule in words. Replaces the package's inline script, which the Content-Security-Policy
   refuses; the texts come from data-* attributes and a json_script block. */
(function () {
  "use strict";
  var script = document.getElementById("periodic-task-overrides");
  var data = document.getElementById("readable-crontabs");
  var select = document.getElementById("id_crontab");
  if (!script || !data || !select) {
    return;
  }
  var readable = JSON.parse(data.textContent);
  var help = document.querySelector(".field-crontab .help");
  var original = script.getAttribute("data-crontab-help") || "";
  var label = script.getAttribute("data-in-words") || "";

  document.querySelectorAll(".field-crontab_translation").forEach(function (row) {
    row.style.display = "none"; // the CSSOM, allowed by the policy, like jQuery.hide()
  });

  function update() {
    if (!help) {
      return;
    }
    help.textContent = original;
    var words = readable[select.value];
    if (words) {
      help.appendChild(document.createElement("br"));
      help.appendChild(document.createTextNode(label + " " + words));
    }
  }
  select.addEventListener("change", update);
})();
