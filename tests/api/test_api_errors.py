"""Every error in one shape with the right status: never a stack trace, never a 500 for the user's mistakes."""

from __future__ import annotations

import logging

import pytest
from api_fakes import MemoryStore
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.api.deps import get_store
from assistant.errors import StoreError
from assistant.retrieval.models import DocumentInfo


def test_unknown_api_route_is_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": response.json()["error"]["message"]}}
    assert "/api/v1/nothing-here" in response.json()["error"]["message"]


def test_unknown_page_is_a_friendly_html_404(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Page not found" in response.text and 'href="/"' in response.text


def test_wrong_method_is_405_with_allow(client: TestClient) -> None:
    response = client.put("/api/v1/reviews", content=b"x")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "POST" in response.headers["allow"]


def test_unexpected_errors_are_a_generic_500_and_logged(app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    @app.get("/api/v1/explode")
    def explode() -> None:
        raise RuntimeError("secret internal detail")

    @app.get("/explode-page")
    def explode_page() -> None:
        raise RuntimeError("secret internal detail")

    caplog.set_level(logging.ERROR, logger="assistant.api")
    with TestClient(app) as client:
        api = client.get("/api/v1/explode")
        page = client.get("/explode-page")
    assert api.status_code == 500
    error = api.json()["error"]
    assert error["code"] == "internal_error"
    assert "secret" not in api.text and "Traceback" not in api.text
    assert page.status_code == 500 and "text/html" in page.headers["content-type"]
    assert "secret" not in page.text and "Traceback" not in page.text
    reference = error["message"].split("reference ")[1].split(")")[0]
    logged = [r for r in caplog.records if r.name == "assistant.api"]
    assert any(reference in r.getMessage() and r.exc_info for r in logged)
    assert "secret internal detail" in caplog.text


class BrokenStore(MemoryStore):
    def list_documents(self) -> list[DocumentInfo]:
        raise StoreError("The knowledge base failed while listing documents (ConnectionError). Check OKR_CHROMA_URL.")


def test_store_failures_are_503_with_the_fix(app: FastAPI) -> None:
    app.dependency_overrides[get_store] = lambda: BrokenStore()
    with TestClient(app) as client:
        api = client.get("/api/v1/documents")
        page = client.get("/knowledge")
    assert api.status_code == 503
    assert api.json()["error"] == {"code": "store_error", "message": api.json()["error"]["message"]}
    assert "OKR_CHROMA_URL" in api.json()["error"]["message"]
    assert page.status_code == 503 and "OKR_CHROMA_URL" in page.text


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/api/v1/reviews", {"content": b"\x00\x00\x00", "headers": {"Content-Type": "text/plain"}}),
        ("post", "/api/v1/reviews", {"content": b"[1, 2, 3]", "headers": {"Content-Type": "application/json"}}),
        ("post", "/api/v1/reviews", {"content": b'{"objectives": "no"}', "headers": {"Content-Type": "application/json"}}),
        ("post", "/api/v1/reviews", {"content": b"- - - -", "headers": {"Content-Type": "application/yaml"}}),
        ("post", "/api/v1/reviews", {"content": b"just a sentence", "headers": {"Content-Type": "text/plain"}}),
        ("post", "/api/v1/drafts", {"content": b"{", "headers": {"Content-Type": "application/json"}}),
        ("post", "/api/v1/drafts", {"json": [1, 2]}),
        ("post", "/api/v1/drafts", {"json": {"team": "x", "mission": "y", "objectives": "many"}}),
        ("post", "/api/v1/parents", {"content": b"", "headers": {"Content-Type": "application/yaml"}}),
        ("post", "/api/v1/documents", {"files": {"file": ("", b"x")}}),
        ("get", "/api/v1/rules?profile=" + "x" * 200, {}),
        ("get", "/api/v1/search?q=x&k=abc", {}),
        ("delete", "/api/v1/documents/nope", {}),
        ("post", "/review", {"data": {"text": "objectives:\n  - title: ["}}),
        ("post", "/review", {"data": {"text": ""}}),
        ("post", "/draft", {"data": {"team": "", "mission": ""}}),
        ("get", "/rules/does-not-exist", {}),
        ("get", "/guide/no-such-page", {}),
        ("get", "/guide/%2e%2e%2fsecret", {}),
    ],
)
def test_user_mistakes_are_4xx(client: TestClient, method: str, path: str, kwargs: dict[str, object]) -> None:
    response = getattr(client, method)(path, **kwargs)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text
    if path.startswith("/api/"):
        error = response.json()["error"]
        assert set(error) == {"code", "message"} and error["message"]
