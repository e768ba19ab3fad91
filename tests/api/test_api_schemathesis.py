"""Schemathesis over the OpenAPI document, in process: no 5xx, and every response matches its declared schema.

The drafting routes run with a model that always answers and a memory store, so generated requests reach the
drafter; examples per operation are kept modest so the whole run stays well under a minute.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from api_fakes import AnsweringBackend, MemoryStore
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assistant.api import create_app
from assistant.api.deps import get_llm, get_store
from assistant.config import settings_from_env

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def api_app() -> FastAPI:
    """The app under test: its store and model are fakes, so nothing touches a data directory or network."""
    unused = Path(tempfile.gettempdir()) / "okr-schemathesis-never-written"
    app = create_app(settings_from_env({}, data_dir=unused))
    app.dependency_overrides[get_store] = lambda: MemoryStore()  # a fresh store per request
    app.dependency_overrides[get_llm] = lambda: AnsweringBackend()
    return app


# built at collection: schemathesis' lazy fixture loader does not work with this pytest version
schema = schemathesis.openapi.from_asgi("/openapi.json", api_app())


@schema.parametrize()
@settings(max_examples=20, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_openapi_document(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
