"""Pick and build the chat backend the settings ask for (``auto`` | ``openai`` | ``local`` | ``fake``)."""

from __future__ import annotations

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.llm.base import ChatBackend

BACKENDS = ("auto", "openai", "local", "fake")
NO_MODEL = (
    "No model configured: set OKR_LLM_BASE_URL (any OpenAI-compatible server), or install the local model "
    "with `make model` / `okr model install`."
)


def choose_backend(settings: Settings) -> str:
    """Resolve ``auto``: a configured endpoint first, then the local model if it is (or can be) installed.

    Raises:
        ConfigError: neither is available; the message says how to get either.
    """
    if settings.llm_base_url or settings.llm_api_key:
        return "openai"
    from assistant.llm.local import llama_available
    from assistant.llm.model_files import model_status

    if llama_available():
        status = model_status(settings)
        if (status.installed and status.path is not None) or status.parts_available:
            return "local"
    raise ConfigError(NO_MODEL)


def build_backend(settings: Settings, name: str | None = None) -> ChatBackend:
    """The backend ``name`` (default ``settings.llm_backend``), configured from ``settings``.

    ``fake`` is an empty script: every call fails until a test adds replies to it.

    Raises:
        ConfigError: unknown name, or nothing configured for ``auto``.
        ModelNotInstalled, ModelChecksumMismatch: the local model is missing or damaged.
    """
    chosen = (name or settings.llm_backend or "auto").lower()
    if chosen not in BACKENDS:
        raise ConfigError(
            f"Unknown LLM backend {chosen!r}: use one of {', '.join(BACKENDS)} (OKR_LLM_BACKEND)."
        )
    if chosen == "auto":
        chosen = choose_backend(settings)
    if chosen == "openai":
        from assistant.llm.openai_backend import OpenAIBackend

        return OpenAIBackend.from_settings(settings)
    if chosen == "local":
        from assistant.llm.local import LocalBackend

        return LocalBackend.from_settings(settings)
    from assistant.llm.fake import FakeBackend

    return FakeBackend()
