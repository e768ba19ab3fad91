"""Scorers for drafts: is it valid, within the policy, linked to the right parents, on theme, grounded and cited?

Each scorer is a pure function ``(case, output) -> Score`` over a ``DraftOutput``: the draft a system returned
plus what the knowledge base knew when it was scored (the parent objectives, the cited chunks). Meaning is
compared with the same embedding model the retrieval uses (cosine of L2-normalised vectors), so no scorer needs
a network or an LLM. A draft that never completed scores as a failure on every check.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from assistant.okr import Severity
from assistant.policy import get_policy
from assistant.review import check
from evals.draft_cases import DraftCase
from evals.scorers import Score
from evals.scorers.draft_numbers import NumberAudit, audit_numbers
from evals.scorers.draft_output import DraftOutput, DraftPair, key_results, parent_index, parent_text
from evals.scorers.draft_text import (
    DUPLICATE_THRESHOLD,
    THEME_THRESHOLD,
    THEME_WORDS,
    content_words,
    embed_texts,
    meaning_similarity,
    shared_words,
    supports,
)

__all__ = ["GATE", "SCORERS", "DraftOutput", "DraftPair", "NumberAudit", "audit_numbers", "linked_parents"]

# --- helpers ----------------------------------------------------------------------------------------------


def _failed(output: DraftOutput) -> Score | None:
    if output.failure is not None:
        return Score(value=False, reason=f"no complete draft: {output.failure}")
    return None


def _zero(output: DraftOutput) -> Score | None:
    if output.failure is not None:
        return Score(value=0.0, reason="no complete draft")
    return None


def _names(items: Iterable[str]) -> str:
    return ", ".join(sorted(set(items))) or "none"


# --- structure and rules ----------------------------------------------------------------------------------


def valid(case: DraftCase, output: DraftOutput) -> Score:
    """Pass when the system returned a complete draft with the requested objectives, each titled and with KRs."""
    if (failed := _failed(output)) is not None:
        return failed
    objectives = output.okr_set.objectives
    wanted = case.objectives or get_policy(case.profile).objectives.min
    if len(objectives) != wanted:
        return Score(value=False, reason=f"{len(objectives)} objectives drafted, {wanted} asked for")
    empty = [i for i, o in enumerate(objectives) if not o.title.strip() or not o.key_results
             or any(not kr.text.strip() for kr in o.key_results)]
    if empty:
        return Score(value=False, reason=f"objective(s) {empty} lack a title or key results")
    krs = sum(len(o.key_results) for o in objectives)
    return Score(value=True, reason=f"{len(objectives)} objectives, {krs} key results")


def _findings(case: DraftCase, output: DraftOutput) -> list[tuple[str, str, Severity]]:
    findings = check(output.okr_set, policy=get_policy(case.profile), known_parents=output.known_parents)
    return [(f.rule, f.path, f.severity) for f in findings]


def no_errors(case: DraftCase, output: DraftOutput) -> Score:
    """Pass when the reviewer's rules (re-run here, same policy) find no error in the draft."""
    if (failed := _failed(output)) is not None:
        return failed
    errors = [(rule, path) for rule, path, severity in _findings(case, output) if severity is Severity.ERROR]
    if not errors:
        return Score(value=True, reason="no error findings")
    listed = "; ".join(f"{rule} at {path or 'set'}" for rule, path in errors[:6])
    return Score(value=False, reason=f"{len(errors)} error finding(s): {listed}")


def rule_pass_rate(case: DraftCase, output: DraftOutput) -> Score:
    """Share of objectives and key results with no warning or error finding on them."""
    if (zero := _zero(output)) is not None:
        return zero
    okr_set = output.okr_set
    paths = [f"objectives[{i}]" for i in range(len(okr_set.objectives))] + [p for p, _ in key_results(okr_set)]
    flagged = {path for _, path, severity in _findings(case, output) if severity is not Severity.INFO}
    clean = [p for p in paths if p not in flagged]
    if not paths:
        return Score(value=0.0, reason="nothing drafted")
    return Score(value=round(len(clean) / len(paths), 4), reason=f"{len(clean)} of {len(paths)} items clean")


def counts_ok(case: DraftCase, output: DraftOutput) -> Score:
    """Pass when the objective count and every objective's key-result count are within the case's policy."""
    if (failed := _failed(output)) is not None:
        return failed
    policy = get_policy(case.profile)
    objectives = output.okr_set.objectives
    problems = []
    if not policy.objectives.min <= len(objectives) <= policy.objectives.max:
        problems.append(f"{len(objectives)} objectives (policy {policy.objectives})")
    for i, objective in enumerate(objectives):
        n = len(objective.key_results)
        if not policy.key_results.min <= n <= policy.key_results.max:
            problems.append(f"objective {i + 1} has {n} key results (policy {policy.key_results})")
    if problems:
        return Score(value=False, reason="; ".join(problems))
    return Score(value=True, reason=f"within the {policy.name} policy")


# --- parents and alignment --------------------------------------------------------------------------------


def parents_valid(case: DraftCase, output: DraftOutput) -> Score:
    """Pass when every objective links to a parent id that exists in the knowledge base."""
    if (failed := _failed(output)) is not None:
        return failed
    index = parent_index(output.known_parents)
    missing = [i + 1 for i, o in enumerate(output.okr_set.objectives) if o.aligns_to is None]
    unknown = [o.aligns_to.id for o in output.okr_set.objectives if o.aligns_to and o.aligns_to.id not in index]
    if missing or unknown:
        parts = [f"objective(s) {missing} have no parent"] if missing else []
        parts += [f"unknown parent id(s) {_names(unknown)}"] if unknown else []
        return Score(value=False, reason="; ".join(parts))
    return Score(value=True, reason="every link resolves")


def linked_parents(output: DraftOutput) -> list[str]:
    """The parent objective ids the draft links to (a parent key result stands for its objective)."""
    index = parent_index(output.known_parents)
    linked = [index[o.aligns_to.id].id if o.aligns_to.id in index else o.aligns_to.id
              for o in output.okr_set.objectives if o.aligns_to is not None]
    return list(dict.fromkeys(linked))


def parent_match(case: DraftCase, output: DraftOutput) -> Score:
    """Overlap of the linked parent objectives with the expected ones (Jaccard; allowed parents are neutral)."""
    if (zero := _zero(output)) is not None:
        return zero
    expected, allowed = set(case.expected_parents), set(case.allowed_parents)
    got = set(linked_parents(output))
    union = expected | (got - allowed)
    value = len(expected & got) / len(union) if union else 0.0
    return Score(value=round(value, 4), reason=f"linked {_names(got)}; expected {_names(expected)}")


def alignment(case: DraftCase, output: DraftOutput) -> Score:
    """Mean meaning similarity of each objective (its title, and each KR) to the parent it links to."""
    if (zero := _zero(output)) is not None:
        return zero
    index = parent_index(output.known_parents)
    per_objective = []
    for objective in output.okr_set.objectives:
        parent = index.get(objective.aligns_to.id) if objective.aligns_to else None
        if parent is None or not objective.key_results:
            per_objective.append(0.0)
            continue
        target = parent_text(parent)
        embed_texts([target, objective.title, *(kr.text for kr in objective.key_results)])
        title = meaning_similarity(objective.title, target)
        krs = sum(meaning_similarity(kr.text, target) for kr in objective.key_results) / len(objective.key_results)
        per_objective.append((title + krs) / 2)
    if not per_objective:
        return Score(value=0.0, reason="no objectives")
    value = max(0.0, sum(per_objective) / len(per_objective))
    return Score(value=round(value, 4), reason="per objective: " + ", ".join(f"{v:.2f}" for v in per_objective))


def theme_coverage(case: DraftCase, output: DraftOutput) -> Score:
    """Share of the case's themes that some objective title or key result covers, by meaning or by its words."""
    if (zero := _zero(output)) is not None:
        return zero
    texts = [o.title for o in output.okr_set.objectives] + [kr.text for _, kr in key_results(output.okr_set)]
    if not texts:
        return Score(value=0.0, reason="nothing drafted")
    embed_texts([*case.themes, *texts])
    covered: list[str] = []
    missed: list[str] = []
    for theme in case.themes:
        words = content_words(theme)
        by_words = bool(words) and any(
            len(shared_words(words, content_words(text))) / len(words) >= THEME_WORDS for text in texts
        )
        by_meaning = max(meaning_similarity(theme, text) for text in texts) >= THEME_THRESHOLD
        (covered if by_words or by_meaning else missed).append(theme)
    value = len(covered) / len(case.themes)
    reason = f"covered {len(covered)}/{len(case.themes)}" + (f"; missed: {'; '.join(missed)}" if missed else "")
    return Score(value=round(value, 4), reason=reason)


# --- numbers ----------------------------------------------------------------------------------------------


def groundedness(case: DraftCase, output: DraftOutput) -> Score:
    """Share of the key results' numbers that are sourced, given, or honestly marked as proposed targets."""
    if (zero := _zero(output)) is not None:
        return zero
    audit = audit_numbers(case, output)
    if audit.total == 0:
        return Score(value=1.0, reason="no numbers to ground")
    bad = audit.invented_baselines + audit.unsupported
    reason = f"{audit.grounded} of {audit.total} numbers grounded" + (f"; not: {'; '.join(bad[:4])}" if bad else "")
    return Score(value=round(audit.grounded / audit.total, 4), reason=reason)


def no_invented_baselines(case: DraftCase, output: DraftOutput) -> Score:
    """Pass when no key result states a starting value that appears in no source, request or parent."""
    if (failed := _failed(output)) is not None:
        return failed
    invented = audit_numbers(case, output).invented_baselines
    if invented:
        return Score(value=False, reason=f"{len(invented)} invented baseline(s): {'; '.join(invented[:4])}")
    return Score(value=True, reason="every baseline is sourced, given or left to be established")


# --- citations and duplication ----------------------------------------------------------------------------


def citation_validity(case: DraftCase, output: DraftOutput) -> Score:
    """Share of citing key results whose cited chunks all exist and at least one supports the KR; 0 if none cites.

    Support: the passage (the excerpt the system cited, else the stored chunk) is close in meaning to the KR, or
    states one of its figures. Citations are judged per key result because a system may cite at the objective
    level (every KR of an objective then carries the objective's passages).
    """
    if (zero := _zero(output)) is not None:
        return zero
    excerpts = {c.chunk_id: c.text for c in output.result.citations}
    citing = [kr for _, kr in key_results(output.okr_set) if kr.sources]
    total = len(key_results(output.okr_set))
    if not citing:
        return Score(value=0.0, reason="the draft cites nothing")
    embed_texts([kr.text for kr in citing] + [excerpts.get(c) or output.chunks.get(c, "") for kr in citing
                                           for c in kr.sources])
    good = 0
    missing: list[str] = []
    unsupported: list[str] = []
    for kr in citing:
        absent = [c for c in kr.sources if c not in output.chunks]
        if absent:
            missing += absent
            continue
        if any(supports(kr.text, [excerpts.get(c, ""), output.chunks[c]]) for c in kr.sources):
            good += 1
        else:
            unsupported.append(kr.text)
    reason = f"{good} of {len(citing)} citing KRs ({total} KRs in all) rest on a passage that supports them"
    if missing:
        reason += f"; {len(missing)} cited chunk(s) the store does not hold"
    if unsupported:
        reason += f"; no cited passage supports: {'; '.join(unsupported[:3])}"
    return Score(value=round(good / len(citing), 4), reason=reason)


def duplication(case: DraftCase, output: DraftOutput) -> Score:
    """Share of objective pairs that say the same thing (lower is better; 0 for a single objective).

    A pair is a duplicate when the titles are near-identical in meaning, or a KR of one repeats a KR of the other.
    """
    if output.failure is not None:
        return Score(value=1.0, reason="no complete draft")
    objectives = output.okr_set.objectives
    pairs = list(combinations(range(len(objectives)), 2))
    if not pairs:
        return Score(value=0.0, reason="one objective")
    embed_texts([o.title for o in objectives] + [kr.text for _, kr in key_results(output.okr_set)])
    duplicates = []
    for a, b in pairs:
        first, second = objectives[a], objectives[b]
        titles = meaning_similarity(first.title, second.title)
        krs = max((meaning_similarity(x.text, y.text) for x in first.key_results for y in second.key_results),
                  default=0.0)
        if titles >= DUPLICATE_THRESHOLD or krs >= DUPLICATE_THRESHOLD:
            duplicates.append(f"{a + 1}~{b + 1} (titles {titles:.2f}, closest KRs {krs:.2f})")
    value = len(duplicates) / len(pairs)
    return Score(value=round(value, 4), reason="duplicates: " + ", ".join(duplicates) if duplicates else "no duplicates")


SCORERS = {
    "valid": valid,
    "no_errors": no_errors,
    "rule_pass_rate": rule_pass_rate,
    "counts_ok": counts_ok,
    "parents_valid": parents_valid,
    "parent_match": parent_match,
    "alignment": alignment,
    "theme_coverage": theme_coverage,
    "groundedness": groundedness,
    "no_invented_baselines": no_invented_baselines,
    "citation_validity": citation_validity,
    "duplication": duplication,
}
GATE = ("valid", "no_errors", "counts_ok", "parents_valid", "no_invented_baselines")
LOWER_IS_BETTER = frozenset({"duplication"})
