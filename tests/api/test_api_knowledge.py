"""Documents, search, parents and readiness against the real knowledge base (embedded Chroma on tmp)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from testkit import free_port

from assistant.api import create_app
from assistant.config import Settings, settings_from_env

PLAN = b"""# EU expansion plan

## Trial conversion

European trial conversion was 11.2% in Q4 2026. Lost deals cite data hosting in 37% of cases.

## Hiring

We will open a Berlin office with six account executives by mid 2027.
"""

PARENTS = b"""\
level: company
period: 2027
objectives:
  - id: CO-1
    title: Win the European market
    key_results:
      - Raise European trial conversion from 11.2% to 14% by 2027-12-31
  - id: CO-2
    title: Customers succeed quickly and stay with us
    key_results:
      - Cut median onboarding time from 19 days to 12 days by 2027-12-31
"""


@pytest.fixture(scope="module")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return settings_from_env({}, data_dir=tmp_path_factory.mktemp("api-store"), llm_backend="fake")


@pytest.fixture(scope="module")
def real(real_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(real_settings)) as client:
        yield client


def test_upload_list_search_and_remove_a_document(real: TestClient) -> None:
    uploaded = real.post("/api/v1/documents", files={"file": ("eu-plan.md", PLAN, "text/markdown")})
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    assert body["summary"]["ingested"] == ["eu-plan.md"]
    assert body["summary"]["chunks_added"] >= 2
    [document] = body["documents"]
    assert document["document"] == "eu-plan.md"
    assert document in real.get("/api/v1/documents").json()

    hits = real.get("/api/v1/search", params={"q": "how many trials convert in Europe", "k": 2}).json()
    assert hits and hits[0]["document"] == "eu-plan.md"
    assert "11.2%" in hits[0]["text"]
    assert len(hits) <= 2

    again = real.post("/api/v1/documents", files={"file": ("eu-plan.md", PLAN, "text/markdown")})
    assert again.status_code == 201
    assert again.json()["summary"]["unchanged"] == ["eu-plan.md"]
    assert [d["id"] for d in real.get("/api/v1/documents").json()].count(document["id"]) == 1

    removed = real.delete(f"/api/v1/documents/{document['id']}")
    assert removed.status_code == 200
    assert removed.json() == {"id": document["id"], "passages_removed": document["chunks"]}
    assert document["id"] not in [d["id"] for d in real.get("/api/v1/documents").json()]
    assert real.delete(f"/api/v1/documents/{document['id']}").status_code == 404


def test_unknown_document_is_404(real: TestClient) -> None:
    response = real.delete("/api/v1/documents/no-such-document")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_document"


@pytest.mark.parametrize(
    ("name", "content", "status", "code"),
    [
        ("notes.exe", b"MZ\x00\x01", 415, "unsupported_format"),
        ("company.yaml", b"objectives: []", 415, "unsupported_format"),
        ("noextension", b"hello", 415, "unsupported_format"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", 422, "parse_error"),
    ],
)
def test_uploads_that_cannot_be_ingested_are_4xx(
    real: TestClient, name: str, content: bytes, status: int, code: str
) -> None:
    response = real.post("/api/v1/documents", files={"file": (name, content)})
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert name not in [d["document"] for d in real.get("/api/v1/documents").json()]


def test_upload_must_be_multipart(real: TestClient) -> None:
    response = real.post("/api/v1/documents", content=PLAN, headers={"Content-Type": "text/markdown"})
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["error"]["message"]


def test_import_and_list_parents(real: TestClient) -> None:
    response = real.post("/api/v1/parents", content=PARENTS, headers={"Content-Type": "application/yaml"})
    assert response.status_code == 201, response.text
    assert [p["id"] for p in response.json()] == ["CO-1", "CO-2"]
    listed = real.get("/api/v1/parents").json()
    assert {"CO-1", "CO-2"} <= {p["id"] for p in listed}
    co1 = next(p for p in listed if p["id"] == "CO-1")
    assert co1["level"] == "company" and co1["key_results"][0]["text"].startswith("Raise European")


def test_import_parents_with_a_level_and_by_upload(real: TestClient) -> None:
    response = real.post("/api/v1/parents?level=department",
                         files={"file": ("dept.yaml", PARENTS.replace(b"CO-", b"DE-"))})
    assert response.status_code == 201, response.text
    assert {p["level"] for p in response.json()} == {"department"}


def test_bad_parent_files_are_422(real: TestClient) -> None:
    response = real.post("/api/v1/parents", content=b"objectives:\n  - title: [", headers={"Content-Type": "application/yaml"})
    assert response.status_code == 422
    assert "line" in response.json()["error"]["message"]


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x", "k": 0}, {"q": "x", "k": 500}])
def test_search_validation_is_422(real: TestClient, params: dict[str, str | int]) -> None:
    response = real.get("/api/v1/search", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_readyz_names_the_store_and_the_backend(real: TestClient, real_settings: Settings) -> None:
    response = real.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert body["store"]["ready"] and str(real_settings.chroma_dir) in body["store"]["detail"]
    assert body["backend"] == {"ready": True, "name": "fake", "detail": "scripted replies (tests only)"}


def test_readyz_is_503_when_the_store_is_unreachable(tmp_path: Path) -> None:
    settings = settings_from_env({}, data_dir=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}",
                                 llm_backend="openai", llm_base_url="http://127.0.0.1:9/v1")
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
        health = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert not body["store"]["ready"] and "Chroma" in body["store"]["detail"]
    assert body["backend"]["ready"] and body["backend"]["name"] == "openai"
    assert health.status_code == 200 and health.json()["status"] == "ok"


def test_readyz_is_503_when_no_backend_is_configured(real_settings: Settings) -> None:
    with TestClient(create_app(real_settings.model_copy(update={"llm_backend": "nonsense"}))) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["backend"]["ready"] is False
