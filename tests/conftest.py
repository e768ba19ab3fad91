"""Shared fixtures: every test gets settings on its own tmp_path and a clean OKR_ environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.config import Settings, settings_from_env

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    for key in list(os.environ):
        if key.startswith("OKR_") or key == "OPENAI_API_KEY":
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ORT_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("OKR_DATA_DIR", str(tmp_path_factory.mktemp("okr-data")))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_from_env(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
