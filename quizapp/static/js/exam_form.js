// The exam definition controls (exam and schedule forms): the department tree with its live
// head count, blueprint rows added and removed, chapters of the chosen bank, points as typed.
// The server checks everything again; this only helps while typing.
(function () {
  "use strict";
  var catalogueNode = document.getElementById("bank-catalogue");
  var catalogue = catalogueNode ? JSON.parse(catalogueNode.textContent) : {};

  function number(value) {
    var n = parseFloat(value);
    return isFinite(n) ? n : 0;
  }
  function format(n) {
    return String(Math.round(n * 100) / 100);
  }

  // A field's error from the server goes once the field is changed (saving checks again).
  document.querySelectorAll("form.exam-definition").forEach(function (form) {
    function clear(event) {
      var ids = (event.target.getAttribute("aria-describedby") || "").split(" ");
      ids.forEach(function (id) {
        var error = id && document.getElementById(id);
        if (error && error.classList.contains("field-error")) { error.hidden = true; }
      });
      event.target.removeAttribute("aria-invalid");
    }
    form.addEventListener("input", clear);
    form.addEventListener("change", clear);
  });

  // ------------------------------------------------------------ contest-only fields
  // Shown while 竞赛 is ticked; disabled otherwise, so that they are not sent.
  document.querySelectorAll("form.exam-definition").forEach(function (form) {
    var ranked = form.querySelector("input[name='ranked']");
    var parts = form.querySelectorAll(".ranked-only");
    if (!ranked) { return; }
    function refresh() {
      parts.forEach(function (part) {
        part.hidden = !ranked.checked;
        part.querySelectorAll("input").forEach(function (input) { input.disabled = !ranked.checked; });
      });
    }
    ranked.addEventListener("change", refresh);
    refresh();
  });

  // ------------------------------------------------------------ departments
  document.querySelectorAll(".dept-picker").forEach(function (picker) {
    var items = Array.prototype.slice.call(picker.querySelectorAll(".dept-tree li[data-path]"));
    var boxes = items.map(function (li) { return li.querySelector("input"); });
    var search = picker.querySelector(".dept-search");
    var what = picker.querySelector(".scope-what");
    var count = picker.querySelector(".scope-number");
    var form = picker.closest("form");
    var timer = null;

    function below(path, other) { return other.indexOf(path + "/") === 0; }

    function refreshParents() {
      // A department shows as partly chosen when some of its subtree is.
      items.forEach(function (li, i) {
        var path = li.dataset.path;
        var inside = items.filter(function (other) { return below(path, other.dataset.path); });
        var chosen = inside.filter(function (other) { return other.querySelector("input").checked; }).length;
        boxes[i].indeterminate = !boxes[i].checked && chosen > 0;
      });
    }

    function refreshCount() {
      var chosen = boxes.filter(function (box) { return box.checked; });
      // Count only the topmost chosen departments (a chosen parent stands for its subtree).
      var topmost = chosen.filter(function (box) {
        var path = box.closest("li").dataset.path;
        return !chosen.some(function (other) { return below(other.closest("li").dataset.path, path); });
      });
      what.textContent = topmost.length ? "已选" + topmost.length + "个部门（含下级）" : "全局（未选部门）";
      var params = new URLSearchParams();
      topmost.forEach(function (box) { params.append("departments", box.value); });
      if (form) {
        form.querySelectorAll(".group-picker input:checked").forEach(function (box) { params.append("groups", box.value); });
      }
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(picker.dataset.scopeUrl + "?" + params.toString(), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) { if (data) { count.textContent = data.count; } })
          .catch(function () { count.textContent = "—"; });
      }, 200);
    }

    boxes.forEach(function (box, i) {
      box.addEventListener("change", function () {
        var path = items[i].dataset.path;
        items.forEach(function (other, j) {
          if (below(path, other.dataset.path)) { boxes[j].checked = box.checked; }
        });
        if (!box.checked) {  // a parent no longer stands for the whole subtree
          items.forEach(function (other, j) {
            if (below(other.dataset.path, path)) { boxes[j].checked = false; }
          });
        }
        refreshParents();
        refreshCount();
      });
    });
    if (search) {
      search.addEventListener("input", function () {
        var text = search.value.trim();
        var shown = 0;
        items.forEach(function (li) {
          var match = !text || li.dataset.path.indexOf(text) !== -1;
          li.hidden = !match;
          if (match) { shown += 1; }
        });
        picker.querySelector(".dept-none").hidden = shown > 0;
      });
    }
    if (form) {
      form.querySelectorAll(".group-picker input").forEach(function (box) {
        box.addEventListener("change", refreshCount);
      });
    }
    refreshParents();
    refreshCount();
  });

  // ------------------------------------------------------------ blueprint rows
  document.querySelectorAll("fieldset.blueprint").forEach(function (editor) {
    var rows = editor.querySelector(".bp-rows");
    var template = editor.querySelector("template.bp-template");
    var form = editor.closest("form");
    var maxRows = parseInt(editor.dataset.maxRows, 10) || 50;
    var totalNode = editor.querySelector(".paper-total");
    var nextIndex = 0;
    rows.querySelectorAll(".bp-row").forEach(function (row) {
      var index = parseInt(row.dataset.prefix.split("-")[1], 10);
      if (index >= nextIndex) { nextIndex = index + 1; }
    });

    function part(row, name) { return row.querySelector("[name='" + row.dataset.prefix + name + "']"); }

    function fillChapters(row) {
      var bank = catalogue[part(row, "bank").value];
      var type = part(row, "qtype").value;
      var select = part(row, "chapter");
      var current = select.value;
      select.textContent = "";
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "全部章节" + (bank ? "（" + (bank.types[type] || 0) + "题）" : "");
      select.appendChild(all);
      var found = !current;
      (bank ? bank.chapters : []).forEach(function (chapter) {
        var option = document.createElement("option");
        option.value = chapter.name;
        option.textContent = chapter.name + "（" + (chapter.counts[type] || 0) + "题）";
        if (chapter.name === current) { option.selected = true; found = true; }
        select.appendChild(option);
      });
      select.disabled = !bank;
      if (!found && bank) { select.value = ""; }
    }

    function available(row) {
      var bank = catalogue[part(row, "bank").value];
      if (!bank) { return null; }
      var type = part(row, "qtype").value;
      var chapter = part(row, "chapter").value;
      if (!chapter) { return bank.types[type] || 0; }
      var found = bank.chapters.filter(function (c) { return c.name === chapter; })[0];
      return found ? (found.counts[type] || 0) : 0;
    }

    function refreshTotal() {
      var questions = 0;
      var points = 0;
      var all = rows.querySelectorAll(".bp-row");
      all.forEach(function (row, i) {
        row.querySelector(".bp-number").textContent = "第" + (i + 1) + "行";
        row.querySelector(".bp-remove").hidden = all.length === 1;
        var count = number(part(row, "count").value);
        var each = number(part(row, "points").value);
        var left = available(row);
        var text = count ? count + "题 × " + format(each) + "分 = " + format(count * each) + "分" : "";
        if (left !== null) { text += (text ? "；" : "") + "可抽 " + left + " 题"; }
        var subtotal = row.querySelector(".bp-subtotal");
        subtotal.textContent = text;
        subtotal.classList.toggle("over", left !== null && count > left);
        questions += count;
        points += count * each;
      });
      var ids = form.querySelector("[name='question_ids']");
      var fixed = ids ? ids.value.split(/[,，\s]+/).filter(function (x) { return /^\d+$/.test(x); }).length : 0;
      if (fixed) {
        questions += fixed;
        points += fixed * number(form.querySelector("[name='question_points']").value || 1);
      }
      var total = form.querySelector("[name='total_points']");
      var text = "合计 " + questions + " 题，" + format(points) + " 分";
      if (total && questions && Math.abs(number(total.value) - points) > 1e-9) {
        text += "（按总分 " + format(number(total.value)) + " 分折算）";
      }
      totalNode.textContent = text;
    }

    function wire(row) {
      part(row, "bank").addEventListener("change", function () { fillChapters(row); refreshTotal(); });
      part(row, "qtype").addEventListener("change", function () { fillChapters(row); refreshTotal(); });
      part(row, "chapter").addEventListener("change", refreshTotal);
      part(row, "count").addEventListener("input", refreshTotal);
      part(row, "points").addEventListener("input", refreshTotal);
      row.querySelector(".bp-remove").addEventListener("click", function () {
        if (rows.querySelectorAll(".bp-row").length > 1) { row.remove(); refreshTotal(); }
      });
      part(row, "chapter").disabled = !catalogue[part(row, "bank").value];
    }

    rows.querySelectorAll(".bp-row").forEach(wire);
    editor.querySelector(".bp-add").addEventListener("click", function () {
      if (rows.querySelectorAll(".bp-row").length >= maxRows) { return; }
      var html = template.innerHTML.split("__i__").join(String(nextIndex));
      nextIndex += 1;
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      rows.appendChild(row);
      wire(row);
      fillChapters(row);
      refreshTotal();
      part(row, "bank").focus();
    });
    form.addEventListener("input", function (event) {
      if (event.target.name === "total_points" || event.target.name === "question_ids" ||
          event.target.name === "question_points") { refreshTotal(); }
    });
    refreshTotal();
  });
})();
