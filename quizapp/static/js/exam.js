// The exam page: one question at a time, every answer saved through the API with a
// sequence number, unsent answers kept in localStorage until the server has them,
// a countdown from the server's remaining seconds on the phone's monotonic clock,
// absences logged, 交卷 with a confirmation step, auto-submit at zero.
(function () {
  "use strict";
  // The intro page before the window opens: count down on the monotonic clock, then reload.
  var wait = document.getElementById("intro-wait");
  if (wait) {
    var waitSeconds = parseInt(wait.getAttribute("data-wait"), 10) || 0;
    var waitFrom = performance.now();
    var left = wait.querySelector(".wait-left");
    var tick = function () {
      var seconds = Math.max(0, Math.ceil(waitSeconds - (performance.now() - waitFrom) / 1000));
      var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
      left.textContent = (h ? h + "小时" : "") + m + "分" + (s < 10 ? "0" : "") + s + "秒";
      // A little spread so that a whole bureau does not reload in the same second.
      if (seconds <= 0) setTimeout(function () { window.location.reload(); }, Math.random() * 3000);
      else setTimeout(tick, 1000);
    };
    tick();
  }
  var root = document.getElementById("exam");
  if (!root) return;
  document.body.classList.add("js-exam");

  var attemptId = root.getAttribute("data-attempt");
  var resultUrl = root.getAttribute("data-result-url");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var store = "exam:" + attemptId + ":";
  var questions = Array.prototype.slice.call(root.querySelectorAll(".question"));
  var cells = Array.prototype.slice.call(root.querySelectorAll(".answer-grid .cell"));
  var statusEl = document.getElementById("save-status");
  var offlineEl = document.getElementById("offline-notice");
  var countdownEl = document.getElementById("countdown");
  var finishing = false;

  // ------------------------------------------------------------ local storage
  function load(key, fallback) {
    try {
      var value = window.localStorage.getItem(store + key);
      return value === null ? fallback : JSON.parse(value);
    } catch (e) {
      return fallback;
    }
  }
  function keep(key, value) {
    try { window.localStorage.setItem(store + key, JSON.stringify(value)); } catch (e) { /* private mode: memory only */ }
  }
  var pending = load("pending", {});   // question id -> {answer, seq}
  var flags = load("flags", {});       // question id -> true
  var absences = load("absences", []); // [seconds, ...] not yet logged
  var lastSeq = load("seq", 0);

  function nextSeq() {
    // Increasing on this device even if the wall clock jumps; across devices the later save wins.
    lastSeq = Math.max(lastSeq + 1, Date.now());
    keep("seq", lastSeq);
    return lastSeq;
  }

  // ------------------------------------------------------------ the server's clock
  var remainingAtLoad = parseInt(root.getAttribute("data-remaining"), 10) || 0;
  var loadedAt = performance.now();
  function remainingSeconds() {
    return Math.max(0, remainingAtLoad - (performance.now() - loadedAt) / 1000);
  }
  function showTime() {
    var left = Math.ceil(remainingSeconds());
    var minutes = Math.floor(left / 60), seconds = left % 60;
    countdownEl.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    root.classList.toggle("hurry", left <= 300);
    if (left <= 0 && !finishing) finish(true);
  }

  // ------------------------------------------------------------ answers
  function answerOf(section) {
    var type = section.getAttribute("data-type");
    var inputs = Array.prototype.slice.call(section.querySelectorAll("fieldset input"));
    if (type === "single" || type === "judge") {
      var chosen = inputs.filter(function (i) { return i.checked; })[0];
      if (!chosen) return null;
      return type === "judge" ? chosen.value === "true" : chosen.value;
    }
    if (type === "multiple") {
      var keys = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
      return keys.length ? keys.sort() : null;
    }
    var blanks = inputs.map(function (i) { return i.value; });
    return blanks.some(function (b) { return b.trim(); }) ? blanks : null;
  }

  function applyAnswer(section, answer) {
    var type = section.getAttribute("data-type");
    var inputs = Array.prototype.slice.call(section.querySelectorAll("fieldset input"));
    inputs.forEach(function (input, n) {
      if (type === "fill") input.value = answer && answer[n] != null ? answer[n] : "";
      else if (type === "judge") input.checked = answer !== null && String(answer) === input.value;
      else if (type === "multiple") input.checked = !!answer && answer.indexOf(input.value) >= 0;
      else input.checked = answer === input.value;
    });
  }

  function setStatus(text) { statusEl.textContent = text; }

  function record(section) {
    var qid = section.getAttribute("data-qid");
    pending[qid] = { answer: answerOf(section), seq: nextSeq() };
    keep("pending", pending);
    refreshGrid();
    flush();
  }

  // ------------------------------------------------------------ talking to the server
  function request(method, url, body) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 15000) : null;
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (timer) clearTimeout(timer);
      return response;
    }, function (error) {
      if (timer) clearTimeout(timer);
      throw error;
    });
  }

  var flushing = null, retryDelay = 2000, retryTimer = null;

  function online(isOnline) {
    offlineEl.hidden = isOnline;
    if (isOnline) retryDelay = 2000;
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  }

  function sendOne(qid) {
    var entry = pending[qid];
    return request("PUT", "/api/v1/attempts/" + attemptId + "/answers/" + qid, entry).then(function (response) {
      if (response.ok || response.status === 422) {
        // 422: a shape the server refuses; resending would never succeed.
        if (pending[qid] && pending[qid].seq === entry.seq) delete pending[qid];
        keep("pending", pending);
        online(true);
        return true;
      }
      if (response.status === 409) { goToResult(); return false; }
      if (response.status === 401) { setStatus("登录已失效，请重新登录后继续（答案已保存在本机）"); }
      throw new Error("status " + response.status);
    });
  }

  function sendAbsences() {
    if (!absences.length) return Promise.resolve(true);
    var seconds = absences[0];
    return request("POST", "/api/v1/attempts/" + attemptId + "/absences", { seconds: seconds }).then(function (response) {
      if (response.ok || response.status === 422 || response.status === 409) {
        absences.shift();
        keep("absences", absences);
        return sendAbsences();
      }
      throw new Error("status " + response.status);
    });
  }

  // Sends every pending answer (one at a time, oldest question first); resolves true when none are left.
  function flush() {
    if (flushing) return flushing;
    var ids = Object.keys(pending);
    if (!ids.length && !absences.length) { setStatus("已保存"); return Promise.resolve(true); }
    setStatus("保存中…");
    flushing = ids.reduce(function (chain, qid) {
      return chain.then(function (ok) { return ok ? sendOne(qid) : false; });
    }, Promise.resolve(true)).then(function (ok) {
      return ok ? sendAbsences() : ok;
    }).then(function (ok) {
      flushing = null;
      if (Object.keys(pending).length) return flush();
      if (ok) setStatus("已保存");
      return ok;
    }, function () {
      flushing = null;
      online(false);
      setStatus("未联网，答案已存在本机");
      scheduleRetry();
      return false;
    });
    return flushing;
  }

  function goToResult() {
    finishing = true;
    clearLocal();
    window.location.href = resultUrl;
  }

  function clearLocal() {
    ["pending", "flags", "absences", "seq", "index"].forEach(function (key) {
      try { window.localStorage.removeItem(store + key); } catch (e) { /* ignore */ }
    });
  }

  // 交卷: send what is pending, then submit; when offline keep trying (the server
  // also accepts answers saved within its grace, and submits overdue attempts itself).
  function finish(automatic) {
    finishing = true;
    root.classList.add("finishing");
    setStatus(automatic ? "时间到，正在交卷…" : "正在交卷…");
    Array.prototype.forEach.call(root.querySelectorAll("button"), function (b) { b.disabled = true; });
    flush().then(function (ok) {
      if (!ok) throw new Error("offline");
      return request("POST", "/api/v1/attempts/" + attemptId + "/submit");
    }).then(function (response) {
      if (response.ok || response.status === 409 || response.status === 404) { goToResult(); return; }
      throw new Error("status " + response.status);
    }).catch(function () {
      setStatus("网络断开，恢复后将自动交卷");
      online(false);
      setTimeout(function () { finish(automatic); }, 3000);
    });
  }

  // ------------------------------------------------------------ navigation and grid
  var current = Math.min(load("index", 0), questions.length - 1);

  function show(index) {
    current = Math.max(0, Math.min(index, questions.length - 1));
    questions.forEach(function (q, n) { q.hidden = n !== current; });
    keep("index", current);
    document.getElementById("prev").disabled = current === 0;
    document.getElementById("next").disabled = current === questions.length - 1;
    refreshGrid();
  }

  function refreshGrid() {
    questions.forEach(function (section, n) {
      var qid = section.getAttribute("data-qid");
      var cell = cells[n];
      var answered = answerOf(section) !== null;
      cell.classList.toggle("answered", answered);
      cell.classList.toggle("flagged", !!flags[qid]);
      cell.classList.toggle("current", n === current);
      cell.setAttribute("aria-label", "第" + (n + 1) + "题" + (answered ? "，已答" : "，未答") + (flags[qid] ? "，已标记" : ""));
    });
  }

  document.getElementById("prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1); });
  var grid = document.getElementById("grid");
  document.getElementById("toggle-grid").addEventListener("click", function () {
    grid.hidden = !grid.hidden;
    this.setAttribute("aria-expanded", String(!grid.hidden));
  });
  cells.forEach(function (cell) {
    cell.addEventListener("click", function () { show(parseInt(cell.getAttribute("data-index"), 10)); });
  });

  questions.forEach(function (section) {
    var timer = null;
    section.querySelector("fieldset").addEventListener("change", function () { record(section); });
    section.querySelector("fieldset").addEventListener("input", function (event) {
      if (event.target.type !== "text") return;
      clearTimeout(timer);
      timer = setTimeout(function () { record(section); }, 700);
    });
    var flag = section.querySelector(".flag-box");
    var qid = section.getAttribute("data-qid");
    flag.checked = !!flags[qid];
    flag.addEventListener("change", function () {
      if (flag.checked) flags[qid] = true; else delete flags[qid];
      keep("flags", flags);
      refreshGrid();
    });
  });

  // ------------------------------------------------------------ 交卷 with 确认交卷
  var confirmBox = document.getElementById("confirm");
  document.getElementById("paper").addEventListener("submit", function (event) {
    event.preventDefault();
    var empty = questions.filter(function (q) { return answerOf(q) === null; }).length;
    var flagged = Object.keys(flags).length;
    document.getElementById("confirm-text").textContent =
      (empty ? "还有" + empty + "题未作答。" : "所有题目均已作答。") + (flagged ? "有" + flagged + "题已标记。" : "") +
      "交卷后不能再修改答案。";
    leaveBox.hidden = true;
    confirmBox.hidden = false;
    document.getElementById("confirm-submit").focus();
  });
  document.getElementById("confirm-cancel").addEventListener("click", function () { confirmBox.hidden = true; });
  document.getElementById("confirm-submit").addEventListener("click", function () { finish(false); });

  // ------------------------------------------------------------ leaving the page
  var hiddenAt = null;
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      hiddenAt = performance.now();
      return;
    }
    if (hiddenAt !== null) {
      var seconds = (performance.now() - hiddenAt) / 1000;
      hiddenAt = null;
      if (seconds >= 1) {
        absences.push(Math.round(seconds * 10) / 10);
        keep("absences", absences);
      }
    }
    showTime();
    flush();
  });
  // Leaving while the clock runs asks first: the browser's own prompt when the tab is
  // closed or reloaded, an in-page one for a link (a native confirm() is easy to tap through).
  var leaving = false;
  window.addEventListener("beforeunload", function (event) {
    if (finishing || leaving) return;
    event.preventDefault();
    event.returnValue = "";
  });
  var leaveBox = document.getElementById("leave-confirm");
  var leaveTo = null;
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || finishing || link.getAttribute("href").charAt(0) === "#") return;
    event.preventDefault();
    leaveTo = link.href;
    confirmBox.hidden = true;
    leaveBox.hidden = false;
    document.getElementById("leave-stay").focus();
  });
  document.getElementById("leave-stay").addEventListener("click", function () { leaveBox.hidden = true; leaveTo = null; });
  document.getElementById("leave-go").addEventListener("click", function () {
    leaving = true;
    flush();  // whatever is still pending stays in localStorage and is sent on return
    window.location.href = leaveTo;
  });
  window.addEventListener("online", function () { retryDelay = 2000; flush(); });
  window.addEventListener("offline", function () { online(false); });

  // ------------------------------------------------------------ start
  Object.keys(pending).forEach(function (qid) {
    // Answers given here but not yet on the server are newer than what the page was rendered with.
    var section = document.getElementById("q-" + qid);
    if (section) applyAnswer(section, pending[qid].answer);
  });
  show(current);
  showTime();
  setInterval(showTime, 500);
  flush();
})();
