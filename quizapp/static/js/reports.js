// Copy buttons of the report pages: <button data-copy="element-id">.
(function () {
  "use strict";
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  function done(button, ok) {
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    button.textContent = ok ? "已复制" : "复制失败，请手动选择";
    button.classList.toggle("copied", ok);
    window.setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 2000);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = (source.value !== undefined ? source.value : source.textContent).trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(button, true); },
        function () { done(button, fallbackCopy(text)); });
    } else {
      done(button, fallbackCopy(text));
    }
  });
})();
