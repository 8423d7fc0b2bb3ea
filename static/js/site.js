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

  // A stacked table (<table class="table-stack">, static/css/site.css): on a phone each row is a
  // card and each cell shows its column's name from data-label. A cell without one gets the text
  // of its column's header (colspan counted); a template may set its own, or data-label="" for
  // none.
  function labelCells(root) {
    var tables = root.matches && root.matches("table.table-stack") ? [root] : [];
    root.querySelectorAll("table.table-stack").forEach(function (table) { tables.push(table); });
    tables.forEach(function (table) {
      var header = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!header) { return; }
      var names = [];
      Array.prototype.forEach.call(header.cells, function (cell) {
        var name = (cell.textContent || "").replace(/\s+/g, " ").trim();
        for (var i = 0; i < (cell.colSpan || 1); i++) { names.push(name); }
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1 && names[column]) {
              cell.setAttribute("data-label", names[column]);
            }
            column += cell.colSpan || 1;
          });
        });
      });
    });
  }

  function enhance(root) {
    drawBars(root);
    labelCells(root);
  }

  if (window.htmx) {
    window.htmx.onLoad(enhance); // the page, and every fragment htmx swaps in later
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
