// Mock exam: count down the server's remaining time, submit at zero, confirm before a manual submit.
(function () {
  var timer = document.querySelector("[data-mock-timer]");
  var form = document.getElementById("mock-form");
  if (!timer || !form) { return; }
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
      form.submit();  // bypasses the confirm handler: time is up
      return;
    }
    window.setTimeout(tick, 500);
  }
  form.addEventListener("submit", function (event) {
    if (!submitting && !window.confirm(form.getAttribute("data-confirm-submit"))) {
      event.preventDefault();
      return;
    }
    submitting = true;
  });
  tick();
})();
