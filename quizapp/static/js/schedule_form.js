// The schedule form: title placeholders inserted as buttons with a live example, the sample
// draw shown only for 随机抽测, and only the calendar choices the chosen rule uses.
(function () {
  "use strict";
  var form = document.querySelector("form.exam-definition");
  if (!form) { return; }
  var title = form.querySelector("[name='title']");
  var example = form.querySelector(".title-example");
  var now = new Date();
  var values = {
    "{year}": String(now.getFullYear()), "{quarter}": String(Math.floor(now.getMonth() / 3) + 1),
    "{month}": String(now.getMonth() + 1),
    "{date}": now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0") + "-" + String(now.getDate()).padStart(2, "0")
  };

  function showExample() {
    var text = title.value;
    Object.keys(values).forEach(function (code) { text = text.split(code).join(values[code]); });
    example.textContent = title.value ? "例如：" + text : "";
  }
  form.querySelectorAll("[data-insert]").forEach(function (button) {
    button.addEventListener("click", function () {
      var code = button.dataset.insert;
      var start = title.selectionStart == null ? title.value.length : title.selectionStart;
      var end = title.selectionEnd == null ? start : title.selectionEnd;
      title.value = title.value.slice(0, start) + code + title.value.slice(end);
      title.focus();
      title.setSelectionRange(start + code.length, start + code.length);
      showExample();
    });
  });
  title.addEventListener("input", showExample);
  showExample();

  var mode = form.querySelector("[name='mode']");
  function showDraw() {
    form.querySelectorAll(".sample-only").forEach(function (node) { node.hidden = mode.value !== "sample"; });
  }
  mode.addEventListener("change", showDraw);
  showDraw();

  var kind = form.querySelector("[name='rule_kind']");
  function showRule() {
    ["monthly", "weekly", "date", "custom"].forEach(function (name) {
      form.querySelectorAll(".rule-" + name).forEach(function (node) { node.hidden = true; });
    });
    form.querySelectorAll(".rule-" + kind.value).forEach(function (node) { node.hidden = false; });
  }
  kind.addEventListener("change", showRule);
  showRule();
})();
