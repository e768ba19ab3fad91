"""Compiled copies of the parser, the key-result reader and the reviewer (mypyc), used only while they match the
sources.

    python -m assistant.build_native          # what `make native` runs (part of `make setup`): about 1.5 minutes
    python -m assistant.build_native status   # which copy this checkout runs, and why

The build compiles ``assistant/parse.py``, ``assistant/parsing/*``, ``assistant/krparse.py``, ``assistant/krtext/*``
and ``assistant/review/*`` (the packages' ``__init__`` files stay Python) with mypyc into ``assistant/_native/``,
with a manifest of the sources it was made from. At start-up ``install()`` (called by ``assistant/__init__``) checks
every listed source against the manifest: size and modification time, then a content hash when the time differs.
Only when all of them match does it put a finder in front of Python's own, which loads the compiled modules, all
together: compiled modules call each other directly, so a mix of old compiled and edited Python code is never run.
An edited source, a missing build or ``OKR_NATIVE=0`` means plain Python, which gives the same findings, more
slowly.

The start-up check reads one small file and stats a few dozen more: well under a millisecond.
"""

from __future__ import annotations

import json
import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, ModuleSpec

PACKAGE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(PACKAGE)  # the directory holding the ``assistant`` package
BUILD_DIR = os.path.join(PACKAGE, "_native")
MANIFEST = "manifest.json"
GROUP = "okr_native"  # the name of the shared library every compiled module's stub loads

# what the build compiles: the review path's modules, minus the packages' __init__ files
COMPILED_PACKAGES = ("krtext", "parsing", "review")
COMPILED_MODULES = ("krparse.py", "parse.py")

_state: dict[str, str] = {"mode": "python", "why": "not checked yet"}


class _Finder:
    """Finds the compiled modules (and their shared library) in the build directory; declines everything else."""

    def __init__(self, files: dict[str, str]) -> None:
        self._files = files

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        file = self._files.get(name)
        if file is None:
            return None
        spec = ModuleSpec(name, ExtensionFileLoader(name, file), origin=file)
        spec.has_location = True
        return spec

    def invalidate_caches(self) -> None:
        pass


def install() -> bool:
    """Load the compiled modules from now on if the build matches every source; False (plain Python) otherwise."""
    if any(isinstance(f, _Finder) for f in sys.meta_path):
        return True
    files, why = check()
    if files is None:
        _state.update(mode="python", why=why)
        return False
    sys.meta_path.insert(0, _Finder(files))
    _state.update(mode="native", why=why)
    return True


def status() -> tuple[str, str]:
    """("native" or "python", a sentence saying why)."""
    return _state["mode"], _state["why"]


def turned_off() -> bool:
    """``OKR_NATIVE`` says plain Python: 0, false, no or off."""
    return os.environ.get("OKR_NATIVE", "1").strip().lower() in ("0", "false", "no", "off")


def check() -> tuple[dict[str, str] | None, str]:
    """(module name -> compiled file, for every compiled module and their shared library, and why), or (None, why
    not) when plain Python must run."""
    if turned_off():
        return None, "OKR_NATIVE=0 turns the compiled modules off"
    try:
        with open(os.path.join(BUILD_DIR, MANIFEST), encoding="utf-8") as f:
            manifest = json.load(f)
    except FileNotFoundError:
        return None, "no compiled build: run `make native`"
    except (OSError, ValueError) as exc:
        return None, f"the compiled build's manifest is unreadable ({exc}): run `make native`"
    try:
        if manifest["suffix"] != EXTENSION_SUFFIXES[0]:
            return None, f"the compiled build is for another Python ({manifest['suffix']}): run `make native`"
        files = {GROUP + "__mypyc": os.path.join(BUILD_DIR, manifest["group_file"])}
        for name, entry in manifest["modules"].items():
            source = os.path.join(ROOT, entry["source"])
            try:
                st = os.stat(source)
            except OSError:
                return None, f"{entry['source']} is gone since the compiled build: run `make native`"
            if st.st_size != entry["size"] or (
                    st.st_mtime_ns != entry["mtime_ns"] and digest(source) != entry["sha256"]):
                return None, f"{entry['source']} changed since the compiled build: run `make native`"
            files[name] = os.path.join(BUILD_DIR, entry["file"])
        for name in sources():
            if name not in manifest["modules"]:
                return None, f"{name} is newer than the compiled build: run `make native`"
    except (KeyError, TypeError) as exc:
        return None, f"the compiled build's manifest is incomplete ({exc}): run `make native`"
    if not all(os.path.exists(file) for file in files.values()):
        return None, "a compiled module file is missing: run `make native`"
    return files, f"{len(files) - 1} modules compiled with mypyc {manifest.get('mypy', '?')}"


def sources() -> dict[str, str]:
    """Module name -> path relative to the root, for every module the build compiles."""
    found = {f"assistant.{name[:-3].replace('/', '.')}": f"assistant/{name}" for name in COMPILED_MODULES}
    for package in COMPILED_PACKAGES:
        for name in sorted(os.listdir(os.path.join(PACKAGE, package))):
            if name.endswith(".py") and name != "__init__.py":
                found[f"assistant.{package}.{name[:-3]}"] = f"assistant/{package}/{name}"
    return found


def digest(path: str) -> str:
    import hashlib

    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()
