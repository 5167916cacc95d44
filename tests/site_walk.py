"""Walk every page a role can reach in the demo, and find English a person would see.

Shared by the page-text test (tests/web/test_no_english.py, through the test client) and
the browser walker (tests/browser/test_walk_pages.py, which visits the same addresses in
Chromium). The walk follows the links and GET forms of each page from the home page, as a
person clicking around would; addresses that differ only in their ids are visited three times at
most (every exam page looks like every other), which keeps the walk short.
"""
from __future__ import annotations

import io
import re
from collections import deque
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html

# The demo's logins (quizapp demo prints them): one per role.
DEMO_LOGINS = {
    "officer": ("200001", "Jingwu2026"),
    "organiser": ("100002", "Zuzhi2026"),
    "admin": ("100001", "Admin2026"),
}

# Never followed: leaving the session, static files, the JSON API (English by contract),
# and pages whose GET changes state or streams forever.
SKIP_PREFIXES = ("/logout", "/static/", "/api/", "/healthz")
SKIP_PATTERNS = (
    re.compile(r"/stream\b"),    # server-sent events of the live contest: never ends
    re.compile(r"/events\b"),
)
PER_SHAPE = 3      # addresses of one shape (ids replaced by N) visited at most this often
                   # (three: the demo's open, drawn and finished exams)
MAX_PAGES = 250    # per role: a runaway walk fails loudly instead of taking minutes

# Enum values and English weekdays that once leaked into pages, exports and the audit log,
# and the first words of the library messages that must never reach a person.
ENGLISH_WORDS = {
    "single", "multiple", "judge", "fill", "indefinite", "essay", "proportional", "equal", "fixed",
    "full", "sample", "question", "questionbank", "bank", "roster", "exam", "officer", "organiser",
    "admin", "open", "closed", "upcoming", "draft", "pending", "active", "inactive", "create",
    "update", "delete", "import", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "none", "null", "true",
    "false", "error", "traceback", "expecting", "invalid", "required", "field", "this", "not",
    "value", "must", "be", "the", "is", "of",
}
# ASCII words a person may see: format and product names, units, letters used as labels.
ALLOWED_WORDS = {
    "pdf", "xlsx", "xls", "csv", "docx", "doc", "txt", "api", "excel", "word", "json", "gift",
    "moodle", "aiken", "html", "qr", "id", "ok", "https", "http", "www", "smtp", "wps", "app", "ip", "url",
    "utf", "gb", "gbk", "png", "svg", "gif", "jpeg", "jpg", "webp", "kb", "mb", "ctrl",
}
_OPTION_LETTERS = re.compile(r"^[A-H]{1,8}$")  # answer keys: A, ABD, BCDEF
_URLISH = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|[\w./-]+\.(?:xlsx|xls|csv|docx|doc|pdf|txt|json|png|jpe?g|svg|html)\b"
    r"|/[a-z0-9_/.-]+", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
_VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


@dataclass
class Visit:
    role: str
    url: str
    status: int
    content_type: str
    body: bytes


def shape(url: str) -> str:
    """The address with its ids replaced: /exams/12/report?page=2 → /exams/N/report?page."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/N", parts.path)
    keys = sorted({item.split("=", 1)[0] for item in parts.query.split("&") if item})
    return path + ("?" + "&".join(keys) if keys else "")


def _skipped(path: str) -> bool:
    return path.startswith(SKIP_PREFIXES) or any(p.search(path) for p in SKIP_PATTERNS)


def links_of(url: str, html: bytes) -> list[str]:
    """The same-site addresses a page links to (anchors and GET forms without input)."""
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []
    found = []
    for anchor in tree.iterfind(".//a[@href]"):
        found.append(anchor.get("href"))
    for form in tree.iterfind(".//form"):
        if (form.get("method") or "get").lower() == "get" and form.get("action"):
            found.append(form.get("action"))
    result = []
    for href in found:
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        absolute = urljoin(url, href.split("#", 1)[0])
        parts = urlsplit(absolute)
        if parts.netloc not in ("", "localhost", urlsplit(url).netloc):
            continue
        local = parts.path + ("?" + parts.query if parts.query else "")
        if not _skipped(parts.path):
            result.append(local)
    return result


def login(client, role: str) -> None:
    badge, password = DEMO_LOGINS[role]
    page = client.get("/login")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.data)
    data = {"badge": badge, "password": password}
    if token:
        data["csrf_token"] = token.group(1).decode()
    response = client.post("/login", data=data)
    assert response.status_code in (302, 303), f"{role} could not log in: {response.status_code}"


DOWNLOADS = (".xlsx", ".xls", ".csv", ".json", ".pdf", ".zip")


_START_FORM = re.compile(rb'<form method="post" action="(/exams/\d+/start)">.*?name="csrf_token"[^>]*value="([^"]+)"'
                         rb'.*?\xe5\xbc\x80\xe5\xa7\x8b\xe8\x80\x83\xe8\xaf\x95', re.S)  # 开始考试


def start_open_exams(client) -> list[str]:
    """Press 开始考试 on each exam the officer may start, as he would, so that the running
    exam's page is walked too (it is reached only through that button). The attempt pages."""
    started = []
    for href in links_of("/exams", client.get("/exams").data):
        if not re.fullmatch(r"/exams/\d+", href):
            continue
        match = _START_FORM.search(client.get(href).data)
        if match:
            response = client.post(match.group(1).decode(), data={"csrf_token": match.group(2).decode()})
            if response.status_code in (302, 303):
                started.append(urlsplit(response.headers["Location"]).path)
    return started


def walk(client, role: str, pages_only: bool = False) -> list[Visit]:
    """Every page and export the logged-in client can reach from the home page (only the
    pages with pages_only: the browser walker has no use for downloads); an officer
    starts the exams that are open first."""
    seen_urls: set[str] = set()
    shapes: dict[str, int] = {}
    queue = deque(["/"] + (start_open_exams(client) if role == "officer" else []))
    visits: list[Visit] = []
    while queue:
        url = queue.popleft()
        if url in seen_urls:
            continue
        key = shape(url)
        if shapes.get(key, 0) >= PER_SHAPE or (pages_only and urlsplit(url).path.endswith(DOWNLOADS)):
            continue
        seen_urls.add(url)
        shapes[key] = shapes.get(key, 0) + 1
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            continue  # a redirect leads to a page that is linked anyway
        content_type = response.headers.get("Content-Type", "")
        visits.append(Visit(role, url, response.status_code, content_type, response.data))
        assert len(visits) <= MAX_PAGES, f"{role}: more than {MAX_PAGES} pages; is the walk looping?"
        if content_type.startswith("text/html"):
            for link in links_of(url, response.data):
                if link not in seen_urls:
                    queue.append(link)
    return visits


def visible_texts(html: bytes) -> list[str]:
    """The text a person sees on a page: text nodes outside scripts and styles, button and
    input labels, placeholders, titles and alt texts."""
    tree = lxml.html.fromstring(html)
    for element in tree.iterfind(".//script"):
        element.drop_tree()
    # Styles are not text; a textarea holds what the user is editing and <code> a command
    # or a configuration name for the operator, not the app speaking.
    for tag in ("style", "textarea", "code"):
        for element in tree.iterfind(f".//{tag}"):
            element.drop_tree()
    texts = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("hidden") is not None or element.tag in ("template",):
            continue
        for name in _VISIBLE_ATTRIBUTES:
            if element.get(name):
                texts.append(element.get(name))
        if element.tag == "input" and (element.get("type") or "").lower() in ("submit", "button") and element.get("value"):
            texts.append(element.get("value"))
        if element.text and element.text.strip():
            texts.append(element.text)
        if element.tail and element.tail.strip():
            texts.append(element.tail)
    return texts


def xlsx_texts(body: bytes) -> list[str]:
    """Every text cell and sheet name of a workbook."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(body), read_only=True)
    texts = []
    for sheet in workbook.worksheets:
        texts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            texts.extend(value for value in row if isinstance(value, str))
    return texts


def english_in(text: str) -> list[str]:
    """ASCII words in a visible text that a Chinese reader should not meet."""
    stripped = _URLISH.sub(" ", text)
    words = []
    for word in _WORD.findall(stripped):
        lower = word.lower()
        if lower in ENGLISH_WORDS:  # a known leak, whatever the allowlist says
            words.append(word)
        elif lower not in ALLOWED_WORDS and not _OPTION_LETTERS.match(word):
            words.append(word)  # any other ASCII word of two letters or more
    return words


def texts_of(visit: Visit) -> list[str]:
    if visit.content_type.startswith("text/html"):
        return visible_texts(visit.body)
    if "spreadsheetml" in visit.content_type:
        return xlsx_texts(visit.body)
    if visit.content_type.startswith("text/csv"):
        return [visit.body.decode("utf-8-sig", "replace")]
    return []
