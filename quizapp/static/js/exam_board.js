// The live board refreshes itself from GET /api/v1/exams/{id}/board every 15 seconds.
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) return;
  var url = root.getAttribute("data-url");
  var rows = document.getElementById("board-rows");
  var updated = document.getElementById("board-updated");

  function cell(text, numeric) {
    var td = document.createElement("td");
    if (numeric) td.className = "num";
    td.textContent = text;
    return td;
  }

  function render(board) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-key]"), function (el) {
      el.textContent = board[el.getAttribute("data-key")];
    });
    rows.textContent = "";
    board.departments.forEach(function (d) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(d.department));
      ["invited", "started", "submitted", "not_started"].forEach(function (key) { tr.appendChild(cell(d[key], true)); });
      rows.appendChild(tr);
    });
    updated.textContent = new Date().toLocaleTimeString("zh-CN", { hour12: false });
  }

  function refresh() {
    if (document.visibilityState === "hidden") return;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (board) { if (board) render(board); })
      .catch(function () { /* try again next time */ });
  }

  setInterval(refresh, 15000);
  document.addEventListener("visibilitychange", refresh);
})();
