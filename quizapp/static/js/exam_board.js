// The live board refreshes itself from GET /api/v1/exams/{id}/board every 15 seconds.
// Only the numbers change in place (the links to the names and the per-department 提醒 stay);
// when the departments themselves change (a draw, a replacement) the page reloads.
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) return;
  var url = root.getAttribute("data-url");
  var rows = document.getElementById("board-rows");
  var updated = document.getElementById("board-updated");

  function fill(scope, values) {
    Array.prototype.forEach.call(scope.querySelectorAll("[data-key]"), function (el) {
      el.textContent = values[el.getAttribute("data-key")];
    });
  }

  function render(board) {
    var shown = rows.querySelectorAll("tr[data-department]");
    var same = shown.length === board.departments.length && board.departments.every(function (d, i) {
      return shown[i].getAttribute("data-department") === d.department;
    });
    if (!same) { window.location.reload(); return; }
    Array.prototype.forEach.call(root.querySelectorAll(".stats [data-key]"), function (el) {
      el.textContent = board[el.getAttribute("data-key")];
    });
    board.departments.forEach(function (d, i) {
      fill(shown[i], d);
      var remind = shown[i].querySelector("[data-remind]");
      if (remind) remind.hidden = !d.not_started;
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
