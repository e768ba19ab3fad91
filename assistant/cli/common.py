"""Options and builders shared by the subcommands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from assistant.config import Settings, settings_from_env

F = TypeVar("F", bound=Callable[..., object])


def data_dir_option(func: F) -> F:
    """Add `--data-dir` (default: $OKR_DATA_DIR, else the per-user data directory)."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Where the knowledge base and model live (default: $OKR_DATA_DIR or the user data directory).",
    )(func)


def format_option(*choices: str, default: str = "md") -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
            help="Output format.",
        )(func)

    return decorate


def build_settings(data_dir: Path | None = None, **overrides: object) -> Settings:
    """Settings from the environment, with command-line overrides."""
    return settings_from_env(None, data_dir=data_dir, **overrides)
