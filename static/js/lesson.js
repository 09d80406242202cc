// Lesson page: «Все присутствуют» asks before clearing absences already marked.
(function () {
  "use strict";
  var button = document.querySelector("[data-all-present]");
  if (!button) return;
  button.addEventListener("click", function (event) {
    var marked = Array.prototype.some.call(button.form.querySelectorAll("select"), function (s) { return s.value; });
    if (marked && !window.confirm("Снять все отметки об отсутствии на этом уроке?")) event.preventDefault();
  });
})();
