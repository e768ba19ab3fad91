"""The HTTP API (``/api/v1``, OpenAPI at ``/openapi.json``, reference at ``/docs``) and the web pages.

    from assistant.api import create_app
    app = create_app(settings)          # uvicorn "assistant.api:create_app" --factory

Routes are thin layers over the Python API; their collaborators come from ``assistant.api.deps``
(``SettingsDep``, ``StoreDep``, ``LLMDep``, ``PolicyDep``), which tests replace with ``app.dependency_overrides``.
The coach's routes join from ``assistant/api/routes_coach.py`` when that module exists (see ``assistant.api.coach``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from assistant.config import Settings

__all__ = ["create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for ``settings`` (default: read from the environment once).

    Nothing heavy happens here: the knowledge base opens and the model backend is built on first use.
    """
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.staticfiles import StaticFiles

    from assistant.api import (
        routes_drafts,
        routes_health,
        routes_knowledge,
        routes_pages,
        routes_pages_draft,
        routes_pages_knowledge,
        routes_reviews,
    )
    from assistant.api.auth import APIKeyMiddleware
    from assistant.api.coach import include_coach
    from assistant.api.deps import Resources
    from assistant.api.errors import UnexpectedErrorMiddleware, install_error_handlers
    from assistant.api.headers import SecurityHeadersMiddleware
    from assistant.api.limits import BodyLimitMiddleware
    from assistant.api.openapi import openapi_builder
    from assistant.api.rendering import STATIC, app_version
    from assistant.config import get_settings

    settings = settings or get_settings()
    app = FastAPI(
        title="okr-assistant", version=app_version(), docs_url=None, redoc_url=None, openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.resources = Resources(settings)
    install_error_handlers(app)

    for module in (routes_health, routes_reviews, routes_drafts, routes_knowledge):
        app.include_router(module.router)
    app.state.coach = include_coach(app)
    for module in (routes_pages, routes_pages_draft, routes_pages_knowledge):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # added innermost first: the last one added sees the request first
    app.add_middleware(BodyLimitMiddleware, max_json_bytes=settings.max_json_bytes,
                       max_upload_bytes=settings.max_upload_bytes)
    app.add_middleware(APIKeyMiddleware, keys=settings.api_keys)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(UnexpectedErrorMiddleware)
    app.openapi = openapi_builder(app, secured=bool(settings.api_keys), version=app_version())  # type: ignore[method-assign]
    return app
