"""Request body limits, enforced before any route sees the body.

A declared ``Content-Length`` over the limit is refused at once; a body sent without one (chunked) is counted
as it streams in, and refused as soon as it crosses the limit. Multipart uploads get ``max_upload_bytes``,
everything else ``max_json_bytes``. Either way the answer is 413 in the usual error shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import error_response
from assistant.errors import PayloadTooLarge


@dataclass
class _Exchange:
    received: int = 0
    exceeded: bool = False
    started: bool = False
    passthrough: bool = False  # the app itself answered 413: let its response through


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class BodyLimitMiddleware:
    """Refuse request bodies over the configured sizes with 413."""

    def __init__(self, app: ASGIApp, *, max_json_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_json_bytes = max_json_bytes
        self.max_upload_bytes = max_upload_bytes

    def _limit(self, scope: Scope) -> tuple[int, str]:
        content_type = _header(scope, b"content-type").lower()
        if content_type.startswith("multipart/form-data"):
            return self.max_upload_bytes, (
                f"The upload is over the {_megabytes(self.max_upload_bytes)} limit (OKR_MAX_UPLOAD_BYTES): "
                "split the document, or raise the limit."
            )
        return self.max_json_bytes, (
            f"The request body is over the {_megabytes(self.max_json_bytes)} limit (OKR_MAX_JSON_BYTES): "
            "send a smaller OKR set, or upload a file as multipart/form-data."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, message = self._limit(scope)
        declared = _header(scope, b"content-length")
        if declared:
            if not declared.isdigit():
                await error_response(scope, 400, "bad_request", "Content-Length must be a number.")(
                    scope, receive, send
                )
                return
            if int(declared) > limit:
                await error_response(scope, 413, PayloadTooLarge.code, message)(scope, receive, send)
                return
        exchange = _Exchange()

        async def counting_receive() -> Message:
            if exchange.exceeded:
                return {"type": "http.disconnect"}
            received = await receive()
            if received["type"] == "http.request":
                exchange.received += len(received.get("body", b""))
                if exchange.received > limit:
                    exchange.exceeded = True
                    raise PayloadTooLarge(message)
            return received

        async def guarded_send(sent: Message) -> None:
            if not exchange.exceeded or exchange.passthrough:
                if sent["type"] == "http.response.start":
                    exchange.started = True
                await send(sent)
                return
            if sent["type"] == "http.response.start" and not exchange.started:
                if sent["status"] == 413:
                    exchange.passthrough = True
                    exchange.started = True
                    await send(sent)
                    return
                # the body reader turned the overflow into some other error (a 400 from form parsing): answer 413
                exchange.started = True
                await error_response(scope, 413, PayloadTooLarge.code, message)(scope, receive, send)
            # anything else the app sends after the overflow is dropped

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exchange.exceeded:
                raise
            if not exchange.started:
                exchange.started = True
                await error_response(scope, 413, PayloadTooLarge.code, message)(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1")).strip()
    return ""
