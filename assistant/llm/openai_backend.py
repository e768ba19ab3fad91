"""OpenAI, or any OpenAI-compatible server (vLLM, Ollama, llama.cpp's servers, LM Studio), through the openai SDK.

Structured output is asked for in the way the server understands:

- ``json_schema``: strict JSON schema (OpenAI's structured outputs); the default for api.openai.com.
- ``json_object``: JSON mode with the schema in the prompt, and also in ``response_format["schema"]``, which
  llama.cpp's servers turn into a grammar; the default for every other server.
- ``tools``: one forced function call whose parameters are the schema.

Retries (429 and 5xx only) back off exponentially and honour ``Retry-After``. Every failure becomes a project
error with a fix-it message; the SDK's own retries are off so the bound here is the only one.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import urlsplit

from pydantic import BaseModel

from assistant.config import Settings
from assistant.errors import (
    BackendAuthError,
    BackendTimeout,
    BackendUnreachable,
    ConfigError,
    LLMError,
    OKRError,
)
from assistant.llm.base import Completion, Message
from assistant.llm.structured import json_schema_of, with_schema_instructions

if TYPE_CHECKING:
    import openai

StructuredMode = Literal["json_schema", "json_object", "tools"]
MODES = ("auto", "json_schema", "json_object", "tools")
OPENAI_DEFAULT_MODEL = "gpt-4o-mini"
_MAX_BACKOFF = 30.0


def is_openai_host(base_url: str | None) -> bool:
    """True for OpenAI's own API (no base URL means the SDK's default, which is OpenAI)."""
    if not base_url:
        return True
    host = urlsplit(base_url).hostname or ""
    return host == "api.openai.com" or host.endswith(".openai.com")


def choose_mode(setting: str, base_url: str | None) -> StructuredMode:
    """Resolve ``auto``: strict JSON schema only where the server is known to support it."""
    if setting not in MODES:
        raise ConfigError(
            f"OKR_LLM_STRUCTURED={setting!r} is not one of {', '.join(MODES)}: fix the setting."
        )
    if setting == "auto":
        return "json_schema" if is_openai_host(base_url) else "json_object"
    return cast(StructuredMode, setting)


def normalise_base_url(base_url: str | None) -> str | None:
    """Accept ``http://host:port`` for ``http://host:port/v1``: every compatible server serves under /v1."""
    if not base_url:
        return None
    url = base_url.rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"OKR_LLM_BASE_URL={base_url!r} is not an http(s) URL: set it like http://127.0.0.1:8000/v1."
        )
    return url if parts.path not in ("", "/") else url + "/v1"


class OpenAIBackend:
    """A chat backend over the OpenAI chat completions API."""

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str | None = None,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 120.0,
        max_retries: int = 3,
        structured: str = "auto",
        backoff: float = 0.5,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.mode: StructuredMode = choose_mode(structured, self.base_url)
        self._auto_mode = structured == "auto"
        if api_key is None and is_openai_host(self.base_url):
            raise ConfigError(
                "The openai backend needs an API key for api.openai.com: set OKR_LLM_API_KEY (or OPENAI_API_KEY), "
                "or set OKR_LLM_BASE_URL to a local OpenAI-compatible server."
            )
        self._api_key = api_key or "not-needed"  # local servers ignore the key; the SDK insists on one
        # empty until discovered: a local server serves whatever it loaded, and lists it under /models
        self.model = model or (OPENAI_DEFAULT_MODEL if is_openai_host(self.base_url) else "")
        self.timeout = timeout
        self.max_retries = max(0, max_retries)
        self.backoff = backoff
        self._client: openai.OpenAI | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIBackend:
        return cls(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            structured=settings.llm_structured,
        )

    @property
    def where(self) -> str:
        return self.base_url or "https://api.openai.com/v1"

    @property
    def client(self) -> openai.OpenAI:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                base_url=self.base_url, api_key=self._api_key, timeout=self.timeout, max_retries=0
            )
        return self._client

    def complete(
        self,
        messages: list[Message],
        *,
        schema: type[BaseModel] | None = None,
        max_tokens: int = 1024,
        temperature: float = 0.2,
    ) -> Completion:
        started = time.perf_counter()
        model = self._resolve_model()
        try:
            response = self._call(self._request(model, messages, schema, max_tokens, temperature))
        except _UnsupportedFormat:
            self.mode = "json_object"  # remembered: this server lacks strict schemas
            response = self._call(self._request(model, messages, schema, max_tokens, temperature))
        return self._completion(response, schema, time.perf_counter() - started)

    def _resolve_model(self) -> str:
        if not self.model:
            listed = self._call(lambda client: client.models.list())
            ids = [item.id for item in listed.data]
            if not ids:
                raise ConfigError(f"{self.where} lists no models: set OKR_LLM_MODEL to the model to use.")
            self.model = ids[0]
        return self.model

    def _request(
        self,
        model: str,
        messages: list[Message],
        schema: type[BaseModel] | None,
        max_tokens: int,
        temperature: float,
    ) -> Any:
        mode = self.mode
        if schema is not None and mode != "json_schema":
            messages = with_schema_instructions(messages, schema)
        kwargs: dict[str, Any] = {
            "model": model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if schema is not None:
            kwargs.update(_structured_kwargs(mode, schema))
        return lambda client: client.chat.completions.create(**kwargs)

    def _call(self, request: Any) -> Any:
        import openai

        attempt = 0
        while True:
            try:
                return request(self.client)
            except openai.APITimeoutError as exc:
                raise BackendTimeout(
                    f"{self.where} did not answer within {self.timeout:g} s: raise OKR_LLM_TIMEOUT, ask for "
                    "fewer tokens, or use a faster model or server."
                ) from exc
            except openai.APIConnectionError as exc:
                raise BackendUnreachable(
                    f"cannot reach {self.where}: is the server running? Start it, or set OKR_LLM_BASE_URL to a "
                    "running OpenAI-compatible server (e.g. http://127.0.0.1:8000/v1)."
                ) from exc
            except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
                raise BackendAuthError(
                    f"{self.where} rejected the API key ({exc.status_code}): set OKR_LLM_API_KEY (or "
                    "OPENAI_API_KEY) to a valid key for this server."
                ) from exc
            except openai.APIStatusError as exc:
                status = exc.status_code
                retryable = status == 429 or status >= 500
                if retryable and attempt < self.max_retries:
                    time.sleep(self._delay(attempt, exc))
                    attempt += 1
                    continue
                raise self._status_error(exc, attempts=attempt + 1) from exc
            except openai.OpenAIError as exc:  # e.g. a 200 whose body is not a chat completion
                raise LLMError(
                    f"{self.where} gave an answer the openai client cannot read ({type(exc).__name__}: "
                    f"{str(exc)[:200]}): check that OKR_LLM_BASE_URL points at an OpenAI-compatible API."
                ) from exc

    def _delay(self, attempt: int, exc: Any) -> float:
        header = exc.response.headers.get("retry-after") if exc.response is not None else None
        try:
            if header is not None:
                return min(max(float(header), 0.0), _MAX_BACKOFF)
        except ValueError:
            pass
        return min(self.backoff * (2**attempt), _MAX_BACKOFF)

    def _status_error(self, exc: Any, *, attempts: int) -> OKRError:
        status = exc.status_code
        detail = _short(exc)
        if status == 429:
            return LLMError(
                f"{self.where} kept rate-limiting (429) after {attempts} attempts: wait and try again, or raise "
                f"OKR_LLM_MAX_RETRIES. Server said: {detail}"
            )
        if status >= 500:
            return LLMError(
                f"{self.where} failed with {status} after {attempts} attempts: check the server's logs. "
                f"Server said: {detail}"
            )
        if status == 404:
            return ConfigError(
                f"{self.where} answered 404 for model {self.model!r}: set OKR_LLM_MODEL to a model the server "
                f"serves, and OKR_LLM_BASE_URL to its API root (ending in /v1). Server said: {detail}"
            )
        if status == 400 and self._auto_mode and self.mode == "json_schema" and _mentions_format(detail):
            return _UnsupportedFormat(detail)
        return LLMError(f"{self.where} rejected the request ({status}): {detail}")

    def _completion(self, response: Any, schema: type[BaseModel] | None, seconds: float) -> Completion:
        if not getattr(response, "choices", None):  # an empty list, or not JSON at all (an HTML page)
            raise LLMError(
                f"{self.where} did not return a chat completion (got {str(response)[:120]!r}): check that "
                f"OKR_LLM_BASE_URL is the API root of an OpenAI-compatible server and that it serves {self.model!r}."
            )
        choice = response.choices[0]
        message = choice.message
        extra: dict[str, str] = {"mode": self.mode} if schema is not None else {}
        text = message.content or ""
        if schema is not None and self.mode == "tools" and message.tool_calls:
            text = message.tool_calls[0].function.arguments or ""
        finish = choice.finish_reason
        refusal = getattr(message, "refusal", None)
        if refusal:
            extra["refusal"] = str(refusal)
            finish = "refusal"
        usage = response.usage
        return Completion(
            text=text,
            model=response.model or self.model,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            seconds=seconds,
            finish_reason=finish,
            extra=extra,
        )


class _UnsupportedFormat(LLMError):
    """The server refused a strict JSON schema; auto mode falls back to JSON mode."""


def _mentions_format(detail: str) -> bool:
    lowered = detail.lower()
    return "response_format" in lowered or "json_schema" in lowered


def _short(exc: Any, limit: int = 300) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        text = str(error.get("message", error)) if isinstance(error, dict) else str(error)
    else:
        text = getattr(exc, "message", None) or str(exc)
    return text[:limit]


def _structured_kwargs(mode: StructuredMode, schema: type[BaseModel]) -> dict[str, Any]:
    name = schema.__name__
    if mode == "json_schema":
        return {
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": _strict_schema(schema), "strict": True},
            }
        }
    if mode == "tools":
        return {
            "tools": [{"type": "function", "function": {"name": name, "parameters": json_schema_of(schema)}}],
            "tool_choice": {"type": "function", "function": {"name": name}},
        }
    # JSON mode; llama.cpp's servers also read "schema" and constrain decoding with it
    return {"response_format": {"type": "json_object", "schema": json_schema_of(schema)}}


def _strict_schema(schema: type[BaseModel]) -> dict[str, Any]:
    from openai.lib._pydantic import to_strict_json_schema

    return to_strict_json_schema(schema)
