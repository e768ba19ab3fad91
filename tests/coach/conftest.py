"""Fixtures for the coach tests: the shipped exercises, and a way to run the real `okr` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.coaching import Exercise, load_exercises

REPO = Path(__file__).resolve().parents[2]
FLAWED = REPO / "knowledge" / "examples" / "okrs" / "flawed-team-okrs.md"
QUILL_PARENTS = REPO / "knowledge" / "examples" / "quill" / "company-okrs.yaml"

Okr = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def exercises() -> tuple[Exercise, ...]:
    return load_exercises()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "learner"


def okr_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_")}
    env.update({"OKR_DATA_DIR": str(data_dir), "ORT_DISABLE_TELEMETRY": "1", "ANONYMIZED_TELEMETRY": "False",
                "PYTHONIOENCODING": "utf-8", "COLUMNS": "120"})
    return env


@pytest.fixture
def okr(data_dir: Path) -> Okr:
    """Run `okr ...` as a user would (a real process), with the learner's data directory."""

    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "assistant", *args], capture_output=True, text=True, input=input,
            env=okr_env(data_dir), cwd=REPO, timeout=120, check=False,
        )

    return run


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data
