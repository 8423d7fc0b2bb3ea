/* Behaviour every page shares. No page has inline script or style attributes: the
   Content-Security-Policy (script-src 'self', style-src 'self') would block them, so pages pass
   values in data-* attributes and this file applies them. */
(function () {
  "use strict";

  // A bar drawn to a percentage: <div class="progress-bar" data-bar-width="42">. Set through the
  // CSSOM, which the policy allows, where a style="width: 42%" attribute would be refused. The
  // number is also written in words beside every bar, so nothing is lost without JavaScript.
  function drawBars(root) {
    root.querySelectorAll("[data-bar-width]").forEach(function (bar) {
      var share = Number(bar.getAttribute("data-bar-width"));
      if (isFinite(share)) {
        bar.style.width = Math.max(0, Math.min(100, share)) + "%";
      }
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(drawBars); // the page, and every fragment htmx swaps in later
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawBars(document); });
  } else {
    drawBars(document);
  }
})();
