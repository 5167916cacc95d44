"""Site-wide web pieces: navigation and home-panel registries, headers, error pages, public links."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from markupsafe import Markup
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException

from . import labels, timeutil
from .scores import format_score

bp = Blueprint("web", __name__)


def public_url(endpoint: str, **values) -> str:
    """An absolute address officers can open from a phone, a QR code or a printed notice: on
    QUIZAPP_BASE_URL when set (the address they reach the site by), else on this request's."""
    base = current_app.config.get("QUIZAPP_BASE_URL") or ""
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)

ROLE_LABELS = labels.ROLES


@dataclass(frozen=True)
class NavItem:
    """A link in the top navigation, shown to the listed roles."""

    label: str
    endpoint: str
    roles: frozenset
    order: int


@dataclass(frozen=True)
class HomePanel:
    """A block on the home page: a template and a function giving its context."""

    template: str
    roles: frozenset
    order: int
    context: Callable[[object], dict] = field(default=lambda user: {})


NAV_ITEMS: list[NavItem] = []
HOME_PANELS: list[HomePanel] = []


def register_nav(label: str, endpoint: str, roles, order: int = 50) -> None:
    """Add a navigation link for the given roles (idempotent)."""
    item = NavItem(label, endpoint, frozenset(roles), order)
    if item not in NAV_ITEMS:
        NAV_ITEMS.append(item)
        NAV_ITEMS.sort(key=lambda i: i.order)


def register_home_panel(template: str, roles, order: int = 50, context=None) -> None:
    """Add a panel to the home page of the given roles (idempotent)."""
    if any(p.template == template for p in HOME_PANELS):
        return
    HOME_PANELS.append(HomePanel(template, frozenset(roles), order, context or (lambda user: {})))
    HOME_PANELS.sort(key=lambda p: p.order)


def nav_for(user) -> list[NavItem]:
    """The navigation links the user's role may follow."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in NAV_ITEMS if user.role in item.roles]


@dataclass(frozen=True)
class Tab:
    """A tab of the phone's bottom bar: the blueprints (or endpoints) it stands for."""

    label: str
    endpoint: str
    icon: str
    covers: tuple[str, ...]


# The bottom bar of the WeChat mini-programs this site replaces. Everything else the
# top menu holds (messages, points, contests, the management pages) is gathered on 我的.
TABS = (
    Tab("首页", "web.home", "home", ("web.home",)),
    Tab("学习", "study.index", "book", ("study",)),
    Tab("练习", "practice.index", "pencil", ("practice",)),
    Tab("考试", "exams.my_exams", "clipboard", ("exams",)),
    Tab("我的", "web.me", "user", ("web.me", "notifications", "points.mine", "auth.change_password")),
)
TAB_ENDPOINTS = frozenset(tab.endpoint for tab in TABS)
# Links of 我的 that are the officer's own; the rest of a role's menu is management.
PERSONAL_ENDPOINTS = ("notifications.inbox", "points.mine", "contests.join")


def current_tab(endpoint: str | None) -> str | None:
    """The label of the tab that the page at this endpoint belongs to, if any."""
    if not endpoint:
        return None
    blueprint = endpoint.split(".", 1)[0]
    for tab in TABS:
        if endpoint in tab.covers or blueprint in tab.covers:
            return tab.label
    # The pages reached through 我的 (points, contests, the management areas) stay under it.
    if any(item.endpoint.split(".", 1)[0] == blueprint for item in NAV_ITEMS):
        return "我的"
    return None


def me_links(user) -> tuple[list[NavItem], list[NavItem]]:
    """The menu links 我的 gathers: the user's own, then the management pages of the role."""
    items = [item for item in nav_for(user) if item.endpoint not in TAB_ENDPOINTS]
    own = sorted((item for item in items if item.endpoint in PERSONAL_ENDPOINTS),
                 key=lambda item: PERSONAL_ENDPOINTS.index(item.endpoint))
    manage = [item for item in items if item.endpoint not in PERSONAL_ENDPOINTS]
    return own, manage


@bp.route("/")
@login_required
def home():
    """Home page: the panels of the user's role."""
    panels = [
        (panel.template, panel.context(current_user))
        for panel in HOME_PANELS
        if current_user.role in panel.roles
    ]
    return render_template("home.html", panels=panels)


@bp.route("/me")
@login_required
def me():
    """我的: the account, messages, points and (for organisers and admins) the management pages."""
    own, manage = me_links(current_user)
    return render_template("me.html", own=own, manage=manage)


@bp.route("/favicon.ico")
def favicon():
    """The ICO for clients that ask for /favicon.ico without reading the page's <link>s."""
    return current_app.send_static_file("favicon.ico")


@bp.route("/healthz")
def healthz():
    """Liveness probe for load balancers."""
    return {"status": "ok"}


def is_api_request() -> bool:
    """True for requests under the JSON API prefix."""
    return request.path.startswith("/api/")


ERROR_TITLES = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限",
    404: "页面不存在",
    405: "不支持的请求方式",
    409: "操作冲突",
    413: "上传的文件太大",
    422: "提交的内容有误",
    429: "操作太频繁",
    500: "服务器出错了",
    503: "服务暂时不可用",
}


def datetime_value(moment, fmt: str | None = None) -> Markup:
    """A date or datetime as one unbreakable value: <time class="dt">, local time for datetimes."""
    if moment is None:
        return Markup("")
    if isinstance(moment, datetime):
        text = timeutil.format_local(moment, fmt or "%Y-%m-%d %H:%M")
        machine = timeutil.isoformat(moment)
    else:  # a calendar date has no time zone
        text = moment.strftime(fmt or "%Y-%m-%d")
        machine = moment.isoformat()
    return Markup('<time class="dt" datetime="{}">{}</time>').format(machine, text)


def render_error_page(status: int, message: str | None = None):
    """A Chinese error page with the given status."""
    title = ERROR_TITLES.get(status, "出错了")
    return render_template("error.html", status=status, title=title, message=message), status


def value_out_of_range(error: Exception) -> bool:
    """True when the database refused a client-supplied value as too large or too long."""
    from sqlalchemy.exc import DataError

    if isinstance(error, DataError):  # PostgreSQL: numeric out of range, value too long
        return True
    return isinstance(error, OverflowError) and "SQLite INTEGER" in str(error)


DISK_FULL_MESSAGE = "服务器存储空间已满，本次未能保存，请稍后重试；之前已保存的内容不会丢失。"
UNAVAILABLE_MESSAGE = "数据库暂时无法访问，本次未能保存，请稍后重试；之前已保存的内容不会丢失。"


def database_trouble(error: Exception) -> str | None:
    """A Chinese message when the database is full or unreachable (retry later), else None."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    if not isinstance(error, DBAPIError):
        return None
    text = str(getattr(error, "orig", error)).lower()
    state = getattr(getattr(error, "orig", None), "sqlstate", None) or ""
    if "database or disk is full" in text or state.startswith("53"):  # SQLite full / PG insufficient resources
        return DISK_FULL_MESSAGE
    if error.connection_invalidated or state.startswith(("08", "57P")):  # connection lost, server shutting down
        return UNAVAILABLE_MESSAGE
    if isinstance(error, OperationalError) and (
            "database is locked" in text or "connection" in text or "server closed" in text):
        return UNAVAILABLE_MESSAGE
    return None


def _unavailable_error(message: str):
    from .api.errors import ApiError

    return ApiError(503, "unavailable", message)


def _out_of_range_error():
    from .api.errors import ApiError

    return ApiError(422, "out_of_range", "提交的数字或文字超出允许的范围。")


_SECURITY_HEADERS = (
    ("Content-Security-Policy",
     "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; "
     "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
_HSTS = ("Strict-Transport-Security", "max-age=31536000")


def set_security_headers(response):
    """CSP and friends on every response, unless a view set its own."""
    headers = response.headers
    # One pass over the response's headers, then plain appends: this runs on every
    # request, answer saves included, and werkzeug's setdefault scans the list each time.
    present = {name.lower() for name, _value in headers.items()}
    wanted = _SECURITY_HEADERS + ((_HSTS,) if current_app.config.get("QUIZAPP_HTTPS") else ())
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    if "cache-control" not in present and request.endpoint != "static":
        headers.add("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Register the site blueprint, template helpers and HTML error pages."""
    app.register_blueprint(bp)
    register_home_panel("_home_account.html", ("officer", "organiser", "admin"), order=99)
    app.after_request(set_security_headers)
    # Every date and time on a page goes through |localtime, which keeps it on one line;
    # |localtime_text is the plain string for places that take no markup (<option>, attributes).
    app.jinja_env.filters["localtime"] = datetime_value
    app.jinja_env.filters["localtime_text"] = timeutil.format_local
    app.jinja_env.filters["score"] = format_score
    app.jinja_env.filters["duration"] = timeutil.format_duration
    app.jinja_env.globals["ROLE_LABELS"] = ROLE_LABELS
    labels.init_app(app)

    @app.context_processor
    def _navigation():
        return {"nav_items": nav_for(current_user), "tabs": TABS,
                "current_tab": current_tab(request.endpoint)}

    # API paths get JSON from the api package's handlers; these serve everyone else.
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        from .api.errors import api_error_response

        if is_api_request():
            return api_error_response(error)
        if error.code == 429:
            return render_error_page(429, "尝试次数过多，请稍后再试。")
        if error.code == 400 and getattr(error, "description", "").startswith("The CSRF"):
            return render_error_page(400, "页面已过期或来源不明，请刷新页面后重试。")
        return render_error_page(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected_error(error: Exception):
        from .api.errors import api_error_response

        if isinstance(error, HTTPException):
            return _http_error(error)
        from .errors import DomainError
        from .extensions import db

        if isinstance(error, DomainError):
            # A refusal the service explained: nothing half-done is kept, nothing to log.
            db.session.rollback()
            if is_api_request():
                return api_error_response(error)
            return render_error_page(error.status, error.message)

        trouble = database_trouble(error)
        if trouble:
            # The database refused for a reason of its own (disk full, restarting):
            # the user may retry; the exam page keeps the answer and does so itself.
            try:
                db.session.rollback()
            except Exception:  # the connection may be gone already
                db.session.remove()
            app.logger.error("database unavailable on %s: %s", request.path, str(error).splitlines()[0])
            if is_api_request():
                return api_error_response(_unavailable_error(trouble))
            return render_error_page(503, trouble)
        if value_out_of_range(error):
            # Client input the database cannot store (an id past 2**63, a text past
            # its column): the client's mistake, not a server fault.
            db.session.rollback()
            app.logger.warning("value out of range on %s: %s", request.path, str(error).splitlines()[0])
            return _http_error(_out_of_range_error())
        app.logger.exception("unhandled error on %s", request.path)
        db.session.rollback()
        if is_api_request():
            return api_error_response(error)
        return render_error_page(500, "请稍后再试；已保存的内容不会丢失。")
