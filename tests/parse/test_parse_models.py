"""The parser makes its models without validating them again: they must equal validated ones."""

from __future__ import annotations

import pytest

from assistant.okr import Alignment, KeyResult, Objective, OKRSet
from assistant.parse import parse_okrs
from assistant.parsing.models import checked

YAML = """\
team: Growth
period: 2027-Q1
objectives:
  - title: Make onboarding effortless
    id: O1
    owner: ana
    aligns_to: {id: CO-1, type: explicit}
    key_results:
      - Increase weekly active teams from 800 to 1,200
      - text: Reduce churn from 5% to 3%
        baseline: 5%
        target: 3
        direction: decrease
        sources: [c1, c2]
        numbers: [{value: 5, role: baseline}]
  - Win the trust of enterprise buyers
"""

MARKDOWN = """\
## Objective 1: Make onboarding effortless (owner: ana, aligns to CO-1)
- KR1: Increase weekly active teams from 800 to 1,200
- KR2: Reduce churn from 5% to 3% by 2027-03-31
"""


def _lines(okr_set: OKRSet) -> list[int | None]:
    return [o.line for o in okr_set.objectives] + [k.line for o in okr_set.objectives for k in o.key_results]


@pytest.mark.parametrize("text", [YAML, MARKDOWN])
def test_parsed_sets_equal_validated_ones(text: str) -> None:
    parsed = parse_okrs(text)
    validated = OKRSet.model_validate(parsed.model_dump())
    for objective, again in zip(parsed.objectives, validated.objectives, strict=True):  # line is not dumped
        again.line = objective.line
        for kr, kr_again in zip(objective.key_results, again.key_results, strict=True):
            kr_again.line = kr.line
    assert parsed == validated
    assert parsed.model_dump_json(exclude_unset=True) == OKRSet.model_validate(
        parsed.model_dump(exclude_unset=True)
    ).model_dump_json(exclude_unset=True)
    assert all(isinstance(line, int) for line in _lines(parsed))


def test_checked_fills_defaults_like_validation() -> None:
    kr = checked(KeyResult, text="Ship it", line=3)
    assert kr == KeyResult(text="Ship it", line=3)
    assert kr.model_fields_set == {"text", "line"}
    assert list(kr.__dict__) == list(KeyResult.model_fields)
    other = checked(KeyResult, text="Ship more")
    assert kr.sources is not other.sources  # a fresh list per instance
    assert checked(Objective, title="Grow", aligns_to=checked(Alignment, id="CO-1")) == Objective(
        title="Grow", aligns_to=Alignment(id="CO-1")
    )


def test_checked_refuses_unknown_and_missing_fields() -> None:
    with pytest.raises(TypeError, match="no field titel"):
        checked(Objective, title="Grow", titel="Grow")
    with pytest.raises(TypeError, match="title is required"):
        checked(Objective, id="O1")
