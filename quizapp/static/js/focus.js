// A timed paper's focused mode (exam attempt, mock exam): leaving while the clock runs asks first —
// the browser's own prompt when the tab is closed or reloaded, an in-page one (#leave-confirm) for
// a link, since a native confirm() is easy to tap through.
window.QuizFocus = {
  // options.done(): true once the paper is being handed in (then nothing asks);
  // options.asking(): called as the question opens (to close another dialog);
  // options.leaving(): called just before the page is left (to send what is pending).
  guardLeaving: function (options) {
    var leaving = false;
    var box = document.getElementById("leave-confirm");
    var leaveTo = null;
    window.addEventListener("beforeunload", function (event) {
      if (options.done() || leaving) return;
      event.preventDefault();
      event.returnValue = "";
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href]") : null;
      if (!link || options.done() || link.getAttribute("href").charAt(0) === "#") return;
      event.preventDefault();
      leaveTo = link.href;
      if (options.asking) options.asking();
      box.hidden = false;
      document.getElementById("leave-stay").focus();
    });
    document.getElementById("leave-stay").addEventListener("click", function () { box.hidden = true; leaveTo = null; });
    document.getElementById("leave-go").addEventListener("click", function () {
      leaving = true;
      if (options.leaving) options.leaving();
      window.location.href = leaveTo;
    });
  }
};
