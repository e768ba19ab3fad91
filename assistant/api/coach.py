"""The seam for the coach: ``assistant/api/routes_coach.py``, when it exists, is mounted by ``create_app``.

The module may define any of:

    api_router   an ``APIRouter`` mounted under ``/api/v1`` (e.g. ``GET /coach/exercises/next``); API keys apply
    page_router  an ``APIRouter`` mounted at the root (e.g. ``GET /coach``), rendering ``coach*.html`` templates
                 that extend ``base.html`` via ``assistant.api.rendering.render_page(request, name, ctx, active="coach")``
    router       an ``APIRouter`` mounted at the root as it is (full paths)

When it is mounted, the navigation shows a Coach link.
"""

from __future__ import annotations

import importlib
import importlib.util

from fastapi import APIRouter, FastAPI
from starlette.types import Scope

COACH_MODULE = "assistant.api.routes_coach"
API_PREFIX = "/api/v1"


def include_coach(app: FastAPI, *, module_name: str = COACH_MODULE) -> bool:
    """Mount the coach's routers if its module is installed; returns whether it was."""
    try:
        found = importlib.util.find_spec(module_name) is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        return False
    module = importlib.import_module(module_name)  # a broken coach module is a bug: let it raise
    mounted = False
    api_router = getattr(module, "api_router", None)
    if isinstance(api_router, APIRouter):
        app.include_router(api_router, prefix=API_PREFIX)
        mounted = True
    for name in ("page_router", "router"):
        router = getattr(module, name, None)
        if isinstance(router, APIRouter):
            app.include_router(router)
            mounted = True
    return mounted


def coach_enabled(scope: Scope) -> bool:
    app = scope.get("app")
    state = getattr(app, "state", None)
    return bool(getattr(state, "coach", False))
