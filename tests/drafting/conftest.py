"""Fixtures for the drafting tests (the doubles themselves live in ``drafting_fakes``)."""

from __future__ import annotations

import pytest
from drafting_fakes import FakeStore

from assistant.okr import DraftEvent, DraftRequest
from assistant.policy import Policy, get_policy


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def policy() -> Policy:
    return get_policy("default")


@pytest.fixture
def request_() -> DraftRequest:
    return DraftRequest(
        team="EU Growth",
        mission="Help European field-service firms adopt Quill quickly, from trial to paid.",
        focus=["European trial conversion", "onboarding time"],
        period="2027-Q1",
        parents=["P-1", "P-2"],
    )


@pytest.fixture
def events() -> list[DraftEvent]:
    return []
