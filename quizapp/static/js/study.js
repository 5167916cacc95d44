// Study heartbeat: while the page is visible and the officer touched, scrolled or typed
// within the last two minutes, tell the server about every 30 s. The server decides
// what to credit; a last beat with visible=false (or active=false) stops the interval.
(function () {
  var el = document.querySelector("[data-heartbeat]");
  if (!el || !window.fetch) { return; }
  var INTERVAL_MS = 30000, IDLE_MS = 120000;
  var url = el.getAttribute("data-url");
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content;
  var source = {};
  if (el.getAttribute("data-material-id")) { source.material_id = parseInt(el.getAttribute("data-material-id"), 10); }
  if (el.getAttribute("data-bank-id")) { source.bank_id = parseInt(el.getAttribute("data-bank-id"), 10); }
  var lastActivity = performance.now();
  var idleReported = false;
  var timer = null;

  function send(visible, active) {
    var body = JSON.stringify(Object.assign({ visible: visible, active: active }, source));
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !visible,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: body
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        document.querySelectorAll("[data-today-minutes]").forEach(function (node) {
          node.textContent = data.today_minutes;
        });
      })
      .catch(function () { /* offline: the next beat simply credits nothing extra */ });
  }

  function beat() {
    if (document.visibilityState !== "visible") { return; }
    var active = performance.now() - lastActivity <= IDLE_MS;
    if (active) {
      idleReported = false;
      send(true, true);
    } else if (!idleReported) {
      idleReported = true;
      send(true, false);
    }
  }

  function start() {
    if (timer === null) { timer = window.setInterval(beat, INTERVAL_MS); }
  }

  function stop() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
  }

  function activity() {
    var wasIdle = idleReported;
    lastActivity = performance.now();
    if (wasIdle) { idleReported = false; send(true, true); }
  }

  ["pointerdown", "keydown", "scroll", "touchstart", "wheel", "input"].forEach(function (name) {
    window.addEventListener(name, activity, { passive: true, capture: true });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      lastActivity = performance.now();
      send(true, true);  // starts a fresh interval; the hidden time is never credited
      start();
    } else {
      stop();
      send(false, true);
    }
  });
  if (document.visibilityState === "visible") {
    send(true, true);
    start();
  }
  // Exposed for the browser test, which drives beats against a controlled server clock.
  window.quizappStudyBeat = beat;
})();
