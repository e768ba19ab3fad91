"""The seam the coach's routes plug into: ``api_router`` under /api/v1 (behind the keys), ``page_router`` at the root."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.api.coach import include_coach
from assistant.config import Settings

MODULE = '''
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from assistant.api.rendering import render_page

api_router = APIRouter()
page_router = APIRouter()

@api_router.get("/seam-check")
def seam_check() -> dict[str, str]:
    return {"mounted": "yes"}

@page_router.get("/seam-page", response_class=HTMLResponse)
def seam_page(request: Request) -> HTMLResponse:
    return render_page(request, "error.html", {"status": 200, "code": "ok", "title": "Seam", "message": "m"},
                       active="coach")
'''


def test_a_coach_module_is_mounted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    (tmp_path / "okr_seam_coach.py").write_text(MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    app = create_app(settings.model_copy(update={"api_keys": ["seam-key"]}))
    assert include_coach(app, module_name="okr_seam_coach")
    app.state.coach = True
    with TestClient(app) as client:
        assert client.get("/api/v1/seam-check").status_code == 401  # the API keys apply to it too
        ok = client.get("/api/v1/seam-check", headers={"Authorization": "Bearer seam-key"})
        assert ok.json() == {"mounted": "yes"}
        page = client.get("/seam-page", headers={"Authorization": "Bearer seam-key"})
        assert page.status_code == 200
        assert 'href="/coach" aria-current="page"' in page.text


def test_no_coach_module_mounts_nothing() -> None:
    app = FastAPI()
    before = len(app.routes)
    assert include_coach(app, module_name="okr_no_such_coach_module") is False
    assert include_coach(app, module_name="no_such_package.routes") is False
    assert len(app.routes) == before
