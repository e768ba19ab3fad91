"""Groundedness: where every number of a draft's key results comes from, judged apart from the system's own tags."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.krparse import NumberMention, parse_kr_text
from assistant.okr import KeyResult, NumberRole, Provenance
from evals.draft_cases import DraftCase
from evals.scorers.draft_output import DraftOutput, parent_index
from evals.scorers.draft_text import content_words, same_value, stated_for, values_in


@dataclass
class NumberAudit:
    """Every number in the draft's key results, judged against the sources and the request."""

    total: int = 0
    grounded: int = 0  # in the sources or the request, or a target honestly tagged proposed
    invented_baselines: list[str] = field(default_factory=list)  # starting points no source states, as fact
    unsupported: list[str] = field(default_factory=list)  # other numbers found nowhere and not tagged proposed


def audit_numbers(case: DraftCase, output: DraftOutput) -> NumberAudit:
    """Where each number of each key result comes from (independent of the system's own provenance tags).

    A baseline (the "from" value) is a statement of fact: it is grounded only when a cited passage, the linked
    parent or the request states that value in a clause about the same metric (sharing a content word with the
    key result). Any other number is grounded when its value is among the case's source figures, the cited
    passages, the request or the parent, or when the system tagged it ``proposed`` (an honest proposal).
    A baseline that fails its test is an invented (or misattributed) baseline.
    """
    request = case.request()
    index = parent_index(output.known_parents)
    request_texts = [request.mission, *request.focus, request.capacity or ""]
    sources = values_in(case.source_numbers)
    audit = NumberAudit()
    for objective in output.okr_set.objectives:
        parent = index.get(objective.aligns_to.id) if objective.aligns_to else None
        parent_texts = [parent.title, *(kr.text for kr in parent.key_results)] if parent else []
        for kr in objective.key_results:
            evidence = [*(output.chunks[c] for c in kr.sources if c in output.chunks), *parent_texts, *request_texts]
            known = [*sources, *values_in(evidence)]
            facts = parse_kr_text(kr.text, period=output.okr_set.period)
            metric = content_words(facts.metric or kr.text)
            for mention in facts.numbers:
                audit.total += 1
                if mention.role is NumberRole.BASELINE:
                    if stated_for(mention, metric, evidence):
                        audit.grounded += 1
                    else:
                        audit.invented_baselines.append(f"{mention.raw} in {kr.text!r}")
                elif any(same_value(mention.value, value) for value in known) or _tagged_proposed(kr, mention):
                    audit.grounded += 1
                else:
                    audit.unsupported.append(f"{mention.raw} in {kr.text!r}")
    return audit


def _tagged_proposed(kr: KeyResult, mention: NumberMention) -> bool:
    refs = [ref for ref in kr.numbers if same_value(ref.value, mention.value)]
    return bool(refs) and all(ref.provenance is Provenance.PROPOSED for ref in refs)
