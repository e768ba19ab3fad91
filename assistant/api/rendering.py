"""HTML for the web pages: one autoescaping Jinja2 environment (separate from the prompts' one) and a safe
Markdown renderer for the rule and guide pages.

Templates live in ``assistant/api/templates`` and extend ``base.html``; other page modules (the coach's) render
theirs with ``render_page(request, "coach.html", {...})``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.types import Scope

from assistant.review.catalogue import RULE_IDS

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"

NAV = (
    ("draft", "Draft", "/draft"),
    ("review", "Review", "/review"),
    ("knowledge", "Knowledge", "/knowledge"),
    ("rules", "Rules", "/rules"),
)
COACH_NAV = ("coach", "Coach", "/coach")

_TITLES = {
    400: "The request could not be used", 401: "Sign in required", 403: "Not allowed", 404: "Page not found",
    405: "Not allowed here", 413: "Too large", 415: "Unsupported file", 422: "Could not read the input",
    500: "Something went wrong", 502: "The model failed", 503: "Not available yet", 504: "The model timed out",
}


@cache
def app_version() -> str:
    try:
        return version("okr-assistant")
    except PackageNotFoundError:
        return "dev"


@cache
def environment() -> Environment:
    """The HTML environment: autoescaping on, undefined variables are errors."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = markdown_html
    env.filters["number"] = format_number
    env.globals["version"] = app_version()
    env.globals["rule_ids"] = RULE_IDS
    return env


def format_number(value: float) -> str:
    """1234567.0 -> '1,234,567'; 11.2 -> '11.2' (no exponents, no trailing zeros)."""
    if abs(value) >= 1000:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def _root(scope: Scope) -> str:
    return str(scope.get("root_path", "")).rstrip("/")


def base_context(scope: Scope, active: str = "") -> dict[str, Any]:
    """What ``base.html`` needs: the URL prefix, the navigation and the active section."""
    from assistant.api.coach import coach_enabled

    nav = [*NAV, COACH_NAV] if coach_enabled(scope) else list(NAV)
    return {"root": _root(scope), "nav": nav, "active": active}


def render_fragment(name: str, context: Mapping[str, Any]) -> str:
    return environment().get_template(name).render(**context)


def render_page(
    request: Request, name: str, context: Mapping[str, Any] | None = None, *, status: int = 200,
    active: str = "", headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render template ``name`` with the base context plus ``context``."""
    full = {**base_context(request.scope, active), "request": request, **(context or {})}
    html = environment().get_template(name).render(**full)
    return HTMLResponse(html, status_code=status, headers=dict(headers or {}))


def render_error_page(
    scope: Scope, *, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    """The friendly error page: what went wrong and how to fix it, never a traceback."""
    context = {
        **base_context(scope),
        "status": status,
        "code": code,
        "title": _TITLES.get(status, "Something went wrong"),
        "message": message,
    }
    html = environment().get_template("error.html").render(**context)
    return HTMLResponse(html, status_code=status, headers=dict(headers or {}))


# --- Markdown (rule and guide pages) ----------------------------------------------------------------------

_KNOWLEDGE_LINK = re.compile(
    r"^(?:\./)?(?:\.\./(?P<section>rules|guide)/)?(?P<name>[a-z0-9][a-z0-9-]*)\.md(?P<anchor>#[\w-]*)?$"
)


def page_link(href: str, *, root: str = "", section: str = "rules") -> str:
    """A link between shipped knowledge pages (``x.md``, ``../guide/x.md``), rewritten to the page that shows
    it; ``section`` is where a sibling link points. Other links are kept."""
    match = _KNOWLEDGE_LINK.match(href)
    if match is None:
        return href
    return f"{root}/{match['section'] or section}/{match['name']}{match['anchor'] or ''}"


@cache
def _markdown_parser() -> Any:
    from markdown_it import MarkdownIt

    # raw HTML off: a knowledge page is text, never markup that reaches the browser as is
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def markdown_html(text: str, *, root: str = "", section: str = "rules") -> Markup:
    """Markdown to HTML with raw HTML disabled and unsafe link schemes refused (markdown-it's validator)."""
    parser = _markdown_parser()
    tokens = parser.parse(text)
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                child.attrSet("href", page_link(href, root=root, section=section))
    return Markup(parser.renderer.render(tokens, parser.options, {}))
