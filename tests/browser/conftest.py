"""Browser fixtures: the app served in a thread on SQLite, driven by Debian's Chromium.

Never downloads a browser: Playwright launches /usr/bin/chromium (or $CHROMIUM).
"""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from quizapp.extensions import db, limiter
from tests.conftest import make_test_app, truncate_all

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app on its own SQLite file, shared by the server thread and the test."""
    app = make_test_app("sqlite", tmp_path_factory.mktemp("live"), WTF_CSRF_SSL_STRICT=False)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="session")
def _server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def live_server(live_app, _server):
    """Base URL of the running app; tables are emptied before each test."""
    with live_app.app_context():
        truncate_all()
        limiter.reset()
        db.session.remove()
    return _server


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must run the browser tests")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _page(browser, options):
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    return context, page


@pytest.fixture
def phone_page(browser):
    """A page in a 390×844 phone viewport with touch."""
    context, page = _page(browser, PHONE)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser):
    """A page in a 1366×900 desktop viewport."""
    context, page = _page(browser, DESKTOP)
    yield page
    context.close()


def browser_login(page, base_url: str, badge: str, password: str) -> None:
    """Log in through the real login form."""
    page.goto(f"{base_url}/login")
    page.get_by_label("警号").fill(badge)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
