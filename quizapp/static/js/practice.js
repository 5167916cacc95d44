// Mock exam: count down the server's remaining time, submit at zero, confirm before a manual
// submit, and keep a draft of the answers in local storage so a reload loses none of them.
(function () {
  var timer = document.querySelector("[data-mock-timer]");
  var form = document.getElementById("mock-form");
  if (!timer || !form) { return; }
  var draftKey = "quizapp-mock-" + form.getAttribute("data-mock-id");

  function answerInputs() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && el.tagName === "INPUT";
    });
  }
  function saveDraft() {
    var draft = {};
    answerInputs().forEach(function (el) {
      var list = draft[el.name] || (draft[el.name] = []);
      if (el.type === "radio" || el.type === "checkbox") { if (el.checked) { list.push(el.value); } }
      else { list.push(el.value); }
    });
    try { window.localStorage.setItem(draftKey, JSON.stringify(draft)); } catch (e) { /* storage full or off */ }
  }
  function restoreDraft() {
    var draft;
    try { draft = JSON.parse(window.localStorage.getItem(draftKey) || "null"); } catch (e) { draft = null; }
    if (!draft) { return; }
    var seen = {};
    answerInputs().forEach(function (el) {
      var values = draft[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") { el.checked = values.indexOf(el.value) >= 0; }
      else { var i = seen[el.name] = (seen[el.name] || 0) + 1; el.value = values[i - 1] || ""; }
    });
  }
  restoreDraft();
  form.addEventListener("change", saveDraft);
  form.addEventListener("input", saveDraft);
  var text = timer.querySelector("[data-timer-text]");
  var deadline = performance.now() + parseInt(timer.getAttribute("data-remaining"), 10) * 1000;
  var submitting = false;

  function tick() {
    var left = Math.max(0, Math.round((deadline - performance.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    text.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left <= 60) { timer.classList.add("low"); }
    if (left === 0 && !submitting) {
      submitting = true;
      try { window.localStorage.removeItem(draftKey); } catch (e) { /* nothing kept */ }
      form.submit();  // bypasses the confirm handler: time is up
      return;
    }
    window.setTimeout(tick, 500);
  }
  // The exam page's focused mode: leaving before the paper is handed in asks first.
  window.QuizFocus.guardLeaving({ done: function () { return submitting; } });
  form.addEventListener("submit", function (event) {
    if (!submitting && !window.confirm(form.getAttribute("data-confirm-submit"))) {
      event.preventDefault();
      return;
    }
    submitting = true;
    try { window.localStorage.removeItem(draftKey); } catch (e) { /* nothing kept */ }
  });
  tick();
})();
