"""The demo end to end on the Quill sample: real ingest, real parents, real reviewer; the model scripted."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from drafting_fakes import distinct_title, objective_json

from assistant.llm import FakeBackend, Message


def _reply(messages: list[Message]) -> str:
    prompt = messages[-1].content
    parent = re.search(r"serves parent (\S+)|parent key result (\S+)", prompt)
    assert parent is not None
    pid = (parent.group(1) or parent.group(2)).rstrip(" (")
    labels = re.findall(r'<passage id="(S\d+)"', prompt)
    number = int(re.search(r"Write objective (\d+)", prompt).group(1))  # type: ignore[union-attr]
    return objective_json(distinct_title(messages), [
        f"Raise the share of new accounts that publish a schedule from 54% to {60 + number}% by 2027-03-31",
        f"Cut median days from signup to a published schedule from 19 to {13 - number} by 2027-03-31",
    ], aligns=pid, sources=labels[:1])


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> FakeBackend:
    backend = FakeBackend([_reply] * 8)
    monkeypatch.setattr("assistant.llm.build_backend", lambda settings, name=None: backend)
    return backend


def test_demo_prepares_the_sample_drafts_and_reviews(tmp_path, scripted):
    from assistant.demo import main

    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "demo"), "--team", "onboarding-growth"])
    out = result.stdout
    assert result.exit_code == 0, result.stderr + out
    assert out.startswith("# Draft OKRs: Onboarding & Growth (2027-Q1)")
    assert out.count("\n## ") >= 4 + 3  # four objectives, then review, citations and trace sections
    assert "Aligns to **CO-2**" in out and "Aligns to **CO-1**" in out
    assert "[sourced 1]" in out  # 54% and 19 days are in Quill's strategy documents
    assert "# Review of the draft" in out
    assert "Ingesting" in result.stderr and "Importing parents" in result.stderr
    assert len(scripted.calls) == 4


@pytest.mark.parametrize(("env", "expected"), [({}, 900.0), ({"OKR_LLM_TIMEOUT": "45"}, 45.0)])
def test_demo_gives_a_slow_machine_time_unless_told_otherwise(tmp_path, monkeypatch, env, expected):
    """The demo must finish on a slow laptop; an explicit OKR_LLM_TIMEOUT still wins."""
    from assistant.demo import main

    seen = []
    backend = FakeBackend([_reply] * 8)
    monkeypatch.setattr("assistant.llm.build_backend", lambda settings, name=None: seen.append(settings) or backend)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "demo"), "--team", "onboarding-growth"])
    assert result.exit_code == 0, result.stderr
    assert [s.llm_timeout for s in seen] == [expected]
