"""The OpenAPI document: FastAPI's, plus the OKR set input schema and the bearer scheme when keys are set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from assistant.okr import DraftEvent, OKRSet

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


def _json_data(ref: str) -> dict[str, Any]:
    return {"type": "string", "contentMediaType": "application/json", "contentSchema": {"$ref": ref}}


def stream_schemas(existing: dict[str, Any]) -> dict[str, Any]:
    """``DraftStreamEvent``: one server-sent event of ``POST /drafts/stream``, with its JSON data's schema.

    The output models it uses (Objective, DraftResult...) are already components; only missing ones are added.
    """
    schema = DraftEvent.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    components = {name: value for name, value in schema.pop("$defs", {}).items() if name not in existing}
    components["DraftEvent"] = schema

    def event(names: list[str], ref: str) -> dict[str, Any]:
        return {"type": "object", "required": ["event", "data"],
                "properties": {"event": {"enum": names}, "data": _json_data(ref)}}

    components["DraftStreamEvent"] = {
        "description": "One event: progress (the DraftEvent), then the result (the DraftResult) or an error.",
        "oneOf": [
            event(["step", "objective", "repair"], "#/components/schemas/DraftEvent"),
            event(["result"], "#/components/schemas/DraftResult"),
            event(["error"], "#/components/schemas/ErrorBody"),
        ],
    }
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
        components["schemas"].update(stream_schemas(components["schemas"]))
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
