"""Default periods and their end dates; draft requests from a teams file."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.draft.period import next_quarter, period_end
from assistant.draft.teams import request_from_team_file
from assistant.errors import InputError, NotFound, ParseError


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 11, 21), "2027-Q1"), (date(2027, 1, 1), "2027-Q2"), (date(2027, 9, 30), "2027-Q4"),
])
def test_next_quarter(today, expected):
    assert next_quarter(today) == expected


@pytest.mark.parametrize(("period", "end"), [
    ("2027-Q1", "2027-03-31"), ("2028-q1", "2028-03-31"), ("2027Q4", "2027-12-31"), ("2027-H1", "2027-06-30"),
    ("2027", "2027-12-31"), ("FY2027", "2027-12-31"), ("2028-02", "2028-02-29"), ("spring", "spring"),
])
def test_period_end(period, end):
    assert period_end(period) == end


def test_the_quill_teams_file_gives_complete_requests(repo):
    path = repo / "knowledge" / "examples" / "quill" / "teams.yaml"
    request = request_from_team_file(path, "Onboarding & Growth", overrides={"objectives": 4})
    assert request.team == "Onboarding & Growth" and request.maturity == "new"
    assert request.parents == ["CO-2", "CO-1"] and request.objectives == 4
    assert "  " not in request.mission and request.focus
    by_id = request_from_team_file(path, "onboarding-growth")
    assert by_id.team == request.team


def test_overrides_win_and_empty_ones_do_not(tmp_path):
    path = tmp_path / "teams.yaml"
    path.write_text("teams:\n  - id: a\n    name: A\n    mission: Do things\n    suggested_parents: [CO-1]\n")
    request = request_from_team_file(path, "a", overrides={"parents": ["CO-9"], "mission": None})
    assert request.parents == ["CO-9"] and request.mission == "Do things"


def test_unknown_team_lists_the_known_ones(tmp_path):
    path = tmp_path / "teams.yaml"
    path.write_text("teams:\n  - {id: a, name: Alpha, mission: m}\n  - {id: b, name: Beta, mission: m}\n")
    with pytest.raises(NotFound, match="Alpha, Beta"):
        request_from_team_file(path, "gamma")
    with pytest.raises(InputError, match="--team-name"):
        request_from_team_file(path, None)


def test_bad_files_say_where(tmp_path):
    path = tmp_path / "teams.yaml"
    path.write_text("teams:\n  - id: a\n    mission: [unclosed\n")
    with pytest.raises(ParseError, match="line"):
        request_from_team_file(path, "a")
    path.write_text("just text\n")
    with pytest.raises(ParseError, match="teams"):
        request_from_team_file(path, "a")
    path.write_text("teams:\n  - {id: a, name: A}\n")
    with pytest.raises(InputError, match="mission"):
        request_from_team_file(path, "a")
