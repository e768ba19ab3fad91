"""API keys: when ``OKR_API_KEYS`` is set, every request needs one.

The API takes ``Authorization: Bearer <key>``: 401 without a key, 403 with a wrong one. The web pages also take
HTTP Basic with the key as the password (any user name), so a browser can sign in with its own login prompt
(a wrong key there answers 401 again, so the prompt comes back).
The health probes and the static files stay open. Keys are compared in constant time and never logged or
echoed back.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.api.errors import error_response, wants_json
from assistant.errors import AuthError, Forbidden

OPEN_PATHS = ("/healthz", "/readyz")
OPEN_PREFIXES = ("/static/",)
REALM = "okr-assistant"


class KeyRing:
    """The accepted keys; ``matches`` compares against every key in constant time."""

    def __init__(self, keys: Sequence[str]) -> None:
        self._keys = [key.encode("utf-8") for key in keys if key]

    def __bool__(self) -> bool:
        return bool(self._keys)

    def matches(self, candidate: str) -> bool:
        given = candidate.encode("utf-8", "surrogateescape")
        matched = False
        for key in self._keys:  # no early exit: the time taken does not depend on which key matched
            matched |= hmac.compare_digest(key, given)
        return matched


def presented_key(authorization: str, *, allow_basic: bool) -> str | None:
    """The key in an ``Authorization`` header value (Bearer, or Basic's password), or None."""
    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return value
    if allow_basic and scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        _user, sep, password = decoded.partition(":")
        return password if sep and password else None
    return None


class APIKeyMiddleware:
    """Check the key before anything reads the request body."""

    def __init__(self, app: ASGIApp, *, keys: Sequence[str]) -> None:
        self.app = app
        self.ring = KeyRing(keys)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.ring or _is_open(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        api = wants_json(path)
        authorization = ""
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                authorization = value.decode("latin-1")
                break
        key = presented_key(authorization, allow_basic=not api)
        challenge = "Bearer" if api else f'Basic realm="{REALM}", charset="UTF-8"'
        if key is None:
            error = AuthError(
                "An API key is required: send `Authorization: Bearer <key>` (the keys are set with OKR_API_KEYS)."
                if api else "Sign in with one of the server's API keys as the password (any user name)."
            )
            response = error_response(scope, error.status, error.code, error.message,
                                      headers={"WWW-Authenticate": challenge})
        elif not self.ring.matches(key):
            wrong = "The API key is not valid: use one of the keys in the server's OKR_API_KEYS."
            if api:
                forbidden = Forbidden(wrong)
                response = error_response(scope, forbidden.status, forbidden.code, forbidden.message)
            else:  # a page: ask again, so the browser shows its login prompt once more
                retry = AuthError(wrong)
                response = error_response(scope, retry.status, retry.code, retry.message,
                                          headers={"WWW-Authenticate": challenge})
        else:
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)


def _is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)
