// PDF attachments shown on the material page with pdf.js (vendored). Pages are drawn
// as wide as the column (readable on a 390 px phone, zoom for more) and only when they
// come near the screen. Reading minutes need nothing here: the page's heartbeat
// (study.js) counts while the page is visible and the reader scrolls or touches.
const script = document.querySelector("script[data-pdfjs]");
const ZOOMS = [1, 1.5, 2, 3];
const MAX_PIXEL_RATIO = 2;
const FIT_MAX_WIDTH = 820;  // on a desktop a page as wide as the column would be taller than two screens

async function showPdf(viewer, pdfjs) {
  const status = viewer.querySelector("[data-pdf-status]");
  const pages = viewer.querySelector("[data-pdf-pages]");
  let pdf;
  try {
    pdf = await pdfjs.getDocument({
      url: viewer.dataset.src, withCredentials: true, isEvalSupported: false,
      // Chinese PDFs whose fonts are not embedded need the GB character maps (vendored beside pdf.js).
      cMapUrl: new URL("cmaps/", new URL(script.dataset.pdfjs, window.location.href)).href, cMapPacked: true, useSystemFonts: true,
      disableRange: true, disableStream: true,
    }).promise;
  } catch (error) {
    status.textContent = "PDF无法显示，请点“下载”查看。";
    return;
  }
  status.textContent = `共 ${pdf.numPages} 页`;
  let zoom = 0;
  const slots = [];
  for (let number = 1; number <= pdf.numPages; number += 1) {
    const page = await pdf.getPage(number);
    const slot = document.createElement("div");
    slot.className = "pdf-page";
    slot.setAttribute("role", "img");
    slot.setAttribute("aria-label", `第 ${number} 页`);
    const label = document.createElement("span");
    label.className = "pdf-page-number";
    label.textContent = `${number} / ${pdf.numPages}`;
    slot.appendChild(label);
    pages.appendChild(slot);
    slots.push({ slot, page, drawnAt: 0, task: null });
  }

  function layout() {
    const width = Math.min(pages.clientWidth - 12, FIT_MAX_WIDTH) * ZOOMS[zoom];
    for (const item of slots) {
      const viewport = item.page.getViewport({ scale: 1 });
      item.slot.style.width = `${Math.floor(width)}px`;
      item.slot.style.height = `${Math.floor(width * viewport.height / viewport.width)}px`;
    }
  }

  async function draw(item) {
    const cssWidth = item.slot.clientWidth;
    if (!cssWidth || item.drawnAt === cssWidth) { return; }
    item.drawnAt = cssWidth;
    if (item.task) { item.task.cancel(); }
    const ratio = Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO);
    const viewport = item.page.getViewport({ scale: cssWidth * ratio / item.page.getViewport({ scale: 1 }).width });
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    item.task = item.page.render({ canvasContext: canvas.getContext("2d"), viewport });
    try {
      await item.task.promise;
    } catch (error) {
      return;  // cancelled by a newer zoom
    }
    item.slot.querySelector("canvas")?.remove();
    item.slot.prepend(canvas);
    item.slot.dataset.rendered = "true";
  }

  const near = new Set();
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const item = slots.find((s) => s.slot === entry.target);
      if (entry.isIntersecting) { near.add(item); draw(item); } else { near.delete(item); }
    }
  }, { rootMargin: "600px 0px" });

  function redraw() {
    layout();
    near.forEach(draw);
  }
  layout();
  slots.forEach((item) => observer.observe(item.slot));

  const buttons = viewer.querySelectorAll("[data-pdf-zoom]");
  function setZoom(next) {
    zoom = Math.max(0, Math.min(ZOOMS.length - 1, next));
    viewer.querySelector('[data-pdf-zoom="out"]').disabled = zoom === 0;
    viewer.querySelector('[data-pdf-zoom="fit"]').disabled = zoom === 0;
    viewer.querySelector('[data-pdf-zoom="in"]').disabled = zoom === ZOOMS.length - 1;
    status.textContent = `共 ${pdf.numPages} 页 · ${Math.round(ZOOMS[zoom] * 100)}%`;
    redraw();
  }
  buttons.forEach((button) => button.addEventListener("click", () => {
    const how = button.dataset.pdfZoom;
    setZoom(how === "in" ? zoom + 1 : how === "out" ? zoom - 1 : 0);
  }));
  setZoom(0);
  let width = pages.clientWidth;
  window.addEventListener("resize", () => {
    if (pages.clientWidth !== width) { width = pages.clientWidth; redraw(); }
  });
}

const viewers = document.querySelectorAll("[data-pdf-viewer]");
if (script && viewers.length) {
  try {
    const pdfjs = await import(script.dataset.pdfjs);
    pdfjs.GlobalWorkerOptions.workerSrc = script.dataset.worker;
    viewers.forEach((viewer) => showPdf(viewer, pdfjs));
  } catch (error) {
    viewers.forEach((viewer) => {
      viewer.querySelector("[data-pdf-status]").textContent = "此浏览器无法直接显示PDF，请点“下载”查看。";
    });
  }
}
