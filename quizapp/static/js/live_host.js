// Live contest, the host console: the next steps as buttons, the current question with its
// key, the answers in order of receipt, standings, and score corrections.
(function () {
  "use strict";
  var root = document.getElementById("host");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };
  var doc = null, busy = false;
  var poll = Live.poller(root.dataset.stateUrl, Number(root.dataset.poll) || 1000, function (next) {
    doc = next;
    render();
  }, function (online) { Live.show($("host-offline"), !online); });

  function render() {
    Live.text($("host-phase"), doc.paused ? "已暂停" : doc.phase_label);
    Live.text($("host-progress"), doc.number ? "第" + doc.number + "题 / 共" + doc.total + "题 · " + doc.round.label : "共" + doc.total + "题");
    var actions = $("host-actions");
    actions.textContent = "";
    doc.actions.forEach(function (item) {
      var button = Live.el("button", item.action === "pause" || item.action === "finish" ? "secondary" : "", item.label);
      button.type = "button";
      button.dataset.action = item.action;
      button.disabled = busy;
      actions.appendChild(button);
    });
    if (!doc.actions.length) actions.appendChild(Live.el("p", "muted", "比赛已结束。"));
    var counts = "已加入 " + doc.joined + " 人";
    if (doc.answered != null && doc.question) counts += " · 本题已作答 " + doc.answered + " 人";
    if (doc.phase === "staking") counts += " · 已选分值 " + (doc.staked || 0) + " 人";
    Live.text($("host-counts"), counts);
    Live.show($("delete-contest"), doc.status === "lobby");
    renderQuestion();
    renderAnswers();
    fill($("host-top"), (doc.top || []).map(function (r) { return r.rank + ". " + r.name + "（" + r.team + "） " + Live.score(r.score) + "分"; }));
    fill($("host-teams"), (doc.teams || []).map(function (r) { return r.rank + ". " + r.team + "（" + r.members + "人） " + Live.score(r.score) + "分"; }));
    tick();
  }

  function fill(list, lines) {
    list.textContent = "";
    lines.forEach(function (line) { list.appendChild(Live.el("li", "", line)); });
    if (!lines.length) list.appendChild(Live.el("li", "muted", "暂无"));
  }

  function renderQuestion() {
    var q = doc.host_question;
    Live.show($("host-question"), !!q);
    if (!q) return;
    Live.text($("hq-round"), doc.round.label + " · " + doc.round.seconds + "秒");
    Live.text($("hq-key"), doc.host_key);
    Live.text($("hq-stem"), q.stem);
    var list = $("hq-options");
    list.textContent = "";
    q.options.forEach(function (option) {
      var count = doc.distribution ? " — " + (doc.distribution[option.key] || 0) + "人" : "";
      list.appendChild(Live.el("li", "", (option.key.length === 1 ? option.key + ". " : "") + option.text + count));
    });
    Live.text($("hq-explanation"), q.explanation ? "解析：" + q.explanation : "");
  }

  function renderAnswers() {
    var rows = doc.first_answers || [];
    Live.show($("host-answers-box"), rows.length > 0);
    var body = $("host-answers");
    body.textContent = "";
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      [row.name, row.team, row.answer, row.seconds, row.correct ? "正确" : "错误",
       row.points == null ? "—" : Live.score(row.points)].forEach(function (value, index) {
        tr.appendChild(Live.el("td", index === 3 || index === 5 ? "num" : "", value));
      });
      body.appendChild(tr);
    });
  }

  function tick() { Live.countdown($("host-timer"), doc, poll.now(), true); }
  setInterval(tick, 250);

  $("host-actions").addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button || busy) return;
    var action = button.dataset.action;
    if (action === "finish" && !window.confirm("确定结束比赛吗？结束后将公布最终排名并计入积分。")) return;
    busy = true;
    Live.show($("host-error"), false);
    Array.prototype.forEach.call($("host-actions").querySelectorAll("button"), function (b) { b.disabled = true; });
    Live.post(root.dataset.actionUrl, { action: action }).then(function (result) {
      busy = false;
      if (result.ok) { doc = result.data; render(); }
      else { Live.text($("host-error"), Live.errorMessage(result)); Live.show($("host-error"), true); poll.refresh(); }
    }).catch(function () {
      busy = false;
      Live.text($("host-error"), "网络中断，操作可能未完成，请看状态后再试。");
      Live.show($("host-error"), true);
      poll.refresh();
    });
  });

  $("correction").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var body = { badge: form.badge.value.trim(), points: form.points.value.trim(), reason: form.reason.value.trim() };
    Live.text($("c-status"), "正在提交…");
    Live.post(root.dataset.correctionUrl, body).then(function (result) {
      if (result.ok) {
        Live.text($("c-status"), "已更正 " + body.badge + " 的得分 " + result.data.points + " 分，并记入审计日志。");
        form.reset();
        poll.refresh();
      } else {
        Live.text($("c-status"), Live.errorMessage(result));
      }
    }).catch(function () { Live.text($("c-status"), "网络中断，请重试。"); });
  });
})();
