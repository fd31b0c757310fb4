"""Errors as ``application/problem+json`` (RFC 9457): one clear ``detail``, never a traceback."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Mapping

from starlette.responses import JSONResponse

PROBLEM = "application/problem+json"
RETRY_AFTER = "5"
"""Seconds a client is asked to wait when the check queue is full or the store is away."""


class Problem(Exception):
    """An HTTP error to answer with: status, one-sentence detail, the offending field."""

    def __init__(self, status: int, detail: str, *, field: str | None = None, headers: Mapping[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
        self.headers = dict(headers or {})


def problem_response(status: int, detail: str, *, instance: str | None = None, field: str | None = None,
                     headers: Mapping[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if field:
        body["field"] = field
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=dict(headers or {}))
