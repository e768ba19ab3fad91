"""Helpers for the reviewer's tests: build small sets, read the rules that fire on one item, run `okr`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.okr import Alignment, Finding, KeyResult, Level, Objective, OKRSet, Parent, ParentKeyResult
from assistant.policy import get_policy
from assistant.review import check

REPO = Path(__file__).resolve().parents[2]

GOOD_KRS = (
    "Increase weekly active teams from 800 to 1,200",
    "Reduce median first response time from 9 to 4 hours",
    "Grow newsletter subscribers from 2k to 5k",
)


def one_kr_set(text: str, *, period: str | None = "2027-Q1", owner: str | None = "ana", **fields: object) -> OKRSet:
    """A valid 3-objective set whose first key result is ``text``; the rest are sound."""
    first = KeyResult(text=text, owner=owner, **fields)  # type: ignore[arg-type]
    objectives = [
        Objective(
            title="Make onboarding effortless",
            key_results=[first, KeyResult(text=GOOD_KRS[0], owner="ana")],
            aligns_to=Alignment(id="CO-1"),
        )
    ]
    for i in range(2):
        objectives.append(
            Objective(
                title=f"Win the trust of enterprise buyers in region {'AB'[i]}",
                key_results=[KeyResult(text=f"{GOOD_KRS[1]} in region {'AB'[i]}", owner="raj"),
                             KeyResult(text=f"{GOOD_KRS[2]} in region {'AB'[i]}", owner="raj")],
                aligns_to=Alignment(id="CO-2"),
            )
        )
    return OKRSet(team="Growth", period=period, level=Level.TEAM, objectives=objectives)


def rules_on(findings: Sequence[Finding], path: str) -> set[str]:
    return {f.rule for f in findings if f.path == path}


def kr_rules(text: str, **kwargs: object) -> set[str]:
    """The rule ids that fire on key result ``text`` (in a set that is otherwise sound)."""
    okr_set = one_kr_set(text, **kwargs)  # type: ignore[arg-type]
    return rules_on(check(okr_set, policy=get_policy("default")), "objectives[0].key_results[0]")


def kr_finding(text: str, rule: str, **kwargs: object) -> Finding:
    okr_set = one_kr_set(text, **kwargs)  # type: ignore[arg-type]
    found = [f for f in check(okr_set, policy=get_policy("default")) if f.rule == rule
             and f.path == "objectives[0].key_results[0]"]
    assert found, f"{rule} did not fire on {text!r}"
    return found[0]


def objective_set(title: str, *, krs: int = 2, level: Level = Level.TEAM, aligns_to: Alignment | None = None,
                  period: str = "2027-Q1") -> OKRSet:
    objective = Objective(title=title, key_results=[KeyResult(text=t, owner="ana") for t in GOOD_KRS[:krs]],
                          aligns_to=aligns_to)
    others = [
        Objective(title=f"Win region {'AB'[i]}", aligns_to=Alignment(id="CO-1"),
                  key_results=[KeyResult(text=f"{t} in region {'AB'[i]}", owner="ana") for t in GOOD_KRS[:2]])
        for i in range(2)
    ]
    return OKRSet(team="Growth", period=period, level=level, objectives=[objective, *others])


PARENTS = [
    Parent(id="CO-1", title="Grow enterprise revenue in Europe",
           key_results=[ParentKeyResult(id="CO-1.KR1", text="Reach $10M ARR")]),
    Parent(id="CO-2", title="Become the most trusted platform for finance teams"),
]


def run_okr(*args: str, stdin: bytes | None = None, cwd: Path | None = None,
            env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """Run the real `okr` command in a subprocess."""
    script = Path(sys.executable).parent / "okr"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "assistant"]
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run([*cmd, *args], input=stdin, capture_output=True, cwd=cwd, env=full_env,
                          timeout=timeout, check=False)
