"""The OpenAPI document: FastAPI's, plus the OKR set input schema and the bearer scheme when keys are set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from assistant.okr import OKRSet

INPUT_SUFFIX = "In"

DESCRIPTION = """\
Draft team OKRs that fit the strategy, and review OKRs against SMART and limit rules.

Errors always answer `{"error": {"code": "...", "message": "..."}}` with the right status.
When the server has API keys (`OKR_API_KEYS`), send `Authorization: Bearer <key>`.
"""


def input_schemas() -> dict[str, Any]:
    """``OKRSetIn`` and the models it uses, as OpenAPI components (validation mode: what a client sends)."""
    schema = OKRSet.model_json_schema(ref_template="#/components/schemas/{model}" + INPUT_SUFFIX, mode="validation")
    defs = schema.pop("$defs", {})
    components = {f"{name}{INPUT_SUFFIX}": value for name, value in defs.items()}
    components[f"OKRSet{INPUT_SUFFIX}"] = schema
    return components


def openapi_builder(app: FastAPI, *, secured: bool, version: str) -> Callable[[], dict[str, Any]]:
    """A replacement for ``app.openapi`` that builds the document once."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = get_openapi(
            title="okr-assistant", version=version, description=DESCRIPTION, routes=app.routes,
            tags=[
                {"name": "reviews", "description": "The rules' critique of an OKR set."},
                {"name": "drafts", "description": "Draft team OKRs with the language model."},
                {"name": "knowledge", "description": "Strategy documents, search and parent objectives."},
                {"name": "rules", "description": "The review rules and their pages."},
                {"name": "health", "description": "Probes for process managers and load balancers."},
            ],
        )
        components = document.setdefault("components", {})
        components.setdefault("schemas", {}).update(input_schemas())
        if secured:
            components["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer", "description": "One of the server's OKR_API_KEYS."}
            }
            for path, operations in document.get("paths", {}).items():
                if path.startswith("/api/"):
                    for operation in operations.values():
                        operation["security"] = [{"bearer": []}]
        app.openapi_schema = document
        return document

    return build
