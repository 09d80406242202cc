/* The whole school's summary sheets: poll the job's progress until it is done (no inline script). */
(function () {
  "use strict";
  var box = document.getElementById("sheet-progress");
  if (!box) { return; }
  var url = box.dataset.statusUrl;
  function field(name) { return box.querySelector('[data-field="' + name + '"]'); }
  var initial = field("bar");
  if (initial && initial.dataset.percent) { initial.style.width = initial.dataset.percent + "%"; }
  function show(data) {
    field("status").textContent = data.status_display;
    field("done").textContent = data.done;
    field("total").textContent = data.total;
    var bar = field("bar");
    bar.style.width = data.percent + "%";
    bar.textContent = data.percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", data.percent);
    field("error").textContent = data.error || "";
    if (data.download) {
      var link = field("download");
      link.href = data.download;
      link.classList.remove("d-none");
    }
  }
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (data.status === "queued" || data.status === "running") { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
