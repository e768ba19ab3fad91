"""The draft eval's case schema and its fictional companies.

A case is a team's request (the ``DraftRequest`` fields), the company whose strategy and OKRs the draft rests on,
and what a good draft does: link to ``expected_parents``, cover ``themes``, and take its numbers from
``source_numbers`` (the figures the company's documents state) or mark them as proposals.

The companies live in ``evals/fixtures/<company>/``: a few short strategy documents and ``company-okrs.yaml``
(the parent objectives). A company not found there is looked up among the sample companies in
``knowledge/examples/<company>/`` (documents in its ``strategy/`` folder).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.errors import InputError
from assistant.okr import DraftRequest
from assistant.policy import PROFILES

DOCUMENT_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".pdf", ".docx"})
OKR_FILE = "company-okrs.yaml"
SUBSETS = ("ci-local",)


class DraftCase(BaseModel):
    """One team asking for a draft, and what a good draft for it looks like."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    company: str = Field(min_length=1, pattern=r"^[a-z0-9_-]+$", description="Folder under evals/fixtures/.")
    function: str = Field(min_length=1, description="The team's function, e.g. engineering, sales, people.")
    team: str = Field(min_length=1)
    mission: str = Field(min_length=1)
    focus: list[str] = Field(default_factory=list)
    maturity: Literal["new", "established"] = "established"
    capacity: str | None = None
    period: str | None = "2027-Q1"
    parents: list[str] = Field(default_factory=list, description="Parents the team names; empty = picked by meaning.")
    objectives: int | None = Field(default=None, ge=1, le=10)
    profile: str = Field(default="default", description="Policy profile the draft is held to.")
    expected_parents: list[str] = Field(min_length=1, description="Parent objective ids a good draft links to.")
    allowed_parents: list[str] = Field(default_factory=list, description="Also acceptable; neither help nor hurt.")
    themes: list[str] = Field(min_length=1, description="Short phrases a good draft covers.")
    source_numbers: list[str] = Field(min_length=1, description="Figures the sources state, as written there.")
    subset: str | None = Field(default=None, description="'ci-local': one of the small cases run on the local model.")
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> DraftCase:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r} (use one of {', '.join(sorted(PROFILES))})")
        limits = PROFILES[self.profile].objectives
        if self.objectives is not None and not limits.min <= self.objectives <= limits.max:
            raise ValueError(f"{self.objectives} objectives is outside the {self.profile} profile's {limits}")
        if self.subset is not None and self.subset not in SUBSETS:
            raise ValueError(f"unknown subset {self.subset!r} (known: {', '.join(SUBSETS)})")
        if set(self.expected_parents) & set(self.allowed_parents):
            raise ValueError("a parent cannot be both expected and allowed")
        return self

    def request(self) -> DraftRequest:
        """The request a team lead would make for this case."""
        return DraftRequest(
            team=self.team, mission=self.mission, focus=list(self.focus), maturity=self.maturity,
            capacity=self.capacity, period=self.period, parents=list(self.parents), objectives=self.objectives,
        )


def fixtures_dir() -> Path:
    """The folder of the eval's fictional companies (inside the installed ``evals`` package)."""
    return Path(str(files("evals") / "fixtures"))


def company_dir(company: str) -> Path:
    """The folder of ``company``: ``evals/fixtures/<company>``, else a sample company under ``knowledge/examples``.

    Raises:
        InputError: no such company.
    """
    folder = fixtures_dir() / company
    if (folder / OKR_FILE).is_file():
        return folder
    from assistant.resources import knowledge_dir

    sample = knowledge_dir() / "examples" / company
    if (sample / OKR_FILE).is_file():
        return sample
    known = sorted(p.name for p in fixtures_dir().iterdir() if (p / OKR_FILE).is_file())
    raise InputError(
        f"The draft dataset names company {company!r}, but neither {folder} nor {sample} holds {OKR_FILE} "
        f"(companies: {', '.join(known) or 'none'})."
    )


def company_documents(company: str) -> list[Path]:
    """The strategy documents of ``company`` (its ``strategy/`` folder when it has one), sorted."""
    folder = company_dir(company)
    root = folder / "strategy" if (folder / "strategy").is_dir() else folder
    return sorted(p for p in root.iterdir() if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)


def company_okrs(company: str) -> Path:
    """The company's OKR file: the parent objectives the drafts link to."""
    return company_dir(company) / OKR_FILE


def select_subset(cases: Sequence[DraftCase], subset: str | None) -> list[DraftCase]:
    """The cases marked ``subset`` (all of them for ``None``)."""
    if subset is None:
        return list(cases)
    return [case for case in cases if case.subset == subset]
