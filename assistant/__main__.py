"""`python -m assistant` runs the `okr` command."""

from __future__ import annotations

from assistant.cli import main

main()
