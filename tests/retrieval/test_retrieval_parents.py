"""Parent objectives: stable ids (given or derived), replacement on re-import, lookup, suggestions by meaning."""

from __future__ import annotations

import pytest

from assistant.errors import InputError, UnknownParent
from assistant.okr import KeyResult, Level, Objective, OKRSet
from assistant.retrieval.parent_ids import parents_from
from assistant.retrieval.store import Store


def _company(*, with_ids: bool = True) -> OKRSet:
    def kr(text: str, kid: str) -> KeyResult:
        return KeyResult(text=text, id=kid if with_ids else None)

    return OKRSet(
        team="Quill",
        period="2027",
        level=Level.COMPANY,
        objectives=[
            Objective(
                id="CO-1" if with_ids else None,
                title="Win the European field service market",
                owner="CEO",
                key_results=[
                    kr("Grow European ARR from $6M to $11M", "CO-1.KR1"),
                    kr("Raise trial-to-paid conversion in Europe from 11% to 16%", "CO-1.KR2"),
                ],
            ),
            Objective(
                id="CO-2" if with_ids else None,
                title="Make the platform boringly reliable",
                key_results=[
                    kr("Scheduling API uptime from 99.82% to 99.95%", "CO-2.KR1"),
                    kr("Cut P1 incidents from 14 to 4 a year", "CO-2.KR2"),
                ],
            ),
            Objective(
                id="CO-3" if with_ids else None,
                title="Build a place great engineers want to stay",
                key_results=[kr("Regretted attrition from 12% to 7%", "CO-3.KR1")],
            ),
        ],
    )


def test_ids_given_in_the_file_are_kept(store: Store) -> None:
    parents = store.import_parents(_company())
    assert [p.id for p in parents] == ["CO-1", "CO-2", "CO-3"]
    listed = store.list_parents()
    assert (listed[0].id, listed[0].level, listed[0].period, listed[0].owner) == ("CO-1", Level.COMPANY, "2027", "CEO")
    assert [kr.id for kr in listed[0].key_results] == ["CO-1.KR1", "CO-1.KR2"]
    assert store.parent_ids() == {"CO-1", "CO-1.KR1", "CO-1.KR2", "CO-2", "CO-2.KR1", "CO-2.KR2", "CO-3", "CO-3.KR1"}


def test_derived_ids_are_stable_and_readable() -> None:
    first = parents_from(_company(with_ids=False))
    again = parents_from(_company(with_ids=False))
    assert [p.id for p in first] == [p.id for p in again]
    assert first[0].id == "CO-win-european-field-service-market"
    assert [kr.id for kr in first[1].key_results] == [
        "CO-make-platform-boringly-reliable.KR1",
        "CO-make-platform-boringly-reliable.KR2",
    ]
    department = parents_from(_company(with_ids=False), level=Level.DEPARTMENT)
    assert department[0].id.startswith("DE-")


def test_duplicate_given_ids_are_refused() -> None:
    okr_set = _company()
    okr_set.objectives[1].id = "CO-1"
    with pytest.raises(InputError, match="'CO-1'"):
        parents_from(okr_set)


def test_reimporting_a_set_replaces_it(store: Store) -> None:
    store.import_parents(_company())
    revised = _company()
    revised.objectives = revised.objectives[:2]
    revised.objectives[1].key_results = revised.objectives[1].key_results[:1]
    store.import_parents(revised)
    assert [p.id for p in store.list_parents()] == ["CO-1", "CO-2"]
    assert "CO-3" not in store.parent_ids()
    assert "CO-2.KR2" not in store.parent_ids()


def test_sets_of_other_periods_live_side_by_side(store: Store) -> None:
    store.import_parents(_company())
    next_year = OKRSet(
        period="2028", level=Level.COMPANY,
        objectives=[Objective(title="Expand into Latin America", key_results=[KeyResult(text="Open 2 offices")])],
    )
    store.import_parents(next_year)
    assert len(store.list_parents()) == 4


def test_get_parent_by_objective_or_key_result_id(store: Store) -> None:
    store.import_parents(_company())
    assert store.get_parent("CO-2").title == "Make the platform boringly reliable"
    assert store.get_parent("CO-2.KR1").id == "CO-2"
    with pytest.raises(UnknownParent, match="okr parents list"):
        store.get_parent("CO-9")


def test_suggestions_are_ranked_by_meaning(store: Store) -> None:
    store.import_parents(_company())
    reliability = store.suggest_parents("We run the on-call rotation and keep the scheduling API up", k=3)
    assert reliability[0].id == "CO-2"
    assert reliability[0].score > reliability[1].score
    europe = store.suggest_parents("Localise onboarding so European trials convert to paid plans", k=1)
    assert [(m.id, m.title) for m in europe] == [("CO-1", "Win the European field service market")]
    people = store.suggest_parents("Career ladders and mentoring so engineers do not leave", k=2)
    assert people[0].id == "CO-3"


def test_suggestions_on_an_empty_store_are_empty(store: Store) -> None:
    assert store.suggest_parents("anything", k=3) == []
    assert store.list_parents() == []
    assert store.parent_ids() == set()
