"""POST /api/v1/drafts and /drafts/stream: the drafter over HTTP, with a scripted model."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest
from api_fakes import AnsweringBackend, MemoryStore, objective_reply
from api_server import serve
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.api.deps import get_store
from assistant.config import Settings
from assistant.drafting import draft_okrs
from assistant.errors import BackendTimeout
from assistant.llm import FakeBackend, Message
from assistant.okr import DraftRequest, DraftResult
from assistant.policy import get_policy

REQUEST: dict[str, Any] = {
    "team": "EU Growth",
    "mission": "Help European field-service firms adopt Quill quickly, from trial to paid.",
    "focus": ["European trial conversion", "onboarding time"],
    "period": "2027-Q1",
    "parents": ["CO-1", "CO-2"],
}


def events_of(text: str) -> list[tuple[str, Any]]:
    """(event, data) pairs of a server-sent event stream; keep-alive comments are skipped."""
    events = []
    for frame in text.split("\n\n"):
        lines = [line for line in frame.splitlines() if line and not line.startswith(":")]
        if not lines:
            continue
        name = next(line[6:].strip() for line in lines if line.startswith("event:"))
        data = "\n".join(line[5:].strip() for line in lines if line.startswith("data:"))
        events.append((name, json.loads(data)))
    return events


def without_timings(data: dict[str, Any]) -> dict[str, Any]:
    trace = dict(data["trace"])
    trace.pop("seconds")
    trace["steps"] = [{k: v for k, v in step.items() if k != "seconds"} for step in trace["steps"]]
    return {**data, "trace": trace}


def test_draft_is_the_drafters_result(client: TestClient, memory_store: MemoryStore) -> None:
    response = client.post("/api/v1/drafts", json=REQUEST)
    assert response.status_code == 200, response.text
    data = response.json()
    result = DraftResult.model_validate(data)
    assert result.complete and len(result.okr_set.objectives) == 3
    assert {o.aligns_to.id for o in result.okr_set.objectives if o.aligns_to} <= {"CO-1", "CO-2"}
    assert result.citations and all(c.document in {"eu-plan.md", "cx-plan.md"} for c in result.citations)
    direct = draft_okrs(DraftRequest.model_validate(REQUEST), llm=AnsweringBackend(), store=memory_store,
                        policy=get_policy("default"))
    assert without_timings(data) == without_timings(direct.model_dump(mode="json"))


def test_stream_sends_steps_then_objectives_in_order_then_the_result(client: TestClient) -> None:
    with client.stream("POST", "/api/v1/drafts/stream", json=REQUEST) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = events_of(response.read().decode())
    names = [name for name, _ in events]
    assert names[0] == "step"
    assert names[-1] == "result" and names.count("result") == 1
    assert "error" not in names
    objectives = [data for name, data in events if name == "objective"]
    assert [o["index"] for o in objectives] == [0, 1, 2]
    assert all(o["objective"]["key_results"] for o in objectives)
    result = DraftResult.model_validate(events[-1][1])
    assert [o.title for o in result.okr_set.objectives] == [o["objective"]["title"] for o in objectives]
    for name, data in events[:-1]:
        assert name in {"step", "objective", "repair"} and data["kind"] == name


def test_model_failure_mid_stream_is_an_error_event_never_a_result(app: FastAPI) -> None:
    first = objective_reply
    failing = FakeBackend([first, BackendTimeout("The model did not answer within 120 s.")])
    from assistant.api.deps import get_llm

    app.dependency_overrides[get_llm] = lambda: failing
    with TestClient(app) as client, client.stream("POST", "/api/v1/drafts/stream", json=REQUEST) as response:
        events = events_of(response.read().decode())
    names = [name for name, _ in events]
    assert "result" not in names
    assert names[-1] == "error"
    assert names.count("objective") == 1
    error = events[-1][1]["error"]
    assert error["code"] == "draft_incomplete"
    assert "120 s" in error["message"]


def test_model_failure_on_the_json_route_is_502(app: FastAPI) -> None:
    from assistant.api.deps import get_llm

    app.dependency_overrides[get_llm] = lambda: FakeBackend([BackendTimeout("timed out")])
    with TestClient(app) as client:
        response = client.post("/api/v1/drafts", json=REQUEST)
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "draft_incomplete"


@pytest.mark.parametrize("route", ["/api/v1/drafts", "/api/v1/drafts/stream"])
def test_objective_count_outside_the_policy_is_400_before_any_work(
    client: TestClient, answering: AnsweringBackend, route: str
) -> None:
    response = client.post(route, json={**REQUEST, "objectives": 9})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert "3 to 5" in response.json()["error"]["message"]
    assert answering.calls == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in REQUEST.items() if k != "mission"}, "mission"),
        ({**REQUEST, "maturity": "ancient"}, "maturity"),
        ({**REQUEST, "surprise": 1}, "surprise"),
        ({**REQUEST, "team": ""}, "team"),
    ],
)
def test_invalid_draft_requests_are_422_naming_the_field(client: TestClient, body: dict[str, Any], field: str) -> None:
    response = client.post("/api/v1/drafts", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert field in error["message"]


def test_unknown_parent_is_404_and_an_error_event_in_the_stream(client: TestClient) -> None:
    body = {**REQUEST, "parents": ["CO-404"]}
    response = client.post("/api/v1/drafts", json=body)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_parent"
    with client.stream("POST", "/api/v1/drafts/stream", json=body) as streamed:
        events = events_of(streamed.read().decode())
    assert events[-1][0] == "error" and events[-1][1]["error"]["code"] == "unknown_parent"


def test_unconfigured_backend_is_503_with_the_fix(settings: Settings, memory_store: MemoryStore) -> None:
    app = create_app(settings.model_copy(update={"llm_backend": "nonsense"}))
    app.dependency_overrides[get_store] = lambda: memory_store
    with TestClient(app) as client:
        response = client.post("/api/v1/drafts", json=REQUEST)
    assert response.status_code == 503
    assert "OKR_LLM_BACKEND" in response.json()["error"]["message"]


def test_drafting_keeps_the_server_responsive(settings: Settings, memory_store: MemoryStore) -> None:
    """While a slow draft streams, the server still answers other requests (drafting runs in a thread)."""
    slow = AnsweringBackend(delay=0.6)
    app = create_app(settings)
    app.dependency_overrides[get_store] = lambda: memory_store
    from assistant.api.deps import get_llm

    app.dependency_overrides[get_llm] = lambda: slow
    first_objective = threading.Event()
    finished = threading.Event()
    seen: list[str] = []

    def consume(base: str) -> None:
        with httpx.stream("POST", f"{base}/api/v1/drafts/stream", json=REQUEST, timeout=60) as response:
            for line in response.iter_lines():
                if line.startswith("event:"):
                    seen.append(line[6:].strip())
                    if seen[-1] == "objective":
                        first_objective.set()
        finished.set()

    with serve(app) as base:
        worker = threading.Thread(target=consume, args=(base,))
        worker.start()
        assert first_objective.wait(30)
        health = httpx.get(f"{base}/healthz", timeout=5)
        answered_mid_draft = not finished.is_set()
        worker.join(60)
    assert health.status_code == 200
    assert answered_mid_draft, "the health check had to wait for the draft"
    assert seen[-1] == "result" and seen.count("objective") == 3


def test_streamed_objective_messages_are_valid_messages() -> None:
    # the scripted model answers the drafter's real prompt shape
    reply = objective_reply([Message(role="user", content='Period: 2027-Q1 (deadline 2027-03-31)\n<passage id="S1" '
                                     'document="x">t</passage>\nWrite objective 2 of 3 for team X: it serves parent '
                                     'CO-2 ("aligns_to": {"id": "CO-2"} or one of its key result ids)')])
    data = json.loads(reply)
    assert data["aligns_to"]["id"] == "CO-2" and data["sources"] == ["S1"]
    assert "2027-03-31" in data["key_results"][0]["text"]
