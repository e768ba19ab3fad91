"""`okr rules [ID]`: the rule catalogue, or one rule's page (why it matters, bad examples, good rewrites)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.cli.common import build_settings, format_option


@click.command("rules")
@click.argument("rule_id", metavar="[ID]", required=False)
@format_option("md", "json")
@click.option("--profile", default=None, help="Show the severities of this profile (default: default).")
@click.option(
    "--policy", "policy_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Show the severities of this TOML or YAML policy file.",
)
def rules_command(rule_id: str | None, fmt: str, profile: str | None, policy_file: Path | None) -> None:
    """List the review rules (id, severity, title), or explain rule ID."""
    from assistant.policy import get_policy
    from assistant.review.catalogue import CATALOGUE, rule_info

    settings = build_settings()
    policy = get_policy(profile or settings.profile, file=policy_file or settings.policy_file)
    if rule_id is not None:
        info = rule_info(rule_id.strip())
        page = rule_page(info.id)
        if fmt == "json":
            severity = policy.severity(info.id)
            row = {"id": info.id, "family": info.family, "severity": severity.value if severity else "off",
                   "title": info.title, "doc": page}
            click.echo(json.dumps(row, indent=2, ensure_ascii=False))
        else:
            click.echo(page.rstrip("\n"))
        return

    rows = []
    for rule in CATALOGUE:
        severity = policy.severity(rule.id)
        rows.append({"id": rule.id, "family": rule.family, "severity": severity.value if severity else "off",
                     "title": rule.title})
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    width = max(len(r["id"]) for r in rows)
    click.echo(f"Rules ({policy.name} profile; `okr rules ID` explains one):\n")
    click.echo(f"| {'id'.ljust(width)} | severity | title |")
    click.echo(f"| {'-' * width} | -------- | ----- |")
    for r in rows:
        click.echo(f"| {r['id'].ljust(width)} | {r['severity'].ljust(8)} | {r['title']} |")


def rule_page(rule_id: str) -> str:
    """The text of ``knowledge/rules/<rule_id>.md``; raises ``ConfigError`` when the installation lacks it."""
    from assistant.errors import ConfigError
    from assistant.resources import knowledge_dir

    try:
        path = knowledge_dir() / "rules" / f"{rule_id}.md"
        return path.read_text(encoding="utf-8")
    except (OSError, FileNotFoundError):
        raise ConfigError(
            f"The page for rule {rule_id} (knowledge/rules/{rule_id}.md) is missing from this installation; "
            "reinstall okr-assistant."
        ) from None
