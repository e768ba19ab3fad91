"""Build the compiled copies of the parser, the reader and the reviewer (see ``assistant.native``).

    python -m assistant.build_native          # compile into assistant/_native/ (what `make native` runs)
    python -m assistant.build_native status   # which copy this checkout runs, and why
"""

from __future__ import annotations

import json
import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES

from assistant.native import BUILD_DIR, GROUP, MANIFEST, PACKAGE, ROOT, check, digest, sources

_SETUP = """\
from setuptools import setup
from mypyc.build import mypycify

setup(name="okr_native", ext_modules=mypycify({paths!r}, opt_level="3", group_name={group!r}, multi_file=True))
"""


def build(*, jobs: int | None = None) -> int:
    """Compile the sources into ``BUILD_DIR`` (replaced only when the build succeeds); 0 on success."""
    import shutil
    import subprocess
    import tempfile
    import time

    try:
        import mypyc  # noqa: F401  # mypyc ships with mypy
    except ImportError:
        print("okr native: mypyc is not installed (it comes with mypy, in the dev extras)", file=sys.stderr)
        return 1
    modules_to_build = sources()
    stats = {name: os.stat(os.path.join(ROOT, rel)) for name, rel in modules_to_build.items()}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="okr-native-") as tmp:
        # the whole package, so mypy sees the types the compiled modules use from the rest of it
        shutil.copytree(PACKAGE, os.path.join(tmp, "assistant"),
                        ignore=shutil.ignore_patterns("__pycache__", "_native", "_native.*", "*.so", "_data"))
        with open(os.path.join(tmp, "setup.py"), "w", encoding="utf-8") as f:
            f.write(_SETUP.format(paths=sorted(modules_to_build.values()), group=GROUP))
        jobs = jobs or max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
        done = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace", "-j", str(jobs)], cwd=tmp,
                              capture_output=True, text=True)
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
            print(f"okr native: the mypyc build failed (exit {done.returncode}); Python is used instead\n{tail}",
                  file=sys.stderr)
            return 1
        suffix = EXTENSION_SUFFIXES[0]
        stage = BUILD_DIR + ".new"
        shutil.rmtree(stage, ignore_errors=True)
        os.makedirs(stage)
        modules = {}
        for name, rel in modules_to_build.items():
            file = rel[:-3] + suffix
            os.makedirs(os.path.join(stage, os.path.dirname(file)), exist_ok=True)
            shutil.copy2(os.path.join(tmp, file), os.path.join(stage, file))
            st = stats[name]
            modules[name] = {"source": rel, "file": file, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                             "sha256": digest(os.path.join(tmp, rel))}
        group_file = GROUP + "__mypyc" + suffix
        shutil.copy2(os.path.join(tmp, group_file), os.path.join(stage, group_file))
        manifest = {"suffix": suffix, "mypy": _mypy_version(),
                    "python": sys.version.split()[0], "group_file": group_file, "modules": modules}
        with open(os.path.join(stage, MANIFEST), "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=1)
    shutil.rmtree(BUILD_DIR, ignore_errors=True)
    os.replace(stage, BUILD_DIR)
    print(f"okr native: compiled {len(modules)} modules in {time.monotonic() - started:.0f} s into "
          f"{os.path.relpath(BUILD_DIR)}")
    return 0


def _mypy_version() -> str:
    from mypy.version import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args in ([], ["build"]):
        return build()
    if args == ["status"]:
        files, why = check()
        print(f"{'python' if files is None else 'native'}: {why}")
        return 0
    print("usage: python -m assistant.build_native [build|status]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
