"""`okr serve`: the HTTP API and the web pages, on uvicorn.

Without API keys (``OKR_API_KEYS``) the server only binds to a loopback address, unless ``--insecure`` says
that exposing an unauthenticated server is intended.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import click

from assistant.cli.common import build_settings, data_dir_option

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and the usual names for them."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (each opens the knowledge base and model on first use).")
@click.option("--insecure", is_flag=True,
              help="Allow a non-loopback --host without API keys (anyone who can reach it can use it).")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info",
              show_default=True, help="Server log level.")
@data_dir_option
def serve_command(host: str, port: int, workers: int, insecure: bool, log_level: str, data_dir: Path | None) -> None:
    """Run the HTTP API (/api/v1, reference at /docs) and the web pages.

    Set OKR_API_KEYS=key1,key2 to require `Authorization: Bearer <key>` on the API (the pages then ask for a
    key as the password). Request size limits: OKR_MAX_JSON_BYTES, OKR_MAX_UPLOAD_BYTES.
    """
    from assistant.errors import ConfigError

    settings = build_settings(data_dir)
    if not settings.api_keys and not is_loopback(host) and not insecure:
        raise ConfigError(
            f"Refusing to listen on {host} without API keys: anyone who can reach it could use the assistant. "
            "Set OKR_API_KEYS=key1,key2 (clients send `Authorization: Bearer <key>`), listen on 127.0.0.1, "
            "or pass --insecure if that is really what you want."
        )
    import uvicorn

    if data_dir is not None:
        # worker processes build their settings from the environment: hand the choice on
        os.environ["OKR_DATA_DIR"] = str(data_dir)
    where = "without API keys" if not settings.api_keys else f"with {len(settings.api_keys)} API key(s)"
    click.echo(f"okr-assistant on http://{_shown(host)}:{port} ({where}); data in {settings.data_dir}", err=True)
    uvicorn.run(
        "assistant.api:create_app", factory=True, host=host, port=port, workers=workers, log_level=log_level,
        proxy_headers=False, server_header=False,
    )


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
