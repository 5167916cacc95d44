// Live contest, the officer's phone: polls the contest's state, shows the question once the
// host shows it, sends one answer (or a 风险题 stake), and shows own points and place.
(function () {
  "use strict";
  var root = document.getElementById("phone");
  if (!root) return;
  var urls = { state: root.dataset.stateUrl, me: root.dataset.meUrl, answer: root.dataset.answerUrl,
               stake: root.dataset.stakeUrl };
  var $ = function (id) { return document.getElementById(id); };
  var doc = null, me = null, scoresSeen = null, builtFor = null, selected = [];
  var sent = {};    // question position -> {answer, status: sending|accepted|refused|failed, message}
  var stakes = {};  // question position -> stake chosen here
  var failed = {};  // question position -> an answer that could not be sent (tap again)
  var poll = Live.poller(urls.state, Number(root.dataset.poll) || 1000, onDoc, function (online) {
    Live.show($("offline"), !online);
  }, true);

  function onDoc(next) {
    doc = next;
    if (me === null || doc.scores_version !== scoresSeen) {
      // Points and places change for everyone at once (a reveal): spread the phones' requests.
      var first = me === null;
      scoresSeen = doc.scores_version;
      setTimeout(loadMe, first ? 0 : Math.random() * 1200);
    }
    render();
  }

  function loadMe() {
    Live.getJson(urls.me).then(function (data) {
      me = data;
      if (data.position != null) {
        if (data.answer != null && !sent[data.position]) sent[data.position] = { answer: data.answer, status: "accepted" };
        if (data.stake != null) stakes[data.position] = data.stake;
      }
      render();
    }).catch(function () { setTimeout(loadMe, 2000); });
  }

  function render() {
    if (!doc) return;
    Live.show($("paused"), doc.paused);
    renderScore();
    var phase = doc.phase;
    var stage = "wait";
    if (phase === "staking") stage = "stake";
    else if (["shown", "open", "closed", "revealed"].indexOf(phase) >= 0 && doc.question) stage = "question";
    else if (phase === "leaderboard" || phase === "podium") stage = "result";
    ["wait", "stake", "question", "result"].forEach(function (name) { Live.show($("stage-" + name), name === stage); });
    if (stage === "wait") renderWait();
    if (stage === "stake") renderStake();
    if (stage === "question") renderQuestion();
    if (stage === "result") renderResult();
  }

  function renderScore() {
    var box = $("me-score");
    if (!me || !me.joined || me.rank == null || doc.phase === "lobby") { Live.show(box, false); return; }
    Live.show(box, true);
    Live.text(box, "我的得分 " + Live.score(me.score) + " 分 · 第" + me.rank + "名（共" + me.of + "人）");
  }

  function renderWait() {
    if (doc.phase === "lobby") {
      Live.text($("wait-title"), "已加入竞赛");
      Live.text($("wait-text"), "您的代表队：" + (me && me.team ? me.team : "—") + "。请等待主持人开始。");
    } else {
      Live.text($("wait-title"), "第" + doc.number + "题 · " + doc.round.label);
      Live.text($("wait-text"), roundRule(doc.round) + "请看大屏幕，准备作答。");
    }
  }

  function roundRule(round) {
    if (round.kind === "required") return "答对得" + round.points + "分，越快越多。";
    if (round.kind === "buzz") return "最先答对者得" + round.points + "分" + (round.penalty ? "，答错扣" + round.penalty + "分" : "") + "。";
    return "答对加上所选分值，答错扣除。";
  }

  function renderStake() {
    var chosen = stakes[doc.position];
    Array.prototype.forEach.call(document.querySelectorAll(".stake"), function (button) {
      var value = Number(button.dataset.stake);
      button.classList.toggle("chosen", value === chosen);
      button.setAttribute("aria-pressed", value === chosen ? "true" : "false");
    });
    Live.text($("stake-status"), chosen ? "已选择 " + chosen + " 分，出题前可以更改。" : "尚未选择。");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".stake");
    if (!button || !doc || doc.phase !== "staking") return;
    var position = doc.position, value = Number(button.dataset.stake);
    Live.text($("stake-status"), "正在提交…");
    Live.post(urls.stake, { position: position, stake: value }).then(function (result) {
      if (result.ok) stakes[position] = value;
      else Live.text($("stake-status"), Live.errorMessage(result));
      if (result.ok) render();
    }).catch(function () { Live.text($("stake-status"), "网络不稳定，请再点一次。"); });
  });

  function buildOptions() {
    var box = $("q-options");
    box.textContent = "";
    selected = [];
    doc.question.options.forEach(function (option) {
      var button = Live.el("button", "option");
      button.type = "button";
      button.dataset.key = option.key;
      var letter = doc.question.type === "judge" ? "" : option.key;
      if (letter) button.appendChild(Live.el("span", "option-key", letter));
      button.appendChild(Live.el("span", "option-text", option.text));
      box.appendChild(button);
    });
    builtFor = doc.position + ":" + doc.v;
  }

  function renderQuestion() {
    var q = doc.question;
    if (builtFor === null || builtFor.split(":")[0] !== String(doc.position) || !$("q-options").children.length) buildOptions();
    Live.text($("q-number"), "第" + doc.number + "题");
    Live.text($("q-round"), doc.round.label);
    Live.text($("q-type"), q.type_label);
    Live.text($("q-stem"), q.stem);
    var mine = sent[doc.position];
    var answering = canAnswer();
    var keys = doc.key == null ? [] : [].concat(doc.key);
    var given = mine ? [].concat(mine.answer) : selected;
    Array.prototype.forEach.call($("q-options").children, function (button) {
      var key = button.dataset.key;
      button.disabled = !answering;
      button.classList.toggle("picked", given.indexOf(key) >= 0);
      button.classList.toggle("right", keys.indexOf(key) >= 0);
      button.classList.toggle("wrong", keys.length > 0 && given.indexOf(key) >= 0 && keys.indexOf(key) < 0);
      button.setAttribute("aria-pressed", given.indexOf(key) >= 0 ? "true" : "false");
    });
    Live.show($("submit-multiple"), q.type === "multiple" && answering);
    $("submit-multiple").disabled = selected.length === 0;
    Live.text($("q-status"), questionStatus(mine, keys));
    tickCountdown();
  }

  function canAnswer() {
    if (!doc || doc.phase !== "open" || doc.paused || doc.taken || sent[doc.position]) return false;
    var now = poll.now();
    return (doc.opens_ms == null || now >= doc.opens_ms) && (doc.deadline_ms == null || now < doc.deadline_ms);
  }

  function questionStatus(mine, keys) {
    if (keys.length) {
      var right = mine && mine.status === "accepted" && sameAnswer(mine.answer, doc.key);
      var text = "正确答案：" + doc.key_label + "。";
      if (!mine || mine.status !== "accepted") return text + "您本题未作答。";
      var points = me && me.position === doc.position && me.points != null ? "，本题得分 " + Live.score(me.points) : "";
      return (right ? "回答正确" : "回答错误") + points + "。" + text;
    }
    if (mine) {
      if (mine.status === "sending") return "正在提交…";
      if (mine.status === "accepted") return "已提交，等待公布答案。";
      return mine.message || "答案未被接受。";
    }
    if (failed[doc.position] && canAnswer()) return "网络不稳定，答案未能提交，请再点一次。";
    if (doc.phase === "shown") return "请听主持人读题，开始作答后再选择。";
    if (doc.phase === "open") {
      if (doc.taken) return "本题已被抢答。";
      if (doc.opens_ms != null && poll.now() < doc.opens_ms) return "准备作答…";
      if (doc.deadline_ms != null && poll.now() >= doc.deadline_ms) return "作答时间已到。";
      return doc.question.type === "multiple" ? "可选多项，选好后点“提交答案”。" : "点选一个答案即提交，提交后不能修改。";
    }
    return "作答结束，等待公布答案。";
  }

  function sameAnswer(a, b) {
    return JSON.stringify([].concat(a).sort()) === JSON.stringify([].concat(b).sort());
  }

  $("q-options").addEventListener("click", function (event) {
    var button = event.target.closest(".option");
    if (!button || !canAnswer()) return;
    var key = button.dataset.key;
    if (doc.question.type === "multiple") {
      var at = selected.indexOf(key);
      if (at >= 0) selected.splice(at, 1); else selected.push(key);
      render();
      return;
    }
    submit(key);
  });

  $("submit-multiple").addEventListener("click", function () {
    if (selected.length && canAnswer()) submit(selected.slice().sort());
  });

  function submit(answer, tries) {
    var position = doc.position;
    tries = tries || 0;
    sent[position] = { answer: answer, status: "sending" };
    render();
    var value = doc.question.type === "judge" ? answer === "true" : answer;
    Live.post(urls.answer, { position: position, answer: value }).then(function (result) {
      if (result.ok || (result.data.error && result.data.error.code === "already_answered")) {
        sent[position] = { answer: answer, status: "accepted" };
      } else {
        sent[position] = { answer: answer, status: "refused", message: Live.errorMessage(result) };
      }
      render();
    }).catch(function () {
      // The answer may or may not have arrived: send it again (a stored one is kept, the
      // server says so), a few times, then let the officer tap again.
      if (tries < 3) setTimeout(function () { submit(answer, tries + 1); }, 400 * (tries + 1));
      else { delete sent[position]; failed[position] = true; render(); }
    });
  }

  function tickCountdown() { Live.countdown($("countdown"), doc, poll.now(), true); }

  setInterval(function () {
    if (!doc || doc.phase !== "open") return;
    var before = $("q-options").querySelector(".option:not([disabled])") !== null;
    if (before !== canAnswer()) render(); else tickCountdown();
  }, 250);

  function renderResult() {
    var final = doc.phase === "podium";
    Live.text($("result-title"), final ? "比赛结束" : "排行榜");
    if (!me || me.rank == null) { Live.text($("result-text"), "正在统计…"); Live.text($("result-key"), ""); return; }
    Live.text($("result-text"), (final ? "最终得分 " : "当前得分 ") + Live.score(me.score) + " 分，个人第" + me.rank +
      "名（共" + me.of + "人）；" + me.team + "代表队第" + me.team_rank + "名（共" + me.teams + "队）。");
    var podium = (doc.podium || []).map(function (row) { return "第" + row.rank + "名" + row.name + "（" + row.team + "）"; });
    Live.text($("result-key"), final && podium.length ? "前三名：" + podium.join("、") : "请看大屏幕。");
  }
})();
