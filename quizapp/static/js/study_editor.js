// The study material editor: Squire (vendored) with a Chinese toolbar, images and PDFs
// uploaded to the server. The form's HTML box stays the one thing that is submitted:
// the editor writes its HTML there on every change, so a failed save loses nothing.
// The server sanitises whatever arrives; DOMPurify here only keeps pasted scripts
// from running inside the editor itself.
(function () {
  "use strict";
  var form = document.querySelector("[data-material-form]");
  if (!form) { return; }
  var uploadUrl = form.getAttribute("data-upload-url");
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content ||
    (form.querySelector('input[name="csrf_token"]') || {}).value;

  function upload(file, kind) {
    var data = new FormData();
    data.append("file", file);
    data.append("kind", kind);
    return fetch(uploadUrl, {
      method: "POST", credentials: "same-origin", body: data, headers: { "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (response.ok && body) { return body; }
        var message = body && body.error && body.error.message;
        if (!message) {
          message = response.status === 413 ? "文件太大，无法上传（图片最大5 MB，PDF最大15 MB）。" : "上传失败（" + response.status + "），请重试。";
        }
        throw new Error(message);
      });
    }, function () { throw new Error("网络连接失败，文件未上传，请稍后重试。"); });
  }

  function showError(node, message) {
    node.textContent = message || "";
    node.hidden = !message;
  }

  // ---------------------------------------------------------------- PDF attachments
  var pdfList = form.querySelector("[data-pdf-list]");
  var pdfInput = form.querySelector("[data-pdf-input]");
  var pdfError = form.querySelector("[data-pdf-error]");
  form.querySelector("[data-pdf-pick]").hidden = false;
  pdfList.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pdf-remove]");
    if (button) { button.closest("[data-pdf-item]").remove(); }
  });
  pdfInput.addEventListener("change", function () {
    var file = pdfInput.files[0];
    if (!file) { return; }
    showError(pdfError, "正在上传“" + file.name + "”…");
    pdfError.classList.add("progress");
    upload(file, "pdf").then(function (result) {
      var item = document.createElement("li");
      item.setAttribute("data-pdf-item", "");
      var hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = "attachments"; hidden.value = result.key;
      var link = document.createElement("a");
      link.href = result.url; link.target = "_blank"; link.rel = "noopener"; link.textContent = result.filename;
      var size = document.createElement("span");
      size.className = "muted";
      size.textContent = result.size >= 1048576 ? (result.size / 1048576).toFixed(1) + " MB" : Math.ceil(result.size / 1024) + " KB";
      var remove = document.createElement("button");
      remove.type = "button"; remove.className = "secondary small"; remove.textContent = "移除";
      remove.setAttribute("data-pdf-remove", "");
      item.append(hidden, link, size, remove);
      pdfList.appendChild(item);
      showError(pdfError, "");
    }, function (error) {
      showError(pdfError, error.message);
    }).then(function () {
      pdfError.classList.remove("progress");
      pdfInput.value = "";
    });
  });

  // ---------------------------------------------------------------- rich text
  var wrapper = form.querySelector("[data-rte]");
  var area = form.querySelector("[data-rte-area]");
  var textarea = form.querySelector("textarea[name=body]");
  var rteError = form.querySelector("[data-rte-error]");
  if (!window.Squire || !window.DOMPurify) { return; }  // the HTML box stays
  wrapper.hidden = false;
  form.querySelector("[data-rte-fallback]").hidden = true;
  var editor = new window.Squire(area, {
    blockTag: "P",
    sanitizeToDOMFragment: function (html) {
      var fragment = window.DOMPurify.sanitize(html, {
        WHOLE_DOCUMENT: false, RETURN_DOM_FRAGMENT: true, FORBID_TAGS: ["style"], FORBID_ATTR: ["style", "class"]
      });
      if (!fragment) { return document.createDocumentFragment(); }
      // Pasted pictures from Word or a web page point at the author's disk (file:) or are
      // inline data the server will not keep: say so now instead of losing them on save.
      var dropped = 0;
      Array.prototype.slice.call(fragment.querySelectorAll("img")).forEach(function (img) {
        var src = img.getAttribute("src") || "";
        if (!/^(https:\/\/|\/(?!\/))/i.test(src)) { img.remove(); dropped += 1; }
      });
      if (dropped) {
        showError(rteError, "粘贴内容中有" + dropped + "张图片无法带入，请用“插入图片”上传。");
      }
      return document.importNode(fragment, true);
    }
  });
  editor.setHTML(textarea.value);
  function sync() { textarea.value = editor.getHTML(); }
  editor.addEventListener("input", sync);
  form.addEventListener("submit", sync);

  // Headings: Squire has no heading command; swap the tag of each selected block.
  function setBlock(tag) {
    editor.modifyBlocks(function (fragment) {
      Array.prototype.slice.call(fragment.childNodes).forEach(function (block) {
        if (block.nodeType !== 1 || !/^(P|DIV|H[1-6])$/.test(block.nodeName)) { return; }
        var replacement = document.createElement(tag);
        while (block.firstChild) { replacement.appendChild(block.firstChild); }
        fragment.replaceChild(replacement, block);
      });
      return fragment;
    });
    editor.focus();
  }

  function blockIs(tag) {
    var path = editor.getPath();
    return new RegExp("(^|>)" + tag + "(\\.|>|\\[|$)").test(path);
  }

  var imageInput = form.querySelector("[data-image-input]");
  var commands = {
    bold: function () { editor.hasFormat("B") ? editor.removeBold() : editor.bold(); },
    italic: function () { editor.hasFormat("I") ? editor.removeItalic() : editor.italic(); },
    underline: function () { editor.hasFormat("U") ? editor.removeUnderline() : editor.underline(); },
    h2: function () { setBlock(blockIs("H2") ? "P" : "H2"); },
    h3: function () { setBlock(blockIs("H3") ? "P" : "H3"); },
    p: function () { setBlock("P"); },
    ul: function () { blockIs("UL") ? editor.removeList() : editor.makeUnorderedList(); },
    ol: function () { blockIs("OL") ? editor.removeList() : editor.makeOrderedList(); },
    quote: function () { blockIs("BLOCKQUOTE") ? editor.decreaseQuoteLevel() : editor.increaseQuoteLevel(); },
    link: function () {
      if (editor.hasFormat("A")) { editor.removeLink(); return; }
      var url = window.prompt("链接地址（以 https:// 开头）", "https://");
      if (!url || url === "https://") { return; }
      if (!/^(https:\/\/|mailto:|\/)/.test(url.trim())) {
        showError(rteError, "链接地址须以 https:// 开头。");
        return;
      }
      showError(rteError, "");
      editor.makeLink(url.trim());
    },
    image: function () { imageInput.click(); },
    clear: function () { editor.removeAllFormatting(); },
    undo: function () { editor.undo(); },
    redo: function () { editor.redo(); }
  };

  var toolbar = wrapper.querySelector(".rte-toolbar");
  // Keep the selection in the text when a toolbar button is pressed.
  toolbar.addEventListener("mousedown", function (event) {
    if (event.target.closest("button")) { event.preventDefault(); }
  });
  toolbar.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-cmd]");
    if (!button) { return; }
    commands[button.getAttribute("data-cmd")]();
    sync();
    refreshState();
  });

  function refreshState() {
    var state = {
      bold: editor.hasFormat("B"), italic: editor.hasFormat("I"), underline: editor.hasFormat("U"),
      h2: blockIs("H2"), h3: blockIs("H3"), ul: blockIs("UL"), ol: blockIs("OL")
    };
    Object.keys(state).forEach(function (name) {
      var button = toolbar.querySelector('[data-cmd="' + name + '"]');
      button.setAttribute("aria-pressed", state[name] ? "true" : "false");
    });
  }
  editor.addEventListener("pathChange", refreshState);

  function insertUploaded(file) {
    showError(rteError, "正在上传图片“" + (file.name || "粘贴的图片") + "”…");
    rteError.classList.add("progress");
    return upload(file, "image").then(function (result) {
      editor.insertImage(result.url, { alt: result.filename.replace(/\.[^.]+$/, "") });
      sync();
      showError(rteError, "");
    }, function (error) {
      showError(rteError, error.message);
    }).then(function () {
      rteError.classList.remove("progress");
    });
  }

  imageInput.addEventListener("change", function () {
    var file = imageInput.files[0];
    if (!file) { return; }
    insertUploaded(file).then(function () { imageInput.value = ""; });
  });
  // A screenshot pasted or a picture dropped into the text is uploaded like 插入图片.
  editor.addEventListener("pasteImage", function (event) {
    var items = Array.prototype.slice.call((event.detail && event.detail.clipboardData.items) || []);
    items.filter(function (item) { return /^image\//.test(item.type); }).forEach(function (item) {
      var file = item.getAsFile();
      if (file) { insertUploaded(file); }
    });
  });
  area.addEventListener("drop", function (event) {
    var dropped = Array.prototype.slice.call((event.dataTransfer && event.dataTransfer.files) || []);
    if (!dropped.length) { return; }
    event.preventDefault();
    dropped.forEach(function (file) {
      if (/^image\//.test(file.type)) { insertUploaded(file); } else { showError(rteError, "只能拖入图片；PDF请用下方“上传PDF”。"); }
    });
  });
  // The label names the HTML box, hidden now: a click on it goes to the editor.
  var label = form.querySelector('label[for="' + textarea.id + '"]');
  if (label) { label.addEventListener("click", function (event) { event.preventDefault(); editor.focus(); }); }
})();
