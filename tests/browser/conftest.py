"""Browser tests: the app on a real uvicorn server (real knowledge base, scripted model), driven in Debian's
headless Chromium by Playwright. Screenshots go to ``tests/artifacts/``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))  # the API tests' fakes and server helper

from api_fakes import AnsweringBackend
from api_server import serve

from assistant.api import create_app
from assistant.api.deps import get_llm, get_store
from assistant.config import settings_from_env
from assistant.parse import load_okrs

CHROMIUM = "/usr/bin/chromium"
QUILL = Path(__file__).resolve().parents[2] / "knowledge" / "examples" / "quill"

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with the sample company's parents and two of its strategy documents, and a model that answers."""
    from assistant.retrieval.store import open_store  # chromadb: only when the browser tests run

    settings = settings_from_env({}, data_dir=tmp_path_factory.mktemp("browser-data"))
    store = open_store(settings)
    store.ingest([QUILL / "strategy" / "eu-expansion-plan.md", QUILL / "strategy" / "customer-experience-plan.md"])
    store.import_parents(load_okrs(QUILL / "company-okrs.yaml"))
    app = create_app(settings)
    app.dependency_overrides[get_store] = lambda: store  # the store opened above: one Chroma client
    model = AnsweringBackend(delay=0.4)  # slow enough that streaming is visible
    app.dependency_overrides[get_llm] = lambda: model
    with serve(app) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
