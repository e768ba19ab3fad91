"""Settings, read once from the environment (prefix ``OKR_``) and passed in.

Importing this module sets the telemetry switches, so that onnxruntime and Chroma never phone home or
write device ids, whatever imports them later.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("okr-assistant", appauthor=False))


class Settings(BaseModel):
    """Everything configurable. Build with ``get_settings()`` or directly in tests."""

    data_dir: Path = Field(default_factory=default_data_dir)
    chroma_url: str | None = None
    llm_backend: str = "auto"  # auto | openai | local | fake
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 120.0
    llm_max_retries: int = 3
    llm_structured: str = "auto"  # auto | json_schema | json_object | tools
    local_model_path: Path | None = None
    local_threads: int | None = None
    local_context: int = 4096
    profile: str = "default"
    policy_file: Path | None = None
    api_keys: list[str] = Field(default_factory=list)
    max_json_bytes: int = 1_000_000
    max_upload_bytes: int = 25_000_000
    cors_origins: list[str] = Field(default_factory=list)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def settings_from_env(env: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Read settings from ``env`` (default ``os.environ``); keyword overrides win."""
    env = dict(os.environ if env is None else env)
    values: dict[str, object] = {}
    simple = {
        "OKR_DATA_DIR": "data_dir",
        "OKR_CHROMA_URL": "chroma_url",
        "OKR_LLM_BACKEND": "llm_backend",
        "OKR_LLM_BASE_URL": "llm_base_url",
        "OKR_LLM_MODEL": "llm_model",
        "OKR_LLM_TIMEOUT": "llm_timeout",
        "OKR_LLM_MAX_RETRIES": "llm_max_retries",
        "OKR_LLM_STRUCTURED": "llm_structured",
        "OKR_LOCAL_MODEL_PATH": "local_model_path",
        "OKR_LOCAL_THREADS": "local_threads",
        "OKR_LOCAL_CONTEXT": "local_context",
        "OKR_PROFILE": "profile",
        "OKR_POLICY_FILE": "policy_file",
        "OKR_MAX_JSON_BYTES": "max_json_bytes",
        "OKR_MAX_UPLOAD_BYTES": "max_upload_bytes",
    }
    for key, field in simple.items():
        if env.get(key):
            values[field] = env[key]
    api_key = env.get("OKR_LLM_API_KEY") or env.get("OPENAI_API_KEY")
    if api_key:
        values["llm_api_key"] = api_key
    if env.get("OKR_API_KEYS"):
        values["api_keys"] = _split(env["OKR_API_KEYS"])
    if env.get("OKR_CORS_ORIGINS"):
        values["cors_origins"] = _split(env["OKR_CORS_ORIGINS"])
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings.model_validate(values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return settings_from_env()
