"""Shared fixtures: every test gets settings on its own tmp_path and a clean OKR_ environment; the local model and
a browser for the folders that need them. Shared plain helpers live in ``testkit``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from testkit import REPO, local_model_path

from assistant.config import Settings, settings_from_env

if TYPE_CHECKING:
    from playwright.sync_api import Browser


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


@pytest.fixture(scope="session")
def local_model() -> Path:
    """The shipped model file for the slow tests (skips when the local extra is not installed)."""
    return local_model_path()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole run (Playwright's sync API allows one driver per thread)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make system-deps` (apt-get install chromium chromium-driver).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
