"""Nothing phones home or writes behind the user's back, and importing the package stays cheap."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

Run = Callable[..., subprocess.CompletedProcess[str]]


def _files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_no_telemetry_or_device_id_files_appear(docs: Path, tmp_path: Path, run_okr: Run) -> None:
    home = tmp_path / "home"
    cache = tmp_path / "xdg-cache"
    home.mkdir()
    cache.mkdir()
    env = {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(cache),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "OKR_DATA_DIR": str(tmp_path / "data"),
    }
    # Prove the switches are the assistant's own doing, not the test environment's.
    scrubbed = {k: v for k, v in os.environ.items() if k not in {"ORT_DISABLE_TELEMETRY", "ANONYMIZED_TELEMETRY"}}
    for args in (("ingest", str(docs)), ("search", "support tickets"), ("search", "owners", "--guide")):
        result = subprocess.run(
            [sys.executable, "-c", "from assistant.cli import main; main()", *args],
            capture_output=True, text=True, env={**{k: v for k, v in scrubbed.items() if not k.startswith("OKR_")},
                                                 **env}, timeout=600, check=False,
        )
        assert result.returncode == 0, result.stderr
    assert _files_under(home) == []
    assert _files_under(cache) == []
    assert not (tmp_path / "xdg-config").exists()


def test_the_telemetry_switches_are_set_before_onnxruntime_and_chromadb_load() -> None:
    script = (
        "import os\n"
        "for key in ('ORT_DISABLE_TELEMETRY', 'ANONYMIZED_TELEMETRY'): os.environ.pop(key, None)\n"
        "import assistant.retrieval.store, sys, json\n"
        "from assistant.retrieval.chroma import chroma_settings\n"
        "print(json.dumps([os.environ.get('ORT_DISABLE_TELEMETRY'), chroma_settings().anonymized_telemetry]))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["1", False]


def test_importing_the_package_and_the_cli_modules_loads_nothing_heavy() -> None:
    script = (
        "import sys, json\n"
        "import assistant.retrieval, assistant.retrieval.models, assistant.retrieval.parent_ids\n"
        "import assistant.cli.ingest, assistant.cli.parents\n"
        "heavy = ['chromadb', 'onnxruntime', 'numpy', 'tokenizers', 'pypdf', 'docx']\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
