// Site-wide behaviour: confirmation prompts on dangerous buttons; wide tables reachable by keyboard.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// A table wider than the screen scrolls inside its .table-wrap: make that box focusable so
// that keyboard users can scroll it too (arrow keys), and name it after its table.
function focusableTableWraps() {
  document.querySelectorAll(".table-wrap").forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      if (!wrap.hasAttribute("aria-label")) {
        var caption = wrap.querySelector("caption");
        var heading = (wrap.closest("section, main") || document).querySelector("h1, h2, h3");
        wrap.setAttribute("aria-label", ((caption || heading || {}).textContent || "表格").trim());
      }
    }
  });
}
focusableTableWraps();
window.addEventListener("resize", focusableTableWraps);
