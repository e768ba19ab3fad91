"""One error tree for the whole assistant.

Every error carries a stable ``code``, the HTTP ``status`` the API answers with, and a message that says how
to fix the problem. The CLI prints the message and exits non-zero; the API turns it into
``{"error": {"code", "message"}}``.

    OKRError
    ├── InputError (400)                    the user's input is unusable
    │   ├── ParseError (422)                 a file could not be read as OKRs; knows line and column
    │   ├── UnsupportedFormat (415)
    │   ├── PayloadTooLarge (413)
    │   └── InvalidPolicy (422)
    ├── NotFound (404)
    │   ├── UnknownRule, UnknownDocument, UnknownParent, UnknownExercise
    ├── AuthError (401) / Forbidden (403)
    ├── StoreError (503)                    the vector store is unreachable or broken
    ├── ConfigError (503)                   something must be configured first
    └── LLMError (502)                      the model failed
        ├── ModelNotInstalled (503), ModelChecksumMismatch (503)
        ├── BackendUnreachable (502), BackendAuthError (502), BackendTimeout (504)
        ├── StructuredOutputError (502)     output never validated; carries the attempts
        └── DraftIncomplete (502)           a draft could not be completed; never shown as complete
"""

from __future__ import annotations


class OKRError(Exception):
    code = "okr_error"
    status = 500
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(OKRError):
    code = "invalid_input"
    status = 400
    exit_code = 2


class ParseError(InputError):
    """A file could not be read as OKRs. ``line`` and ``column`` are 1-based."""

    code = "parse_error"
    status = 422

    def __init__(
        self, message: str, *, line: int | None = None, column: int | None = None, source: str | None = None
    ) -> None:
        self.line = line
        self.column = column
        self.source = source
        self.reason = message
        where = source or "input"
        if line is not None:
            where += f", line {line}"
            if column is not None:
                where += f", column {column}"
        super().__init__(f"{where}: {message}")


class UnsupportedFormat(InputError):
    code = "unsupported_format"
    status = 415


class PayloadTooLarge(InputError):
    code = "payload_too_large"
    status = 413


class InvalidPolicy(InputError):
    code = "invalid_policy"
    status = 422


class NotFound(OKRError):
    code = "not_found"
    status = 404


class UnknownRule(NotFound):
    code = "unknown_rule"


class UnknownDocument(NotFound):
    code = "unknown_document"


class UnknownParent(NotFound):
    code = "unknown_parent"


class UnknownExercise(NotFound):
    code = "unknown_exercise"


class AuthError(OKRError):
    code = "unauthorized"
    status = 401


class Forbidden(OKRError):
    code = "forbidden"
    status = 403


class StoreError(OKRError):
    code = "store_error"
    status = 503


class ConfigError(OKRError):
    code = "not_configured"
    status = 503


class LLMError(OKRError):
    code = "llm_error"
    status = 502


class ModelNotInstalled(LLMError):
    code = "model_not_installed"
    status = 503


class ModelChecksumMismatch(LLMError):
    code = "model_checksum_mismatch"
    status = 503


class BackendUnreachable(LLMError):
    code = "backend_unreachable"


class BackendAuthError(LLMError):
    code = "backend_auth"


class BackendTimeout(LLMError):
    code = "backend_timeout"
    status = 504


class StructuredOutputError(LLMError):
    """The model's output never validated against the schema, after bounded re-asks."""

    code = "invalid_model_output"

    def __init__(self, message: str, *, attempts: int = 0, last_output: str = "") -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_output = last_output


class DraftIncomplete(LLMError):
    code = "draft_incomplete"
