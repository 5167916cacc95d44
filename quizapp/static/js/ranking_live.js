// A contest's ranking while it is open: every 30 s the page asks for its ranking part again
// (?part=live, with the ETag it last got, so an unchanged ranking costs a 304) and puts it in
// place. Once the part comes back final (no data-live-url) it stops.
(function () {
  "use strict";
  var INTERVAL = 30000;
  var region = document.getElementById("ranking-live");
  if (!region || !region.dataset.liveUrl) { return; }
  var etag = null;

  function schedule() { setTimeout(refresh, INTERVAL); }

  function refresh() {
    if (document.hidden) { schedule(); return; }  // nobody is looking: ask when they are
    var headers = {};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(region.dataset.liveUrl, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status === 200) {
          etag = response.headers.get("ETag");
          return response.text();
        }
        return null;  // 304: unchanged; anything else: keep what is shown and try again later
      })
      .then(function (html) {
        if (html) {
          var holder = document.createElement("template");
          holder.innerHTML = html.trim();
          var fresh = holder.content.getElementById("ranking-live");
          if (fresh) {
            region.replaceWith(fresh);
            region = fresh;
          }
        }
        if (region.dataset.liveUrl) { schedule(); }
      })
      .catch(schedule);
  }

  schedule();
})();
