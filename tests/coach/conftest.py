"""Fixtures for the coach tests: the shipped exercises, and a way to run the real `okr` command (its helpers
and the example paths live in ``testkit``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from testkit import REPO, Okr, okr_env

from assistant.coaching import Exercise, load_exercises


@pytest.fixture(scope="session")
def exercises() -> tuple[Exercise, ...]:
    return load_exercises()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "learner"


@pytest.fixture
def okr(data_dir: Path) -> Okr:
    """Run `okr ...` as a user would (a real process), with the learner's data directory."""

    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "assistant", *args], capture_output=True, text=True, input=input,
            env=okr_env(data_dir), cwd=REPO, timeout=120, check=False,
        )

    return run
