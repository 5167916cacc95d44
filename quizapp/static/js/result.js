// The result page: 只看错题 hides the questions answered right (the filter only exists with JavaScript).
(function () {
  "use strict";
  var box = document.getElementById("only-wrong");
  if (!box) return;
  var reviews = Array.prototype.slice.call(document.querySelectorAll("details.review"));
  var none = document.getElementById("no-wrong");
  box.closest("label").hidden = false;
  box.addEventListener("change", function () {
    var wrong = 0;
    reviews.forEach(function (item) {
      var right = item.getAttribute("data-correct") === "true";
      item.hidden = box.checked && right;
      if (!right) wrong += 1;
      if (box.checked && !right) item.open = true;  // the mistakes are what one filters for
    });
    none.hidden = !(box.checked && wrong === 0);
  });
})();
