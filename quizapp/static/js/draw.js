// Draw form: the per-department number boxes count only for the allocation "指定各部门人数";
// with another allocation they are disabled (and not sent), and the total of the boxes is shown as typed.
(function () {
  "use strict";
  var allocation = document.getElementById("allocation");
  var boxes = document.querySelectorAll("input.count-input");
  var total = document.getElementById("fixed-total");
  if (!allocation || !boxes.length) return;

  function update() {
    var fixed = allocation.value === "fixed";
    var sum = 0;
    Array.prototype.forEach.call(boxes, function (box) {
      box.disabled = !fixed;
      var n = parseInt(box.value, 10);
      if (fixed && n > 0) sum += n;
    });
    if (total) total.textContent = fixed ? String(sum) : "";
  }

  allocation.addEventListener("change", update);
  Array.prototype.forEach.call(boxes, function (box) { box.addEventListener("input", update); });
  update();
})();
