// Planning pages: selects that submit their form, confirmations, and the timetable's click-to-fill.
(function () {
  "use strict";

  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  // Timetable: a click on a cell puts its weekday and lesson number into the «add» form.
  var form = document.getElementById("slot-form");
  var table = document.querySelector("[data-timetable]");
  if (form && table) {
    table.addEventListener("click", function (event) {
      if (event.target.closest("form, button, a")) return;
      var cell = event.target.closest("td[data-weekday]");
      if (!cell) return;
      form.elements.weekday.value = cell.getAttribute("data-weekday");
      form.elements.number.value = cell.getAttribute("data-number");
      table.querySelectorAll("td.selected").forEach(function (td) { td.classList.remove("selected"); });
      cell.classList.add("selected");
      form.elements.assignment.focus();
    });
  }
})();
