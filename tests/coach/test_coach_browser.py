"""The Coach page in real headless Chromium against a real server: a whole session by clicks, with and without
JavaScript. Screenshots go to tests/artifacts/coach-*.png."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from testkit import REPO, okr_env

from assistant.coaching import get_exercise

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "tests" / "artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`uvicorn assistant.api:create_app --factory` on a loopback port, as `okr serve` would run it."""
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("coach-web")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "assistant.api:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=REPO, env=okr_env(data_dir), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                break
        except OSError as exc:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                detail = proc.stderr.read() if proc.stderr else b""
                raise RuntimeError(f"the server did not start: {detail!r}") from exc
            time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _shot(page: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_session_by_clicks(server: str, browser: object, javascript: bool) -> None:
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server}/coach")
    assert page.locator("nav").get_by_role("link", name="Coach").get_attribute("aria-current") == "page"
    page.select_option("#coach-count", "3")
    page.select_option("#coach-kind", "spot")
    page.get_by_role("button", name="Start session").click()
    page.wait_for_selector("#coach-exercise")

    # 1: right answer, feedback in place
    first = get_exercise(page.locator("#coach-exercise").get_attribute("data-exercise") or "")
    assert "Exercise 1 of 3" in page.locator("#exercise-title").inner_text()
    assert first.item.splitlines()[0] in page.locator(".coach-item").inner_text()
    for rule in first.rules:
        page.locator(f"input[name=choice][value='{rule}']").check()
    if not javascript:
        _shot(page, "coach-exercise.png")
    page.get_by_role("button", name="Check answer").click()
    feedback = page.locator("#coach-feedback")
    feedback.wait_for()
    assert "✔ Correct" in feedback.inner_text()
    assert page.locator("#coach-answer-form").count() == 0
    page.get_by_role("button", name="Next exercise").click()

    # 2: a wrong answer, with the rule pages linked
    second = get_exercise(page.locator("#coach-exercise").get_attribute("data-exercise") or "")
    assert second.id != first.id
    page.locator(f"input[name=choice][value='{second.distractors[0]}']").check()
    page.get_by_role("button", name="Check answer").click()
    feedback.wait_for()
    text = feedback.inner_text()
    assert "✘ Not quite" in text and f"Not broken here: {second.distractors[0]}" in text
    link = feedback.get_by_role("link", name=second.rules[0]).first
    assert link.get_attribute("href") == f"/rules/{second.rules[0]}"
    if not javascript:
        _shot(page, "coach-feedback.png")
    page.get_by_role("button", name="Next exercise").click()

    # 3: skipped, then the summary
    assert "Exercise 3 of 3" in page.locator("#exercise-title").inner_text()
    page.get_by_role("button", name="Skip").click()
    summary = page.locator("#coach-summary")
    summary.wait_for()
    assert "1 skipped" in summary.inner_text()
    assert page.locator(".score-number").inner_text() == "1"
    rows = page.locator("#coach-rule-table tbody tr")
    assert rows.count() == len({*first.rules, *second.rules, second.distractors[0]})
    if not javascript:
        path = _shot(page, "coach-summary.png")
        assert path.stat().st_size > 10_000
    # a reload keeps the summary (server-side state), and a new session starts from it
    page.reload()
    assert page.locator("#coach-summary").count() == 1
    page.get_by_role("button", name="Another session like this").click()
    assert "Exercise 1 of 3" in page.locator("#exercise-title").inner_text()
    context.close()


def test_a_rewrite_typed_in_the_browser(server: str, browser: object) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server}/coach?new=1")
    page.select_option("#coach-count", "3")
    page.select_option("#coach-kind", "rewrite")
    page.select_option("#coach-rule", "kr-wrong-direction")
    page.get_by_role("button", name="Start session").click()
    exercise = get_exercise(page.locator("#coach-exercise").get_attribute("data-exercise") or "")
    assert "kr-wrong-direction" in exercise.rules
    page.fill("#coach-text", "Launch a churn dashboard")
    page.get_by_role("button", name="Check answer").click()
    text = page.locator("#coach-feedback").inner_text()
    assert "✘ Not quite" in text and "New problem: kr-activity" in text
    _shot(page, "coach-rewrite-feedback.png")
    context.close()
