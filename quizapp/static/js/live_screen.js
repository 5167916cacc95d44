// Live contest, the big screen: join code and joined teams, the question with its countdown
// and answered count, the answer distribution, standings and the final podium.
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };
  var doc = null, builtFor = null;
  var poll = Live.poller(root.dataset.stateUrl, Number(root.dataset.poll) || 500, function (next) {
    doc = next;
    render();
  }, function (online) { Live.show($("screen-offline"), !online); });

  function view(name) {
    ["lobby", "card", "question", "board", "podium"].forEach(function (v) { Live.show($("view-" + v), v === name); });
  }

  function render() {
    Live.show($("screen-paused"), doc.paused);
    Live.text($("screen-progress"), doc.number ? "第" + doc.number + "题 / 共" + doc.total + "题" : "共" + doc.total + "题");
    var phase = doc.phase;
    if (phase === "lobby") { view("lobby"); renderLobby(); }
    else if (phase === "ready" || phase === "staking") { view("card"); renderCard(); }
    else if (["shown", "open", "closed", "revealed"].indexOf(phase) >= 0) { view("question"); renderQuestion(); }
    else if (phase === "leaderboard") { view("board"); renderBoard(); }
    else if (phase === "podium") { view("podium"); renderPodium(); }
  }

  function renderLobby() {
    Live.text($("joined-total"), doc.joined);
    var list = $("joined-teams");
    list.textContent = "";
    doc.joined_teams.forEach(function (row) {
      var item = Live.el("li", "team-chip");
      item.appendChild(Live.el("span", "", row.team));
      item.appendChild(Live.el("strong", "", row.count));
      list.appendChild(item);
    });
  }

  function renderCard() {
    Live.text($("card-number"), "第" + doc.number + "题");
    Live.text($("card-round"), doc.round.label);
    var rule = doc.round.kind === "required" ? "每题" + doc.round.points + "分，答对越快得分越多，限时" + doc.round.seconds + "秒"
      : doc.round.kind === "buzz" ? "最先答对者得" + doc.round.points + "分" + (doc.round.penalty ? "，答错扣" + doc.round.penalty + "分" : "")
      : "请在手机上选择本题分值：10分、20分或30分，答对加分、答错扣分";
    Live.text($("card-rule"), rule);
    Live.text($("card-staked"), doc.phase === "staking" ? "已选择分值 " + (doc.staked || 0) + " 人" : "");
  }

  function renderQuestion() {
    var q = doc.question;
    Live.text($("sq-number"), "第" + doc.number + "题");
    Live.text($("sq-round"), doc.round.label + " · " + q.type_label);
    Live.text($("sq-stem"), q.stem);
    Live.text($("sq-answered"), "已作答 " + (doc.answered || 0) + " / " + doc.joined);
    var key = doc.key == null ? [] : [].concat(doc.key);
    var counts = doc.distribution || null;
    var most = 1;
    if (counts) Object.keys(counts).forEach(function (k) { most = Math.max(most, counts[k]); });
    var list = $("sq-options");
    if (builtFor !== doc.position) {
      list.textContent = "";
      q.options.forEach(function (option, index) {
        var item = Live.el("li", "sq-option c" + index);
        item.dataset.key = option.key;
        if (q.type !== "judge") item.appendChild(Live.el("span", "sq-key", option.key));
        item.appendChild(Live.el("span", "sq-text", option.text));
        var bar = Live.el("span", "sq-bar");
        bar.appendChild(Live.el("span", "sq-fill"));
        bar.appendChild(Live.el("span", "sq-count"));
        item.appendChild(bar);
        list.appendChild(item);
      });
      builtFor = doc.position;
    }
    Array.prototype.forEach.call(list.children, function (item) {
      var k = item.dataset.key;
      var bar = item.querySelector(".sq-bar");
      Live.show(bar, !!counts);
      if (counts) {
        item.querySelector(".sq-fill").style.width = Math.round(100 * (counts[k] || 0) / most) + "%";
        Live.text(item.querySelector(".sq-count"), (counts[k] || 0) + "人");
      }
      item.classList.toggle("right", key.indexOf(k) >= 0);
      item.classList.toggle("dim", key.length > 0 && key.indexOf(k) < 0);
    });
    renderResult();
    tick();
  }

  function renderResult() {
    var box = $("sq-result");
    var result = doc.result;
    if (!result) { Live.show(box, false); return; }
    var parts = ["正确答案：" + doc.key_label, "答对 " + result.right + " 人 / 作答 " + result.answered + " 人"];
    if (result.winner) parts.push("抢答成功：" + result.winner.name + "（" + result.winner.team + "）+" + Live.score(result.winner.points) + "分");
    else if (doc.round.kind === "buzz") parts.push("无人抢答成功");
    if (result.fastest) parts.push("最快答对：" + result.fastest.name + "（" + result.fastest.team + "，" + result.fastest.seconds + "秒）");
    box.textContent = "";
    parts.forEach(function (line) { box.appendChild(Live.el("p", "", line)); });
    if (doc.explanation) box.appendChild(Live.el("p", "sq-explanation", "解析：" + doc.explanation));
    Live.show(box, true);
  }

  function tick() { Live.countdown($("sq-timer"), doc, poll.now(), false); }
  setInterval(tick, 200);

  function fillBoard(list, rows, teamRows) {
    list.textContent = "";
    rows.forEach(function (row) {
      var item = Live.el("li", "board-row");
      var rank = Live.el("span", "board-rank");
      rank.appendChild(Live.place(row.rank));
      item.appendChild(rank);
      item.appendChild(Live.el("span", "board-name", teamRows ? row.team : row.name));
      item.appendChild(Live.el("span", "board-team", teamRows ? row.members + "人" : row.team));
      item.appendChild(Live.el("span", "board-score", Live.score(row.score)));
      list.appendChild(item);
    });
  }

  function renderBoard() {
    fillBoard($("board-people"), doc.top || [], false);
    fillBoard($("board-teams"), (doc.teams || []).slice(0, 10), true);
  }

  function renderPodium() {
    var box = $("podium");
    box.textContent = "";
    var top = (doc.top || []).filter(function (row) { return row.rank <= 3; });
    [2, 1, 3].forEach(function (rank) {
      var column = Live.el("div", "podium-step p" + rank);
      top.filter(function (row) { return row.rank === rank; }).forEach(function (row) {
        column.appendChild(Live.el("p", "podium-name", row.name));
        column.appendChild(Live.el("p", "podium-team", row.team + " · " + Live.score(row.score) + "分"));
      });
      column.appendChild(Live.el("div", "podium-block", rank));
      box.appendChild(column);
    });
    fillBoard($("podium-teams"), (doc.teams || []).slice(0, 10), true);
    Live.text($("podium-summary"), doc.summary || "");
  }
})();
