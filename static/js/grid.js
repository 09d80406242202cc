// The marks grid: keyboard-first editing, each cell saved on its own, no page reload.
// Server-rendered table (journal/grid.py); this script only moves the cursor and posts cells.
(function () {
  "use strict";
  var wrap = document.getElementById("grid-wrap");
  if (!wrap) return;
  var table = document.getElementById("grid");
  var statusBox = document.getElementById("status");
  var dialog = document.getElementById("details");
  var readOnly = wrap.dataset.ro === "1";
  var csrf = wrap.querySelector("input[name=csrfmiddlewaretoken]").value;
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var lessonCount = headers.length - 3; // name, lessons…, average, period mark
  var cur = null; // {r, c} — c counts data columns: 0..lessonCount-1 lessons, lessonCount = average, +1 = period mark
  var fresh = false; // a digit typed since the cursor arrived appends instead of replacing
  var queues = new WeakMap();

  if (readOnly) table.classList.add("ro");

  var select = document.querySelector("[data-autosubmit]");
  if (select) select.addEventListener("change", function () { select.form.submit(); });

  var ATT = { "н": "Н", "h": "Н", "n": "Н", "б": "Б", "b": "Б", "у": "У", "y": "У", "u": "У",
              "о": "ОП", "o": "ОП", "п": "ОП", "p": "ОП" };
  var PERIOD = { "н": "н/а", "h": "н/а", "n": "н/а", "о": "осв", "o": "осв", "з": "зач", "z": "зач" };

  function cell(r, c) { return rows[r] && rows[r].cells[c + 1]; }
  function isLesson(c) { return c < lessonCount; }
  function isPeriod(c) { return c === lessonCount + 1; }
  function header(c) { return headers[c + 1]; }

  function say(message, lateLink) {
    if (!message) { statusBox.classList.add("d-none"); return; }
    statusBox.textContent = message;
    if (lateLink && wrap.dataset.lateUrl) {
      var a = document.createElement("a");
      a.href = wrap.dataset.lateUrl + "?" + lateLink;
      a.className = "alert-link ms-2";
      a.textContent = "Подать заявление на изменение (раздел 4)";
      statusBox.appendChild(a);
    }
    statusBox.classList.remove("d-none");
  }

  function lateLinkFor(r, c) {
    var student = rows[r].dataset.s;
    if (isPeriod(c)) return "period=" + wrap.dataset.p + "&subject=" + wrap.dataset.subject + "&student=" + student;
    return "lesson=" + header(c).dataset.l + "&student=" + student;
  }

  function move(r, c) {
    var maxC = lessonCount + 1;
    if (c > maxC) { c = 0; r += 1; }
    if (c < 0) { c = maxC; r -= 1; }
    r = Math.max(0, Math.min(rows.length - 1, r));
    if (cur) { var old = cell(cur.r, cur.c); if (old) old.classList.remove("cur"); }
    cur = { r: r, c: c };
    fresh = false;
    var td = cell(r, c);
    if (!td) return;
    td.classList.add("cur");
    td.tabIndex = 0;
    td.focus({ preventScroll: false });
    td.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  // What the cell holds, as tokens: marks then the attendance code.
  function parts(td) {
    var marks = Array.prototype.map.call(td.querySelectorAll("i"), function (i) { return i.firstChild.nodeValue; });
    var code = td.querySelector("b");
    return { marks: marks, code: code ? code.textContent : "" };
  }

  function render(td, p) {
    var html = p.marks.map(function (m) { return "<i>" + m + "</i>"; }).join("");
    if (p.code) html += "<b>" + p.code + "</b>";
    td.innerHTML = html;
  }

  function post(url, data) {
    var body = new FormData();
    Object.keys(data).forEach(function (k) { body.append(k, data[k]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.json().catch(function () { return { ok: false, error: "Ошибка сервера (" + response.status + "). Изменение не сохранено." }; });
      }, function () { return { ok: false, error: "Нет связи с сервером. Изменение не сохранено — повторите." }; });
  }

  // Saves of one cell run one after another, each with the token the previous one returned.
  function enqueue(td, job) {
    var previous = queues.get(td) || Promise.resolve();
    var next = previous.then(job, job);
    queues.set(td, next);
    return next;
  }

  function finish(td, result, r, c) {
    td.classList.remove("sv");
    if (result.k !== undefined) td.dataset.k = result.k;
    if (result.h !== undefined) td.innerHTML = result.h;
    if (result.ok) {
      td.classList.remove("er");
      td.classList.remove("ok"); void td.offsetWidth; td.classList.add("ok");
      say("");
    } else {
      td.classList.add("er");
      say(result.error, result.locked ? lateLinkFor(r, c) : null);
    }
  }

  function saveLesson(td, r, c, p) {
    var text = p.marks.concat(p.code ? [p.code] : []).join(" ");
    render(td, p);
    td.classList.add("sv");
    enqueue(td, function () {
      return post(wrap.dataset.cellUrl, {
        lesson: header(c).dataset.l, student: rows[r].dataset.s, text: text, expected: td.dataset.k || ""
      }).then(function (result) { finish(td, result, r, c); });
    });
  }

  function savePeriod(td, r, value) {
    td.textContent = value;
    td.classList.add("sv");
    enqueue(td, function () {
      return post(wrap.dataset.pmUrl, {
        student: rows[r].dataset.s, period: wrap.dataset.p, value: value, expected: td.dataset.k || ""
      }).then(function (result) {
        td.classList.remove("sv");
        if (result.k !== undefined) { td.dataset.k = result.k; td.textContent = result.h; }
        if (result.ok) { td.classList.remove("er"); say(""); }
        else { td.classList.add("er"); say(result.error, result.locked ? lateLinkFor(r, lessonCount + 1) : null); }
      });
    });
  }

  function lockedMessage(c, what) {
    var title = header(c).getAttribute("title") || "";
    return "Срок редактирования истёк (" + what + "). " + title.split("\n")[1] +
      ". Изменение возможно только по заявлению на имя директора (раздел 4 положения).";
  }

  function onKey(event) {
    if (!cur || dialog.open) return;
    var key = event.key;
    var r = cur.r, c = cur.c;
    switch (key) {
      case "ArrowUp": move(r - 1, c); event.preventDefault(); return;
      case "ArrowDown": move(r + 1, c); event.preventDefault(); return;
      case "ArrowLeft": move(r, c - 1); event.preventDefault(); return;
      case "ArrowRight": move(r, c + 1); event.preventDefault(); return;
      case "Tab": move(r, event.shiftKey ? c - 1 : c + 1); event.preventDefault(); return;
      case "Home": move(r, 0); event.preventDefault(); return;
      case "End": move(r, lessonCount - 1); event.preventDefault(); return;
    }
    if (readOnly || event.ctrlKey || event.metaKey || event.altKey) return;
    var td = cell(r, c);
    if (isPeriod(c)) {
      var value = null;
      if (/^[1-5]$/.test(key)) value = key;
      else if (PERIOD[key.toLowerCase()]) value = PERIOD[key.toLowerCase()];
      else if (key === "Delete" || key === "Backspace") value = "";
      if (value === null) return;
      event.preventDefault();
      if (header(c).dataset.f.indexOf("p") < 0) { say("Срок выставления отметок за период истёк. Изменение возможно только по заявлению (раздел 4).", lateLinkFor(r, c)); return; }
      savePeriod(td, r, value);
      if (value) move(r + 1, c);
      return;
    }
    if (!isLesson(c)) return;
    var flags = header(c).dataset.f || "";
    var p = parts(td);
    if (key === "Enter") { event.preventDefault(); openDetails(r, c); return; }
    if (/^[1-5]$/.test(key)) {
      event.preventDefault();
      var adding = fresh || p.marks.length === 0;
      if (adding ? flags.indexOf("m") < 0 : flags.indexOf("c") < 0) { say(lockedMessage(c, "отметки"), lateLinkFor(r, c)); return; }
      p.marks = fresh ? p.marks.concat([key]) : [key];
      fresh = true;
      saveLesson(td, r, c, p);
      return;
    }
    var code = ATT[key.toLowerCase()];
    if (code) {
      event.preventDefault();
      if (flags.indexOf("a") < 0) { say(lockedMessage(c, "посещаемость"), lateLinkFor(r, c)); return; }
      p.code = p.code === code ? "" : code;
      saveLesson(td, r, c, p);
      move(r + 1, c);
      return;
    }
    if (key === "Delete" || key === "Backspace") {
      event.preventDefault();
      if (!p.marks.length && !p.code) return;
      if (p.marks.length && flags.indexOf("c") < 0) { say(lockedMessage(c, "отметки"), lateLinkFor(r, c)); return; }
      if (key === "Delete") { p.marks = []; p.code = ""; }
      else if (p.code) { p.code = ""; } else { p.marks.pop(); }
      fresh = false;
      saveLesson(td, r, c, p);
    }
  }

  function openDetails(r, c) {
    var url = wrap.dataset.detailsUrl + "?lesson=" + header(c).dataset.l + "&student=" + rows[r].dataset.s;
    // Wait for the cell's pending saves, so the form shows (and sends back) the cell as it is now.
    enqueue(cell(r, c), function () { return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.text().then(function (t) { return { ok: response.ok, text: t }; }); })
      .then(function (result) {
        if (!result.ok) { say("Не удалось открыть клетку."); return; }
        dialog.innerHTML = result.text;
        dialog.showModal();
        var form = dialog.querySelector("form");
        var first = form.querySelector("select, input:not([type=hidden])");
        if (first) first.focus();
        form.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var td = cell(r, c);
          td.classList.add("sv");
          enqueue(td, function () {
            var data = {};
            new FormData(form).forEach(function (v, k) { data[k] = v; });
            return post(form.action, data).then(function (res) {
              finish(td, res, r, c);
              if (res.ok) { dialog.close(); td.focus(); }
              else { var box = form.querySelector(".alert") || document.createElement("div"); box.className = "alert alert-danger py-1 small"; box.textContent = res.error; form.prepend(box); }
            });
          });
        });
      }); });
  }

  dialog.addEventListener("close", function () { if (cur) { var td = cell(cur.r, cur.c); if (td) td.focus(); } });

  table.addEventListener("click", function (event) {
    var th = event.target.closest("thead th[data-l]");
    if (th && !readOnly) {
      window.location.href = wrap.dataset.lessonUrl.replace("/0/", "/" + th.dataset.l + "/") + "?period=" + wrap.dataset.p;
      return;
    }
    var td = event.target.closest("tbody td");
    if (!td) return;
    var tr = td.parentNode;
    move(rows.indexOf(tr), td.cellIndex - 1);
  });
  table.addEventListener("dblclick", function (event) {
    var td = event.target.closest("tbody td");
    if (td && cur && isLesson(cur.c) && !readOnly) openDetails(cur.r, cur.c);
  });
  document.addEventListener("keydown", onKey);
  if (rows.length && lessonCount > 0) move(0, Math.max(0, lessonCount - 1));
})();
