"""What the model is asked to write for one objective, as pydantic models.

The ``Field`` descriptions are part of the prompt: the backends show the model this schema. The schema is the
same for every objective of a draft (only the key-result limits come from the policy), so the system prompt
plus schema stays a constant prefix the local model's prompt cache can reuse. Which parent ids and passage
labels are valid differs per objective; the chain checks those after validation instead of in the schema.
"""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model


def _require_all(schema: dict[str, Any]) -> None:
    """Show every property as required: a grammar-constrained model then always writes them, while
    validation still accepts a reply that omits one (the defaults apply)."""
    schema["required"] = list(schema.get("properties", {}))


class DraftedAlignment(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_require_all)

    id: str = Field(description="Parent objective id, or one of its key result ids.")
    type: Literal["explicit", "directional"] = Field(
        default="directional", description="explicit: the team takes on a parent key result; else directional."
    )


# Where a backend may end a string field early (``string_stops``: the string closes before the token that would
# complete a match), because the chain drops or writes itself what would follow (``assemble``):
# - a title's figures: the words a figure follows there ("... from 19 days to 12 days" -> "...");
TITLE_FIGURE_LEAD = r"(?:from|by|under|below|above|over|within|than|at least|up to)"
TITLE_STOPS = rf"(?i:\b{TITLE_FIGURE_LEAD})\W*\d"
# - a repaired key result's deadline: every key result is due by the period's end (the prompt says so), and once
#   the model has begun the year ("... by 202") the chain writes the date itself. Qwen writes each digit as a
#   token: 7 tokens not generated ("7-03-31"), at about 70 ms each here. Only on repair: in an objective's reply,
#   which later turns of the draft show the model, the cut dates made the draft worse (draft eval: a baseline
#   invented, duplicated objective pairs 0.111 -> 0.333; see evals/README.md);
DEADLINE_LEAD = r"by 20\d"
# - a second sentence: a key result is one sentence, and a small model sometimes goes on with the passage's other
#   figures ("... by the end of Q1 2027. - Qualified European pipeline from ...") until the token limit. A
#   period or semicolon after a word or figure of two characters or more, then a space, ends it ("U.S. teams"
#   and "e.g. churn" do not); so does a line break.
KEY_RESULT_STOPS = r"(?<=[a-z0-9%)]{2})[.;]\s|\\n"
REPAIRED_KEY_RESULT_STOPS = rf"\b{DEADLINE_LEAD}\d|{KEY_RESULT_STOPS}"


class DraftedKeyResult(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str = Field(
        min_length=1,
        description="One measurable outcome: metric, from baseline to target, by a date.",
    )


class DraftedObjective(BaseModel):
    """One objective as the model drafts it (before provenance, alignment and citation checks).

    Only what the model has to decide: every generated token costs the local model about 70 ms, so what the
    chain can derive is not asked for (whether the id names an objective or a key result; the owner, which the
    request does not name; a rationale, which a small model fills with the same boilerplate every time).
    No length limits in the schema: llama.cpp turns them into deeply nested grammar rules that slow every
    token; ``max_tokens`` bounds the reply, and the reviewer's rules judge the lengths.
    """

    model_config = ConfigDict(extra="ignore", json_schema_extra=_require_all)
    # where a backend may end these string fields (see above); "text" is every key result's
    string_stops: ClassVar[dict[str, str]] = {
        "title": TITLE_STOPS,
        "text": KEY_RESULT_STOPS,
    }

    title: str = Field(min_length=1, description="Qualitative, inspiring, short; no numbers.")
    aligns_to: DraftedAlignment
    sources: list[str] = Field(default_factory=list, description="Ids of the passages used, e.g. S1.")
    key_results: list[DraftedKeyResult]


@cache
def objective_schema(kr_min: int, kr_max: int) -> type[DraftedObjective]:
    """The objective schema with the policy's key-result limits (cached: one class per limit pair).

    The class keeps the name ``DraftedObjective`` so the schema text, and so the prompt, is identical for
    every draft under the same policy.
    """
    bounded = (
        list[DraftedKeyResult],
        Field(
            min_length=kr_min,
            max_length=kr_max,
            description=f"{kr_min} to {kr_max} key results, each a different metric.",
        ),
    )
    model: type[DraftedObjective] = create_model(
        "DraftedObjective", __base__=DraftedObjective, key_results=bounded
    )
    return model


# One line of plain text. Without it, a small model answering a repair question right after its own objective
# sometimes writes that whole objective on inside the string (escaped quotes and all) until the token limit.
# As a grammar, this is one character class: no cost per token.
PLAIN_TEXT = r'^[^"\\]+$'


class RepairedTitle(BaseModel):
    """A new title for an objective the reviewer rejected."""

    model_config = ConfigDict(extra="ignore")
    string_stops: ClassVar[dict[str, str]] = {"title": TITLE_STOPS}

    title: str = Field(min_length=1, pattern=PLAIN_TEXT,
                       description="Short qualitative goal in the team's own words; no numbers.")


class RepairedKeyResult(BaseModel):
    """A new text for a key result the reviewer rejected."""

    model_config = ConfigDict(extra="ignore")
    string_stops: ClassVar[dict[str, str]] = {"text": REPAIRED_KEY_RESULT_STOPS}

    text: str = Field(min_length=1, pattern=PLAIN_TEXT,
                      description="One measurable outcome: metric, from baseline to target, by a date.")
