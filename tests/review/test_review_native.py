"""The compiled reader and reviewer (assistant.native): in use when built, identical in what they find, and never
run once a source has changed since the build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import assistant
from assistant import native

ROOT = Path(assistant.__file__).resolve().parent.parent
OFF = native.turned_off()

# Parses every OKR file of the parser's fixtures and the knowledge base (or says why it cannot), reviews what the
# eval dataset and a generated corpus hold under both profiles, and reads every key result's facts; prints which
# copy ran and a JSON dump of it all.
GOLDEN = r"""
import glob, json, sys
from assistant import native
from assistant.errors import OKRError
from assistant.parse import load_okrs
from assistant.krparse import parse_kr_text
from assistant.policy import get_policy
from assistant.review import render_report, report_data, review
from benchmarks.bench_validator import corpus
from evals.schema import ReviewCase, load_cases
from evals.tasks.review import build_input

out = []
files = sorted(glob.glob("tests/parse/fixtures/*") + glob.glob("knowledge/examples/okrs/*")
               + glob.glob("knowledge/examples/quill/*.yaml"))
for name in files:
    try:
        out.append(load_okrs(name).model_dump(mode="json"))
    except OKRError as exc:
        out.append(f"{type(exc).__name__}: {exc}")
policies = [get_policy(name) for name in ("default", "lenient")]
sets = [(build_input(c).okr_set, build_input(c).known_parents)
        for c in load_cases("evals/datasets/review.v1.jsonl", ReviewCase)]
sets += [(s, None) for s in corpus(int(sys.argv[1]), seed=11)]
for okr_set, parents in sets:
    for policy in policies:
        out.append(report_data(review(okr_set, policy=policy, known_parents=parents)))
    out.append(render_report(review(okr_set), "md"))
    for o in okr_set.objectives:
        for k in o.key_results:
            out.append(repr(parse_kr_text(k.text, period=okr_set.period)))
print(json.dumps({"mode": native.status()[0], "modules": sorted(
    name for name, m in sys.modules.items() if name.startswith("assistant.") and (m.__file__ or "").endswith(".so")),
    "out": out}))
"""


def _golden(env_native: str, krs: int = 6000) -> dict[str, object]:
    env = {**os.environ, "OKR_NATIVE": env_native}
    done = subprocess.run([sys.executable, "-c", GOLDEN, str(krs)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.skipif(OFF, reason="OKR_NATIVE=0: the compiled build is turned off on purpose")
def test_the_compiled_build_is_in_use() -> None:
    # `make setup` builds it; a source edited since then falls back to Python, and this says to rebuild
    mode, why = native.status()
    assert mode == "native", why
    import assistant.krparse
    import assistant.review.rules_kr

    assert assistant.review.rules_kr.__file__.endswith(".so")
    assert assistant.krparse.__file__.endswith(".so")


@pytest.mark.skipif(OFF, reason="OKR_NATIVE=0: the compiled build is turned off on purpose")
def test_compiled_and_python_find_exactly_the_same() -> None:
    compiled, python = _golden("1"), _golden("0")
    assert compiled["mode"] == "native" and python["mode"] == "python"
    assert len(compiled["modules"]) == len(native.sources())  # type: ignore[arg-type]
    assert python["modules"] == []
    assert len(compiled["out"]) > 8_000  # type: ignore[arg-type]
    for a, b in zip(compiled["out"], python["out"], strict=True):  # type: ignore[call-overload]
        assert a == b


def _fake_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the compiled build and the sources it lists, with the module pointing at the copy."""
    if not (Path(native.BUILD_DIR) / native.MANIFEST).exists():
        pytest.skip("no compiled build here (`make native`)")
    build = tmp_path / "assistant" / "_native"
    shutil.copytree(native.BUILD_DIR, build)
    for rel in native.sources().values():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, tmp_path / rel)
    monkeypatch.setattr(native, "ROOT", str(tmp_path))
    monkeypatch.setattr(native, "PACKAGE", str(tmp_path / "assistant"))
    monkeypatch.setattr(native, "BUILD_DIR", str(build))
    monkeypatch.delenv("OKR_NATIVE", raising=False)
    return tmp_path


def test_a_matching_build_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_build(tmp_path, monkeypatch)
    files, why = native.check()
    assert files is not None, why
    assert set(files) == {native.GROUP + "__mypyc", *native.sources()}


def test_a_touched_but_unchanged_source_is_still_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a checkout rewrites files with new times: the content hash decides
    root = _fake_build(tmp_path, monkeypatch)
    os.utime(root / "assistant/review/rules_kr.py", ns=(1, 1))
    files, why = native.check()
    assert files is not None, why


def test_an_edited_source_turns_the_whole_build_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _fake_build(tmp_path, monkeypatch)
    source = root / "assistant/review/rules_kr.py"
    source.write_text(source.read_text(encoding="utf-8").replace("def ", "def  ", 1), encoding="utf-8")
    files, why = native.check()
    assert files is None
    assert why == "assistant/review/rules_kr.py changed since the compiled build: run `make native`"


def test_a_new_module_turns_the_build_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _fake_build(tmp_path, monkeypatch)
    (root / "assistant/krtext/extra.py").write_text("X = 1\n", encoding="utf-8")
    files, why = native.check()
    assert files is None
    assert why == "assistant.krtext.extra is newer than the compiled build: run `make native`"


def test_a_removed_module_turns_the_build_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _fake_build(tmp_path, monkeypatch)
    (root / "assistant/krtext/dates.py").unlink()
    files, why = native.check()
    assert files is None
    assert why == "assistant/krtext/dates.py is gone since the compiled build: run `make native`"


@pytest.mark.parametrize("damage, says", [
    ("", "the compiled build's manifest is unreadable"),
    ("{}", "the compiled build's manifest is incomplete"),
    (None, "no compiled build: run `make native`"),
])
def test_a_missing_or_broken_manifest_means_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   damage: str | None, says: str) -> None:
    _fake_build(tmp_path, monkeypatch)
    manifest = Path(native.BUILD_DIR) / native.MANIFEST
    if damage is None:
        manifest.unlink()
    else:
        manifest.write_text(damage, encoding="utf-8")
    files, why = native.check()
    assert files is None
    assert why.startswith(says)


def test_okr_native_0_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKR_NATIVE", "0")
    assert native.check() == (None, "OKR_NATIVE=0 turns the compiled modules off")
