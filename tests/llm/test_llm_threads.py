"""How the local backend sets llama.cpp's OpenMP threads waiting, before the library loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

_PROBE = """
import os, sys
from pathlib import Path
from assistant.errors import LLMError
from assistant.llm.local import load_model
try:
    load_model(Path(sys.argv[1]), n_ctx=256, n_threads=1)
except LLMError:
    pass  # not a model: what counts is the environment llama.cpp was loaded with
print(os.environ.get("GOMP_SPINCOUNT"), os.environ.get("OMP_WAIT_POLICY"))
"""


def _probe(tmp_path: Path, **env: str) -> str:
    pytest.importorskip("llama_cpp")
    bogus = tmp_path / "not-a-model.gguf"
    bogus.write_bytes(b"GGUF, but not really")
    clean = {k: v for k, v in os.environ.items() if k not in ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY")}
    done = subprocess.run([sys.executable, "-c", _PROBE, str(bogus)], env={**clean, **env},
                          capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.strip()


def test_threads_spin_briefly_before_sleeping_by_default(tmp_path: Path) -> None:
    assert _probe(tmp_path) == "1000 None"


def test_the_users_own_wait_policy_wins(tmp_path: Path) -> None:
    assert _probe(tmp_path, OMP_WAIT_POLICY="ACTIVE") == "None ACTIVE"
    assert _probe(tmp_path, GOMP_SPINCOUNT="50000") == "50000 None"
