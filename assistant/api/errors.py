"""Errors over HTTP: one JSON shape for the API, a friendly page for the web pages, never a traceback.

Every error answers ``{"error": {"code": "...", "message": "..."}}`` with its status (``OKRError.status``);
page routes render the same code and message as an HTML page with the same status. Unexpected exceptions are
logged with a reference and answered with a generic 500 that names the reference.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.errors import OKRError

log = logging.getLogger("assistant.api")

# Paths that answer JSON even though they are not under /api.
_JSON_PATHS = ("/healthz", "/readyz", "/openapi.json")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_format",
    422: "invalid_request",
    429: "too_many_requests",
}


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """What every error response carries."""

    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries declaring ``ErrorBody`` for each status."""
    return {status: {"model": ErrorBody, "description": _describe(status)} for status in statuses}


def _describe(status: int) -> str:
    return {
        400: "The input is unusable", 401: "No API key", 403: "Wrong API key", 404: "Not found",
        413: "Request body too large", 415: "Unsupported content type or file type",
        422: "The input could not be read", 502: "The model failed", 503: "Not configured or not reachable",
        504: "The model timed out",
    }.get(status, "Error")


def wants_json(path: str) -> bool:
    """True for the API (and the probes and spec); the web pages get HTML errors."""
    return path == "/api" or path.startswith("/api/") or path in _JSON_PATHS


def error_response(
    scope: Scope, status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None
) -> Response:
    """The error as JSON for API paths, else as the friendly error page."""
    if wants_json(scope.get("path", "")):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status,
                            headers=dict(headers or {}))
    from assistant.api.rendering import render_error_page

    return render_error_page(scope, status=status, code=code, message=message, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    more = len(exc.errors()) - 5
    if more > 0:
        parts.append(f"and {more} more")
    return "Invalid request: " + "; ".join(parts) + "."


def install_error_handlers(app: FastAPI) -> None:
    """Register the one exception handler per error family, and the catch-all middleware."""

    async def okr_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, OKRError)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return error_response(request.scope, exc.status, exc.code, exc.message, headers=headers)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(request.scope, 422, "invalid_request", _validation_message(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = _http_message(request, exc)
        return error_response(request.scope, exc.status_code, code, message, headers=exc.headers)

    app.add_exception_handler(OKRError, okr_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)


def _http_message(request: Request, exc: StarletteHTTPException) -> str:
    if exc.status_code == 404:
        return f"Nothing at {request.url.path}. The API lives under /api/v1 (see /docs); the pages start at /."
    if exc.status_code == 405:
        return f"{request.method} is not allowed on {request.url.path}."
    detail = exc.detail if isinstance(exc.detail, str) else ""
    return detail or "The request could not be handled."


class UnexpectedErrorMiddleware:
    """Turns an exception nothing else handled into a generic 500 (logged once, with a reference).

    It sits inside Starlette's own server-error middleware, so the exception is not re-raised into the
    server's logs a second time, and no traceback ever reaches a client.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except ClientDisconnect:
            return  # the client went away mid-request: nobody to answer, nothing went wrong here
        except Exception:
            reference = secrets.token_hex(4)
            log.exception("Unexpected error %s on %s %s", reference, scope.get("method"), scope.get("path"))
            if started:
                raise
            response = error_response(
                scope, 500, "internal_error",
                f"Something went wrong on our side (reference {reference}). Try again; if it persists, "
                "report it with the reference.",
            )
            await response(scope, receive, send)
