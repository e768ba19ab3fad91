"""Fixtures for the retrieval tests: a real store on tmp_path, sample documents, the real `okr` command."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from retrieval_documents import OKR
from testkit import REPO

from assistant.config import Settings
from assistant.retrieval.store import Store, open_store


@pytest.fixture
def store(settings: Settings) -> Store:
    return open_store(settings)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A folder with three small strategy documents on clearly different topics."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "pricing.md").write_text(
        "# Pricing 2027\n\n## Discounts\n\nSales may discount up to 15% without approval; deeper discounts need "
        "the CFO.\n\n## Annual prepay\n\nPaying a year in advance earns 10% off the list price.\n",
        encoding="utf-8",
    )
    (folder / "support.md").write_text(
        "# Support plan\n\n## Response times\n\nEvery ticket gets a first response within four business hours. "
        "Urgent outages are answered within fifteen minutes, day and night.\n",
        encoding="utf-8",
    )
    (folder / "hiring.txt").write_text(
        "We will hire twelve engineers in Lisbon next year and open a second office in Berlin for sales.\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def run_okr(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real `okr` command in a subprocess (same interpreter) with a clean environment."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("OKR_")}
        base.update(env or {})
        return subprocess.run(
            [*OKR, *args], capture_output=True, text=True, env=base, cwd=REPO, timeout=timeout, check=False
        )

    return run
