from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from evals_testkit import SMALL_CASES, write_jsonl  # noqa: E402


@pytest.fixture
def small_dataset(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "review.small.jsonl", SMALL_CASES)
