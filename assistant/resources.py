"""Where the shipped prompts and knowledge live, in a wheel or in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def data_root(name: str) -> Path:
    """Directory of the shipped data folder ``name`` (``prompts`` or ``knowledge``).

    A wheel carries them under ``assistant/_data/``; a source checkout (editable install) has them at the
    repository's top level.
    """
    from importlib.resources import files

    packaged = Path(str(files("assistant"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"shipped data folder {name!r} is missing from the installation")


def prompts_dir() -> Path:
    return data_root("prompts")


def knowledge_dir() -> Path:
    return data_root("knowledge")
