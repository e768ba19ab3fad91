"""The coach's JSON routes and the Coach page, on the full app (create_app) with TestClient."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.coaching import get_exercise
from assistant.config import Settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_next_exercise_has_the_cli_shape(client: TestClient) -> None:
    response = client.get("/api/v1/coach/exercises/next", params={"kind": "align"})
    assert response.status_code == 200
    data = response.json()
    assert {"id", "kind", "prompt", "choices"} <= set(data) and data["kind"] == "align"
    assert {"explicit", "directional"} <= {c["id"] for c in data["choices"]}
    excluded = client.get("/api/v1/coach/exercises/next", params={"kind": "align", "exclude": data["id"]}).json()
    assert excluded["id"] != data["id"]
    one = client.get(f"/api/v1/coach/exercises/{data['id']}").json()
    assert one == data


def test_answers_are_graded_like_the_cli(client: TestClient) -> None:
    exercise = get_exercise("spot-07")
    response = client.post("/api/v1/coach/answers", json={"id": exercise.id, "choices": exercise.rules})
    assert response.status_code == 200
    assert response.json()["correct"] is True and set(response.json()) == {"correct", "score", "feedback", "rules"}
    rewrite = client.post("/api/v1/coach/answers", json={
        "id": "rewrite-19", "text": "Reduce gross revenue churn from 8.7% to 7.5% and raise net revenue retention "
                                    "from 104% to 110%"}).json()
    assert rewrite["correct"] is False and rewrite["rules"] == ["kr-compound", "kr-wrong-direction"]
    assert "/rules/kr-compound" in rewrite["feedback"]


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), [
    ("post", "/api/v1/coach/answers", {"id": "nope", "choices": ["kr-vague"]}, 404, "unknown_exercise"),
    ("post", "/api/v1/coach/answers", {"id": "spot-01", "choices": ["CO-9"]}, 400, "invalid_input"),
    ("post", "/api/v1/coach/answers", {"id": "rewrite-01"}, 400, "invalid_input"),
    ("post", "/api/v1/coach/answers", {"id": "spot-01", "surprise": 1}, 422, None),
    ("post", "/api/v1/coach/answers", {"id": "rewrite-01", "text": "x" * 9000}, 422, None),
    ("get", "/api/v1/coach/exercises/next?rule=kr-nonsense", None, 404, "unknown_rule"),
    ("get", "/api/v1/coach/exercises/next?kind=essay", None, 422, None),
    ("get", "/api/v1/coach/exercises/next?kind=align&rule=set-no-period", None, 400, "invalid_input"),
    ("get", "/api/v1/coach/exercises/nope", None, 404, "unknown_exercise"),
])
def test_errors_have_the_api_shape(client: TestClient, method: str, path: str, body: object, status: int,
                                   code: str | None) -> None:
    response = client.request(method.upper(), path, json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code


def test_openapi_documents_the_coach_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/coach/exercises/next" in paths and "/api/v1/coach/answers" in paths


def _current(html: str) -> str:
    match = re.search(r'data-exercise="([^"]+)"', html)
    assert match, html
    return match.group(1)


def test_the_page_runs_a_session_without_javascript(client: TestClient) -> None:
    page = client.get("/coach")
    assert page.status_code == 200 and "Start session" in page.text
    assert 'href="/coach"' in page.text  # the navigation shows the Coach link
    started = client.post("/coach", data={"action": "start", "count": "2", "kind": "spot"})
    assert started.status_code == 200 and "Exercise 1 of 2" in started.text
    first = get_exercise(_current(started.text))
    answered = client.post("/coach", data={"action": "answer", "exercise": first.id, "choice": first.rules})
    assert "✔ Correct" in answered.text and 'id="coach-feedback"' in answered.text
    assert client.get("/coach").text.count("✔ Correct") == 1  # a reload shows the same feedback, not a new form
    # answering the same exercise twice (a resubmitted form) keeps the first grade
    again = client.post("/coach", data={"action": "answer", "exercise": first.id, "choice": first.distractors[:1]})
    assert "✔ Correct" in again.text
    second_page = client.post("/coach", data={"action": "next"})
    second = get_exercise(_current(second_page.text))
    assert "Exercise 2 of 2" in second_page.text and second.id != first.id
    missing = client.post("/coach", data={"action": "answer", "exercise": second.id})
    assert missing.status_code == 400 and "Choose an answer" in missing.text
    wrong = client.post("/coach", data={"action": "answer", "exercise": second.id, "choice": second.distractors[:1]})
    assert "✘ Not quite" in wrong.text
    assert f'href="/rules/{second.distractors[0]}"' in wrong.text  # feedback links the rule pages
    summary = client.post("/coach", data={"action": "next"})
    assert "Session summary" in summary.text and "1 of 2 correct" in summary.text
    assert re.search(r'score-number">1</span><span class="score-max">/2', summary.text)
    assert "Accuracy per rule" in summary.text
    for rule in {*first.rules, *second.rules}:
        assert f'href="/rules/{rule}"' in summary.text
    fresh = client.get("/coach", params={"new": "1"})
    assert "Start session" in fresh.text


def test_rewrite_and_align_on_the_page(client: TestClient) -> None:
    page = client.post("/coach", data={"action": "start", "count": "1", "kind": "rewrite", "rule": "kr-no-owner",
                                       "difficulty": "easy"})
    exercise = get_exercise(_current(page.text))
    assert exercise.id == "rewrite-25" and 'name="text"' in page.text
    done = client.post("/coach", data={"action": "answer", "exercise": exercise.id, "text": exercise.rewrites[0]})
    assert "✔ Correct" in done.text
    page = client.post("/coach", data={"action": "start", "count": "1", "kind": "align", "difficulty": "easy",
                                       "rule": "objective-no-parent"})
    align = get_exercise(_current(page.text))
    assert align.answer is not None and 'name="type"' in page.text
    done = client.post("/coach", data={"action": "answer", "exercise": align.id, "choice": align.answer.parent,
                                       "type": align.answer.type.value})
    assert "✔ Correct" in done.text


def test_page_errors_are_friendly(client: TestClient) -> None:
    expired = client.post("/coach", data={"action": "next"})
    assert expired.status_code == 400 and "expired" in expired.text
    bad = client.post("/coach", data={"action": "start", "rule": "kr-nonsense"})
    assert bad.status_code == 400 and "No rule" in bad.text
    too_many = client.post("/coach", data={"action": "start", "count": "500"})
    assert too_many.status_code == 400 and "between 1 and 20" in too_many.text
    client.cookies.set("okr_coach", "../../etc/passwd")
    assert "Start session" in client.get("/coach").text
