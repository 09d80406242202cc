// Compliance dashboard: a filter box above each long table (progressive enhancement; the page works without it).
(function () {
  "use strict";
  var MIN_ROWS = 12;
  document.querySelectorAll("table[data-filterable]").forEach(function (table) {
    var rows = Array.prototype.slice.call(table.tBodies[0] ? table.tBodies[0].rows : []);
    if (rows.length < MIN_ROWS) {
      return;
    }
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-2 table-filter";
    input.placeholder = "Найти в таблице…";
    input.setAttribute("aria-label", "Найти в таблице");
    var holder = table.closest(".table-responsive") || table;
    holder.parentNode.insertBefore(input, holder);
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      rows.forEach(function (row) {
        var hit = !needle || row.textContent.toLowerCase().indexOf(needle) !== -1;
        row.classList.toggle("filtered-out", !hit);
      });
    });
  });
})();
