"""Look at every page: each role walks the demo at 360, 390 and 1280 px in Chromium.

The addresses come from the same walk as the page-text test (tests/site_walk.py: links
followed from each role's home page); a page shape another role already showed is not
walked again, nor a second page of one shape. Each page is loaded once and resized: at
every width the page must not scroll sideways and no text may be cut off by its container
(a box that hides its overflow, or a chart label outside its chart); axe-core (the npm
package, installed by tests/run.sh and injected from disk: no CDN) must find no violation
of serious or critical impact. Full-page screenshots go to $QUIZAPP_SHOTS
(default /tmp/quizapp-shots/<role>/, never committed) to be looked at.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from quizapp.demo import build_demo
from quizapp.extensions import db, limiter
from tests import site_walk
from tests.browser.conftest import browser_login
from tests.conftest import truncate_all

WIDTHS = (360, 390, 1280)
AXE_WIDTH = 390  # axe's findings hardly depend on the width: once per page keeps the walk short
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("QUIZAPP_SHOTS", "/tmp/quizapp-shots"))

# Where the layout fits or cuts, measured in the page. Boxes that scroll on purpose
# (overflow auto/scroll, e.g. a wide table in .table-wrap) are fine; a box that hides
# its overflow and has more text than room cuts it off; so does a chart whose label
# reaches outside the drawing.
LAYOUT_PROBE = """() => {
  const root = document.documentElement;
  const result = {overflow: Math.max(root.scrollWidth, document.body.scrollWidth) - root.clientWidth,
                  wide: [], cut: []};
  const describe = (el) => {
    const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    const id = el.id ? '#' + el.id : '';
    const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return el.tagName.toLowerCase() + id + cls + ' "' + text + '"';
  };
  if (result.overflow > 1) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width && box.right > root.clientWidth + 1 && !el.closest('.table-wrap, [data-scrolls]')) {
        const parent = el.parentElement && el.parentElement.getBoundingClientRect();
        if (!parent || parent.right <= root.clientWidth + 1) result.wide.push(describe(el));
      }
    }
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
    const style = getComputedStyle(el);
    const hidesX = style.overflowX === 'hidden' || style.overflowX === 'clip';
    const hidesY = style.overflowY === 'hidden' || style.overflowY === 'clip';
    if (!hidesX && !hidesY) continue;
    if (!(el.innerText || '').trim()) continue;
    const own = el.getBoundingClientRect();
    if (own.width <= 1 || own.height <= 1) continue;  // visually hidden (.sr-only) labels
    if ((hidesX && el.scrollWidth > el.clientWidth + 1) || (hidesY && el.scrollHeight > el.clientHeight + 1)) {
      result.cut.push(describe(el));
    }
  }
  for (const svg of document.querySelectorAll('svg')) {
    const frame = svg.getBoundingClientRect();
    if (!frame.width) continue;
    for (const text of svg.querySelectorAll('text')) {
      const box = text.getBoundingClientRect();
      if (!box.width || !text.textContent.trim()) continue;
      if (box.left < frame.left - 1 || box.right > frame.right + 1 || box.top < frame.top - 1 || box.bottom > frame.bottom + 1) {
        result.cut.push('svg text "' + text.textContent.trim() + '"');
      }
    }
  }
  return result;
}"""

# The text shown now, as the page text test reads it (commands in <code> and what is being
# edited in a <textarea> are not the app speaking).
SHOWN_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent || parent.closest('code, textarea, script, style') || !parent.getClientRects().length) continue;
    parts.push(walker.currentNode.textContent);
  }
  return parts.join(' ');
}"""

AXE_RUN = """async () => {
  const report = await axe.run(document, {resultTypes: ['violations']});
  return report.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))
  }));
}"""


def _addresses(app) -> dict[str, list[str]]:
    """Each role's HTML pages, a shape once over all roles (each role's home page kept): of
    the pages of one shape, the longest (the finished exam's report rather than the empty
    one: more to lay out, more to go wrong)."""
    walked: dict[str, list[str]] = {}
    shown: set[str] = set()
    for role in site_walk.DEMO_LOGINS:
        client = app.test_client()
        site_walk.login(client, role)
        longest: dict[str, site_walk.Visit] = {}
        for visit in site_walk.walk(client, role, pages_only=True):
            key = site_walk.shape(visit.url)
            if not visit.content_type.startswith("text/html") or (key in shown and visit.url != "/"):
                continue
            if key not in longest or len(visit.body) > len(longest[key].body):
                longest[key] = visit
        shown.update(longest)
        walked[role] = [visit.url for visit in longest.values()]
    return walked


def _shot_name(url: str, width: int) -> str:
    name = re.sub(r"[^\w]+", "_", url.strip("/")).strip("_")[:80] or "home"
    return f"{name}@{width}.png"


@pytest.mark.browser
@pytest.mark.slow
def test_every_page_fits_keeps_its_text_and_passes_axe(live_app, _server, browser):
    assert AXE.exists(), f"{AXE} missing: tests/run.sh installs axe-core with npm"
    with live_app.app_context():
        truncate_all()
        limiter.reset()
        build_demo()
        db.session.commit()
        addresses = _addresses(live_app)
        db.session.remove()
    axe_script = AXE.read_text(encoding="utf-8")

    problems: list[str] = []
    for role, urls in addresses.items():
        folder = SHOTS / role
        shutil.rmtree(folder, ignore_errors=True)  # no stale picture of a page that is gone
        folder.mkdir(parents=True, exist_ok=True)
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800}, locale="zh-CN",
                                      timezone_id="Asia/Shanghai", device_scale_factor=1,
                                      bypass_csp=True)  # lets axe's script tag run
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # leaving the running exam asks first
        badge, password = site_walk.DEMO_LOGINS[role]
        browser_login(page, _server, badge, password)
        page.wait_for_url(f"{_server}/")
        for url in urls:
            page.set_viewport_size({"width": WIDTHS[0], "height": 800})
            page.goto(_server + url, wait_until="load")
            for width in WIDTHS:
                if width != WIDTHS[0]:
                    page.set_viewport_size({"width": width, "height": 800})
                layout = page.evaluate(LAYOUT_PROBE)
                where = f"{role} {url} @{width}px"
                if layout["overflow"] > 1:
                    problems.append(f"{where}: scrolls sideways by {layout['overflow']}px: {layout['wide'][:4]}")
                for cut in layout["cut"][:5]:
                    problems.append(f"{where}: text cut off: {cut}")
                if width == AXE_WIDTH:
                    # What scripts wrote (a countdown, a status line) is read here; the page
                    # text test reads the HTML as served.
                    english = site_walk.english_in(page.evaluate(SHOWN_TEXT))
                    if english:
                        problems.append(f"{where}: English on the page: {sorted(set(english))}")
                    page.add_script_tag(content=axe_script)
                    for violation in page.evaluate(AXE_RUN):
                        problems.append(f"{where}: axe {violation['impact']} {violation['id']} "
                                        f"({violation['help']}): {violation['nodes']}")
                page.screenshot(path=str(folder / _shot_name(url, width)), full_page=True)
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_the_walker_sees_sideways_scrolling_cut_text_and_poor_contrast(browser):
    """The checks themselves, on a page made to fail each: a walker that sees nothing is no test."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, bypass_csp=True)
    page = context.new_page()
    page.set_content("""<html lang="zh-CN"><head><title>自检</title></head><body><main>
      <p style="width: 600px">很宽的一段</p>
      <p style="width: 60px; overflow: hidden; white-space: nowrap">城南派出所的很长名称</p>
      <span class="sr-only" style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)">只给读屏</span>
      <svg width="100" height="40"><text x="-30" y="20">南派出所</text></svg>
      <p style="color: #bbb; background: #fff">浅灰色的字</p>
    </main></body></html>""")
    layout = page.evaluate(LAYOUT_PROBE)
    assert layout["overflow"] > 200
    assert any("城南派出所" in cut for cut in layout["cut"])
    assert any('svg text "南派出所"' in cut for cut in layout["cut"])
    assert not any("只给读屏" in cut for cut in layout["cut"])
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    assert "color-contrast" in {violation["id"] for violation in page.evaluate(AXE_RUN)}
    context.close()
