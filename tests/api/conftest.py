"""Fixtures for the API tests: an app on tmp settings with a memory store and an answering model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_fakes import AnsweringBackend, MemoryStore
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.api.deps import get_llm, get_store
from assistant.config import Settings


@pytest.fixture
def memory_store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def answering() -> AnsweringBackend:
    return AnsweringBackend()


@pytest.fixture
def app(settings: Settings, memory_store: MemoryStore, answering: AnsweringBackend) -> FastAPI:
    app = create_app(settings)
    app.dependency_overrides[get_store] = lambda: memory_store
    app.dependency_overrides[get_llm] = lambda: answering
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
