"""API keys, request size limits, CORS and security headers."""

from __future__ import annotations

import base64
import itertools
import logging
from collections.abc import Iterator

import httpx
import pytest
from api_fakes import SOUND_MD, MemoryStore
from api_server import serve
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.api.auth import KeyRing, presented_key
from assistant.api.deps import get_store
from assistant.config import Settings

GOOD = "k3y-Good-7a1c9e"
OTHER = "second-key-55"
WRONG = "k3y-Wrong-000000"


def basic(password: str, user: str = "me") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def keyed(settings: Settings, memory_store: MemoryStore) -> FastAPI:
    app = create_app(settings.model_copy(update={"api_keys": [GOOD, OTHER]}))
    app.dependency_overrides[get_store] = lambda: memory_store
    return app


@pytest.fixture
def keyed_client(keyed: FastAPI) -> Iterator[TestClient]:
    with TestClient(keyed) as client:
        yield client


def test_api_without_a_key_is_401(keyed_client: TestClient) -> None:
    response = keyed_client.get("/api/v1/rules")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthorized"
    assert "OKR_API_KEYS" in response.json()["error"]["message"]


@pytest.mark.parametrize("header", [f"Bearer {WRONG}", f"Bearer {GOOD}x", f"Bearer {GOOD[:-1]}", "Bearer  "])
def test_api_with_a_wrong_key_is_403_or_401(keyed_client: TestClient, header: str) -> None:
    response = keyed_client.get("/api/v1/rules", headers={"Authorization": header})
    assert response.status_code == (401 if header.strip() == "Bearer" else 403)
    assert GOOD not in response.text and WRONG not in response.text


@pytest.mark.parametrize("key", [GOOD, OTHER])
def test_api_with_any_configured_key_works(keyed_client: TestClient, key: str) -> None:
    response = keyed_client.get("/api/v1/rules", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    review = keyed_client.post("/api/v1/reviews", content=SOUND_MD,
                               headers={"Authorization": f"bearer {key}", "Content-Type": "text/markdown"})
    assert review.status_code == 200


def test_api_refuses_basic_auth(keyed_client: TestClient) -> None:
    assert keyed_client.get("/api/v1/rules", headers={"Authorization": basic(GOOD)}).status_code == 401


def test_unauthenticated_requests_never_reach_the_body(keyed_client: TestClient) -> None:
    response = keyed_client.post("/api/v1/reviews", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 401


def test_pages_ask_for_the_key_as_a_password(keyed_client: TestClient) -> None:
    response = keyed_client.get("/review")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Basic realm="okr-assistant"')
    assert "text/html" in response.headers["content-type"]
    wrong = keyed_client.get("/review", headers={"Authorization": basic(WRONG)})
    assert wrong.status_code == 401 and "www-authenticate" in wrong.headers
    assert keyed_client.get("/review", headers={"Authorization": basic(GOOD)}).status_code == 200
    assert keyed_client.get("/review", headers={"Authorization": f"Bearer {OTHER}"}).status_code == 200


def test_probes_and_static_files_stay_open(keyed_client: TestClient) -> None:
    assert keyed_client.get("/healthz").status_code == 200
    assert keyed_client.get("/static/app.css").status_code == 200
    assert keyed_client.get("/openapi.json").status_code == 401


def test_openapi_declares_the_bearer_scheme_when_keys_are_set(keyed_client: TestClient) -> None:
    spec = keyed_client.get("/openapi.json", headers={"Authorization": f"Bearer {GOOD}"}).json()
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/reviews"]["post"]["security"] == [{"bearer": []}]
    assert "security" not in spec["paths"]["/healthz"]["get"]


def test_without_keys_everything_is_open(client: TestClient) -> None:
    assert client.get("/api/v1/rules").status_code == 200
    assert "securitySchemes" not in client.get("/openapi.json").json()["components"]


def test_keys_never_reach_the_logs(keyed: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with serve(keyed, log_level="debug", propagate_logs=True) as base:
        for header in (f"Bearer {GOOD}", f"Bearer {WRONG}", basic(GOOD), basic(WRONG), ""):
            httpx.get(f"{base}/api/v1/rules", headers={"Authorization": header} if header else {})
            httpx.get(f"{base}/review", headers={"Authorization": header} if header else {})
    access = [r for r in caplog.records if r.name == "uvicorn.access"]
    assert access, "the access log was not captured"
    assert {401, 403, 200} <= {r.args[-1] for r in access if isinstance(r.args, tuple)}
    for secret in (GOOD, WRONG, base64.b64encode(f"me:{GOOD}".encode()).decode()):
        assert secret not in caplog.text


def test_key_ring_matches_exactly() -> None:
    ring = KeyRing(["alpha", "beta"])
    assert ring.matches("alpha") and ring.matches("beta")
    assert not ring.matches("alph") and not ring.matches("alphaa") and not ring.matches("")
    assert not KeyRing([]) and not KeyRing([""])
    assert presented_key("Bearer abc", allow_basic=False) == "abc"
    assert presented_key(basic("pw"), allow_basic=False) is None
    assert presented_key(basic("pw"), allow_basic=True) == "pw"
    assert presented_key("Basic !!!", allow_basic=True) is None
    assert presented_key("Token abc", allow_basic=True) is None


# --- size limits -------------------------------------------------------------------------------------------

@pytest.fixture
def small(settings: Settings, memory_store: MemoryStore) -> FastAPI:
    app = create_app(settings.model_copy(update={"max_json_bytes": 2_000, "max_upload_bytes": 6_000}))
    app.dependency_overrides[get_store] = lambda: memory_store
    return app


def test_body_over_the_declared_length_is_413(small: FastAPI) -> None:
    with TestClient(small) as client:
        response = client.post("/api/v1/reviews", content=b"x" * 2_001, headers={"Content-Type": "text/plain"})
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"
        assert "OKR_MAX_JSON_BYTES" in response.json()["error"]["message"]
        fits = client.post("/api/v1/reviews", content=SOUND_MD.encode()[:1_900], headers={"Content-Type": "text/markdown"})
        assert fits.status_code != 413


def test_json_model_bodies_are_limited_too(small: FastAPI) -> None:
    with TestClient(small) as client:
        response = client.post("/api/v1/drafts", json={"team": "x", "mission": "m" * 3_000})
    assert response.status_code == 413


def test_upload_limit_is_separate_and_larger(small: FastAPI) -> None:
    with TestClient(small) as client:
        fits = client.post("/api/v1/documents", files={"file": ("plan.md", b"word " * 900)})
        assert fits.status_code == 201, fits.text
        too_big = client.post("/api/v1/documents", files={"file": ("plan.md", b"word " * 1_300)})
        assert too_big.status_code == 413
        assert "OKR_MAX_UPLOAD_BYTES" in too_big.json()["error"]["message"]


def test_streamed_bodies_without_a_length_are_counted(small: FastAPI) -> None:
    def chunks(total: int) -> Iterator[bytes]:
        for _ in range(total // 500):
            yield b"y" * 500

    with serve(small) as base:
        too_big = httpx.post(f"{base}/api/v1/reviews", content=chunks(10_000), headers={"Content-Type": "text/plain"})
        assert "content-length" not in {k.lower() for k in too_big.request.headers}
        assert too_big.request.headers["transfer-encoding"] == "chunked"
        assert too_big.status_code == 413
        assert too_big.json()["error"]["code"] == "payload_too_large"
        # a well-formed multipart body, so the only thing wrong with it is its size (a malformed one may be
        # refused with 400 by the form parser before enough of it has arrived to cross the limit)
        part_head = (b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.md\"\r\n"
                     b"Content-Type: text/markdown\r\n\r\n")
        upload = httpx.post(
            f"{base}/api/v1/documents", content=itertools.chain([part_head], chunks(20_000)),
            headers={"Content-Type": "multipart/form-data; boundary=xyz"},
        )
        assert upload.status_code == 413
        draft = httpx.post(f"{base}/api/v1/drafts", content=chunks(5_000), headers={"Content-Type": "application/json"})
        assert draft.status_code == 413
        page = httpx.post(f"{base}/review", content=chunks(5_000),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert page.status_code == 413 and "text/html" in page.headers["content-type"]
        small_enough = httpx.post(f"{base}/api/v1/reviews", content=iter([SOUND_MD.encode()[:1_500]]),
                                  headers={"Content-Type": "text/markdown"})
        assert small_enough.status_code != 413


def test_bad_content_length_is_400(small: FastAPI) -> None:
    from starlette.testclient import TestClient as RawClient

    with RawClient(small) as client:
        response = client.post("/api/v1/reviews", content=b"x", headers={"Content-Length": "abc",
                                                                        "Content-Type": "text/plain"})
    assert response.status_code == 400


# --- CORS and headers ----------------------------------------------------------------------------------------

def test_cors_is_off_unless_configured(client: TestClient, settings: Settings) -> None:
    origin = {"Origin": "https://evil.example"}
    assert "access-control-allow-origin" not in client.get("/api/v1/rules", headers=origin).headers
    app = create_app(settings.model_copy(update={"cors_origins": ["https://tools.example"]}))
    with TestClient(app) as configured:
        allowed = configured.get("/api/v1/rules", headers={"Origin": "https://tools.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://tools.example"
        refused = configured.get("/api/v1/rules", headers=origin)
        assert "access-control-allow-origin" not in refused.headers
        preflight = configured.options("/api/v1/reviews", headers={
            "Origin": "https://tools.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})
        assert preflight.status_code == 200


def test_security_headers_on_pages_and_api(client: TestClient) -> None:
    for path in ("/review", "/api/v1/rules", "/nope"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "default-src 'self'" in headers["content-security-policy"]
