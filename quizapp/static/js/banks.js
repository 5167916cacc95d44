// Question form: show only the answer section of the chosen type.
(function () {
  var form = document.querySelector(".question-form");
  if (!form) return;
  var select = form.querySelector("select[name=type]");
  function update() {
    form.querySelectorAll("[data-types]").forEach(function (section) {
      var show = section.getAttribute("data-types").split(" ").indexOf(select.value) >= 0;
      section.hidden = !show;
    });
  }
  select.addEventListener("change", update);
  update();
})();
