"""Reading OKRs stays light: the review path must not pay for the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "chromadb", "onnxruntime", "langchain", "langchain_core", "openai", "fastapi", "llama_cpp",
         "tokenizers", "httpx")


def test_parse_and_render_import_nothing_heavy() -> None:
    code = (
        "import json, sys\n"
        "import assistant.parse, assistant.render\n"
        "assistant.parse.parse_okrs('Objective: Grow\\n- Sign 12 customers\\n')\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    loaded = set(json.loads(done.stdout))
    assert not {name for name in loaded if name.split(".")[0] in HEAVY}
    assert "yaml" in loaded and "pydantic" in loaded
