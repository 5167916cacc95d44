"""JSON errors for everything under /api/v1: {"error": {"code", "message"}}."""
from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

from ..errors import DomainError

ERROR_CODES = {
    400: ("bad_request", "请求格式有误。"),
    401: ("unauthorized", "请先登录或提供有效的令牌。"),
    403: ("forbidden", "没有权限进行此操作。"),
    404: ("not_found", "请求的资源不存在。"),
    405: ("method_not_allowed", "不支持该请求方式。"),
    409: ("conflict", "操作与当前状态冲突。"),
    413: ("too_large", "上传的内容太大。"),
    415: ("unsupported_media_type", "不支持的内容类型。"),
    422: ("invalid", "提交的内容有误。"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试。"),
    500: ("internal_error", "服务器出错了，请稍后再试；已保存的内容不会丢失。"),
    503: ("unavailable", "服务暂时不可用，请稍后再试。"),
}


class ApiError(HTTPException):
    """A domain refusal with a status, a machine code and a Chinese message."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(description=message)
        self.code = status
        self.data = {"code": code, "message": message, **extra}


def api_error_response(error: Exception):
    """Render any exception as the API's JSON error."""
    if isinstance(error, DomainError):
        status, data, headers = error.status, {"code": error.code, "message": error.message, **error.extra}, []
    elif not isinstance(error, HTTPException):
        status, data, headers = 500, {}, []
    else:
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        headers = [(k, v) for k, v in error.get_headers() if k.lower() not in {"content-type", "content-length"}]
    default_code, default_message = ERROR_CODES.get(status, ("error", "请求失败。"))
    if status == 400 and isinstance(error, HTTPException) and (error.description or "").startswith("The CSRF"):
        default_code, default_message = "csrf_failed", "页面已过期或缺少安全校验，请刷新后重试。"
    body = {"code": data.get("code", default_code), "message": data.get("message", default_message)}
    if "messages" in data:  # webargs / marshmallow validation
        body["details"] = data["messages"]
    for key, value in data.items():
        if key not in {"code", "message", "messages", "schema", "exc", "headers"}:
            body[key] = value
    response = jsonify(error=body)
    response.status_code = status
    for key, value in headers:
        response.headers[key] = value
    return response
