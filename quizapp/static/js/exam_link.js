// 复制链接 on the exam page and 打印 on the notice page. The clipboard API needs a
// secure context (HTTPS or localhost); a bureau's server on plain HTTP falls back to
// selecting the text and execCommand("copy"), and failing that leaves it selected.
(function () {
  "use strict";

  function say(button, text) {
    var status = document.querySelector("[data-copy-status]");
    if (status) { status.textContent = text; }
  }

  function fallbackCopy(input) {
    input.focus();
    input.select();
    input.setSelectionRange(0, input.value.length);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (button) {
      var input = document.getElementById(button.getAttribute("data-copy-target"));
      if (!input) { return; }
      var done = function () { say(button, "链接已复制，可粘贴到工作群。"); };
      var manual = function () {
        if (fallbackCopy(input)) { done(); } else { say(button, "无法自动复制，链接已选中，请长按或按 Ctrl+C 复制。"); }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, manual);
      } else {
        manual();
      }
      return;
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
