// Live contest: polling a state document with conditional requests, the server's clock,
// and small DOM helpers shared by the phone, the big screen and the host console.
var Live = (function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Polls url every `interval` ms with If-None-Match; calls onDoc(doc) when it changed.
  // onLine(true|false) reports whether the server answers. The server's time arrives on
  // every response (X-Server-Time), so countdowns follow the server, not the phone.
  // With `adaptive`, a document's poll_ms sets the interval (the server knows when the
  // next change must reach everyone quickly).
  function poller(url, interval, onDoc, onLine, adaptive) {
    var etag = null, failures = 0, timer = null, offset = 0, busy = false;
    function schedule(delay) {
      clearTimeout(timer);
      timer = setTimeout(tick, delay);
    }
    function tick() {
      if (busy) return;
      busy = true;
      var headers = { "Accept": "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      var sent = Date.now();
      fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" }).then(function (response) {
        var server = Number(response.headers.get("X-Server-Time"));
        if (server) offset = server - (sent + Date.now()) / 2;
        if (response.status === 304) return null;
        if (!response.ok) throw new Error("HTTP " + response.status);
        etag = response.headers.get("ETag");
        return response.json();
      }).then(function (doc) {
        failures = 0;
        if (onLine) onLine(true);
        if (doc && adaptive && doc.poll_ms) interval = doc.poll_ms;
        if (doc) onDoc(doc);
      }).catch(function () {
        failures += 1;
        if (onLine) onLine(false);
      }).then(function () {
        busy = false;
        // After a failure wait longer each time (at most 5 s), so a hall of phones
        // coming back after a Wi-Fi drop does not arrive all at once.
        schedule(failures ? Math.min(interval * (1 + failures) + Math.random() * 500, 5000) : interval);
      });
    }
    tick();
    return {
      now: function () { return Date.now() + offset; },
      refresh: function () { etag = null; schedule(0); }
    };
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, ok: response.ok, data: data };
      });
    });
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error("HTTP " + response.status); return response.json(); });
  }

  function show(element, visible) { if (element) element.hidden = !visible; }

  function text(element, value) { if (element) element.textContent = value == null ? "" : String(value); }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content != null) node.textContent = String(content);
    return node;
  }

  // Shows a question's countdown in `box` by the server's clock: "准备" (with `long`, the
  // seconds to the opening) until answering opens, then the seconds left, then 时间到;
  // hidden unless answering is open. `long` also adds 剩余 … 秒.
  function countdown(box, doc, now, long) {
    if (!doc || doc.phase !== "open" || doc.deadline_ms == null) { show(box, false); return; }
    show(box, true);
    if (doc.opens_ms != null && now < doc.opens_ms && !doc.paused) {
      text(box, long ? "准备 " + seconds(doc.opens_ms - now) : "准备");
      box.classList.remove("urgent");
      return;
    }
    var remaining = doc.paused && doc.remaining_ms != null ? doc.remaining_ms : doc.deadline_ms - now;
    text(box, remaining <= 0 ? "时间到" : long ? "剩余 " + seconds(remaining) + " 秒" : seconds(remaining));
    box.classList.toggle("urgent", remaining > 0 && remaining <= 5000);
  }

  // A place as a medal for the first three, else the number.
  function place(rank) {
    var node = el("span", rank <= 3 ? "medal m" + rank : "place", rank);
    node.setAttribute("aria-label", "第" + rank + "名");
    return node;
  }

  function seconds(ms) { return Math.max(0, Math.ceil(ms / 1000)); }

  function score(value) {
    var n = Number(value || 0);
    return (Math.round(n * 10) / 10).toString();
  }

  function errorMessage(result) {
    return (result.data && result.data.error && result.data.error.message) || "提交失败，请重试。";
  }

  return { poller: poller, post: post, getJson: getJson, show: show, text: text, el: el, place: place, countdown: countdown, seconds: seconds,
           score: score, errorMessage: errorMessage };
})();
