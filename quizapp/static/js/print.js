// Buttons marked data-print open the browser's print dialog (the page's print CSS decides what is printed).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) window.print();
});
