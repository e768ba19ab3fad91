from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from llm_testkit import FakeParts

from assistant.cli import cli, main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_status_before_and_after_install(fake_parts: FakeParts, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    code, out, _ = run("model", "status", "--data-dir", data, "--format", "json")
    before = json.loads(out)
    assert code == 0
    assert (before["installed"], before["verified"], before["source"], before["parts_available"]) == (
        False,
        False,
        "parts",
        True,
    )

    code, out, err = run("model", "install", "--data-dir", data)
    installed = Path(out.strip())
    assert code == 0 and installed.read_bytes() == fake_parts.content
    assert "Installing the local model" in err and "Installed and verified" in err

    code, out, _ = run("model", "status", "--data-dir", data, "--format", "json")
    after = json.loads(out)
    assert (after["installed"], after["verified"], after["source"], after["size"]) == (
        True,
        True,
        "data_dir",
        fake_parts.spec.size,
    )
    assert after["path"] == str(installed)

    code, out, _ = run("model", "status", "--data-dir", data)
    assert "verified:  yes" in out and "source:    the data directory" in out


def test_install_is_idempotent_and_fast(fake_parts: FakeParts, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    run("model", "install", "--data-dir", data)
    mtime = (tmp_path / "data" / "models" / fake_parts.spec.filename).stat().st_mtime_ns
    code, _, err = run("model", "install", "--data-dir", data)
    assert code == 0 and "Already installed and verified" in err and "Installing" not in err
    assert (tmp_path / "data" / "models" / fake_parts.spec.filename).stat().st_mtime_ns == mtime


def test_status_verify_and_install_repair_a_damaged_file(
    fake_parts: FakeParts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    run("model", "install", "--data-dir", str(data))
    model = data / "models" / fake_parts.spec.filename
    model.write_bytes(b"x" * fake_parts.spec.size)  # same size, wrong bytes, marker now stale
    with pytest.raises(SystemExit) as exit_info:
        main(["model", "status", "--verify", "--data-dir", str(data)])
    assert exit_info.value.code == 1
    assert "damaged or not the expected model" in capsys.readouterr().err

    code, _, err = run("model", "install", "--data-dir", str(data))
    assert code == 0 and "Reinstalling" in err
    assert model.read_bytes() == fake_parts.content


def test_custom_model_path_needs_no_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF....")
    monkeypatch.setenv("OKR_LOCAL_MODEL_PATH", str(gguf))
    code, out, err = run("model", "install")
    assert code == 0 and out.strip() == str(gguf) and "nothing to install" in err
    code, out, _ = run("model", "status", "--format", "json")
    assert json.loads(out)["source"] == "env"
