"""What a draft rests on: the parents it serves and the strategy passages retrieved for each.

Passages are shown to the model under short labels (``S1``, ``S2``...) instead of content-hash chunk ids:
labels cost a few tokens, a small model copies them reliably, and anything else it writes is recognisably
invented and dropped. Each passage is an excerpt: the sentences of the chunk closest to the query, within a
character budget, so a prompt stays small enough for a 1.5B model with a 4096-token context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.errors import ConfigError, UnknownParent
from assistant.okr import DraftRequest, Objective, Parent, ParentKeyResult
from assistant.retrieval.models import Hit, KnowledgeStore


@dataclass(frozen=True)
class Budget:
    """How much retrieved text goes into one objective's prompt."""

    passages_per_parent: int = 3
    search_k: int = 6
    chars_per_passage: int = 360
    chars_per_prompt: int = 900
    min_score: float = 0.05
    # a passage scoring under this share of the parent's best match is about something else: in the draft eval's
    # stores the passage a parent rests on scores 0.6 to 0.85 and unrelated ones (revenue for a reliability
    # parent, staffing for a diabetes one) 0.3 to 0.6, and a small model drafted from those too. Keeping the
    # ones that name every word of a focus area as well was measured and not kept (evals/README.md)
    relative_score: float = 0.75


@dataclass(frozen=True)
class Passage:
    label: str
    chunk_id: str
    document: str
    heading: str
    text: str  # the excerpt shown to the model; provenance and citations use exactly this text
    score: float


@dataclass(frozen=True)
class Target:
    """A parent to draft for; ``key_result`` is set when the user named one of its key results."""

    parent: Parent
    key_result: str | None = None


@dataclass
class ParentContext:
    parent: Parent
    passages: list[Passage] = field(default_factory=list)
    key_result: str | None = None  # a named parent key result: the objective takes it on (explicit)

    @property
    def allowed_ids(self) -> list[str]:
        return [self.parent.id, *(kr.id for kr in self.parent.key_results)]


@dataclass
class PassageBook:
    """Every passage of one draft, by label; the same chunk always gets the same label."""

    by_label: dict[str, Passage] = field(default_factory=dict)
    _by_chunk: dict[str, str] = field(default_factory=dict)

    def add(self, hit: Hit, excerpt: str) -> Passage:
        if hit.chunk_id in self._by_chunk:
            return self.by_label[self._by_chunk[hit.chunk_id]]
        label = f"S{len(self.by_label) + 1}"
        passage = Passage(label, hit.chunk_id, hit.document, hit.heading, excerpt, hit.score)
        self.by_label[label] = passage
        self._by_chunk[hit.chunk_id] = label
        return passage


def select_parents(request: DraftRequest, store: KnowledgeStore, *, count: int) -> list[Target]:
    """The parents named in the request, else the ``count`` stored parents closest to the mission and focus.

    A named key-result id stands for its objective, with that key result as the explicit alignment.

    Raises:
        UnknownParent: a named parent id is not in the knowledge base.
        ConfigError: no parent was named and none is stored.
    """
    if request.parents:
        known = store.parent_ids()
        missing = [pid for pid in request.parents if pid not in known]
        if missing:
            raise UnknownParent(
                f"Unknown parent id{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
                "List the imported ones with `okr parents list`, or import them with `okr parents import FILE`."
            )
        return _resolve(store, list(dict.fromkeys(request.parents)))
    query = " ".join([request.mission, *request.focus])
    matches = store.suggest_parents(query, k=max(count, 1))
    if not matches:
        raise ConfigError(
            "No parent objectives in the knowledge base, so the draft has nothing to align to: import the "
            "company or department OKRs with `okr parents import FILE`, or name parents with --parent ID."
        )
    return _resolve(store, [m.id for m in matches[:count]])


def _resolve(store: KnowledgeStore, ids: list[str]) -> list[Target]:
    """Targets by id, one per parent objective; a key-result id resolves to the objective holding it."""
    targets: list[Target] = []
    for pid in ids:
        parent = store.get_parent(pid)
        if any(t.parent.id == parent.id for t in targets):
            continue
        targets.append(Target(parent, None if pid == parent.id else pid))
    return targets


def parent_query(parent: Parent, request: DraftRequest) -> str:
    parts = [parent.title, *(kr.text for kr in parent.key_results), request.mission, *request.focus]
    return " ".join(parts)


def retrieve_passages(
    targets: Sequence[Target], request: DraftRequest, store: KnowledgeStore, book: PassageBook, *,
    budget: Budget = Budget(),
) -> list[ParentContext]:
    """Search the strategy for each parent; excerpt, dedupe and cap the passages per prompt."""
    contexts: list[ParentContext] = []
    used: set[str] = set()
    searched = [(t, store.search(parent_query(t.parent, request), k=budget.search_k)) for t in targets]
    # only passages the store can hand back by id are shown, so every citation the model makes resolves
    every = list(dict.fromkeys(h.chunk_id for _, hits in searched for h in hits))
    resolvable = {h.chunk_id for h in store.get_chunks(every)} if every else set()
    for target, found in searched:
        parent = target.parent
        query = parent_query(parent, request)
        hits = [h for h in found if h.score >= budget.min_score and h.chunk_id in resolvable]
        if hits:
            floor = max(h.score for h in hits) * budget.relative_score
            hits = [h for h in hits if h.score >= floor]
        # prefer chunks no earlier parent took, so objectives rest on different evidence; reuse if needed
        fresh = [h for h in hits if h.chunk_id not in used] or hits
        ordered = list({h.chunk_id: h for h in [*fresh, *hits]}.values())
        context = ParentContext(parent, key_result=target.key_result)
        total = 0
        for hit in ordered:
            if len(context.passages) >= budget.passages_per_parent:
                break
            room = min(budget.chars_per_passage, budget.chars_per_prompt - total)
            if room < 80:
                break
            excerpt = excerpt_for(hit.text, query, limit=room)
            if not excerpt:
                continue
            context.passages.append(book.add(hit, excerpt))
            total += len(excerpt)
            used.add(hit.chunk_id)
        contexts.append(context)
    return contexts


def focus_plan(request: DraftRequest, contexts: Sequence[ParentContext], count: int,
               measured: Sequence[str] = ()) -> list[str | None]:
    """The focus area(s) each objective takes on, or None once every area has one.

    Spreading the areas over the objectives (each to the parent whose words and passages it shares most) keeps
    a small model from writing the mission again for every parent; once all are taken the model chooses. With
    more areas than objectives, the last objective takes the remaining areas as well.
    """
    unused = list(dict.fromkeys(request.focus))
    plan: list[str | None] = []
    for index in range(count):
        if not unused or not contexts:
            plan.append(None)
            continue
        context = contexts[index % len(contexts)]
        about = _words(" ".join([context.parent.title, *(kr.text for kr in context.parent.key_results),
                                 *(p.text for p in context.passages)]))
        best = max(unused, key=lambda focus: len(_words(focus) & about))  # the first on a tie: the user's order
        unused.remove(best)
        plan.append(best)
    if unused and plan:  # more areas than objectives: the last objective takes the rest too
        plan[-1] = "; ".join([p for p in plan[-1:] if p] + unused)
    # once every area has an objective, an objective takes what one of its parent's key results measures, if no
    # earlier objective's focus, nor a key result already drafted (``measured``), is about it: without a focus, a
    # small model writes its earlier objective again; given a metric a drafted key result measures, it writes
    # that key result again
    for index, focus in enumerate(plan):
        if focus is not None or not contexts:
            continue
        parent = contexts[index % len(contexts)].parent
        plan[index] = unmeasured_metric(parent, [*(p for p in plan if p), *measured])
    return plan


def about_taken(metric: str, taken: set[str], context: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether at least half of ``metric``'s words, leaving out the ``context`` words (the parent title's:
    "European" under a European parent), are in ``taken``: "qualified European pipeline" is not about
    "European trial-to-paid conversion", "trial conversion" is."""
    words = _words(metric) - context
    return not words or 2 * len(words & taken) >= len(words)


def measured_metrics(objectives: Sequence[Objective]) -> list[str]:
    """What the key results of ``objectives`` measure, in order, each once."""
    return list(dict.fromkeys(kr.metric for o in objectives for kr in o.key_results if kr.metric))


def unmeasured_metric(parent: Parent, measured: Sequence[str]) -> str | None:
    """What one of ``parent``'s key results measures that nothing in ``measured`` (metrics, focus areas) is
    about, if any: what an objective without a focus area, or a key result repeating another, could measure."""
    taken, common = _words(" ".join(measured)), _words(parent.title)
    return next((m for _, m in key_result_metrics(parent) if m and not about_taken(m, taken, common)), None)


_VERBS = {"decrease": "Reduce", "increase": "Raise"}


def metric_verb(parent: Parent, metric: str) -> str | None:
    """The verb that moves ``metric`` the way the parent's key result on it does ("Reduce" for churn that goes
    from 8.7% to 7.5%), or None when no key result of the parent measures it or its direction is unclear."""
    from assistant.krparse import parse_kr_text

    for kr in parent.key_results:
        facts = parse_kr_text(kr.text)
        if facts.metric == metric and facts.direction is not None:
            return _VERBS.get(facts.direction.value)
    return None


def key_result_metrics(parent: Parent) -> list[tuple[ParentKeyResult, str | None]]:
    """Each of the parent's key results, in order, with what it measures ("European ARR"); None when its text
    names no metric the KR reader can find."""
    from assistant.krparse import parse_kr_text

    return [(kr, parse_kr_text(kr.text).metric) for kr in parent.key_results]


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n(?=\s*(?:[-*•]|\d+[.)])\s)|\n\s*\n")
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
_STOP = frozenset(
    {
        "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "by", "from", "at", "as", "is",
        "are", "be", "our", "we", "it", "its", "this", "that", "their", "will", "than", "into", "over", "per",
        "more", "most", "less", "have", "has", "was", "were", "not", "can", "all", "each", "team", "teams",
    }
)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def excerpt_for(text: str, query: str, *, limit: int) -> str:
    """The sentences of ``text`` most relevant to ``query``, in their original order, within ``limit`` chars.

    Sentences holding a number get a bonus: those are what key results are built from.
    """
    if len(" ".join(text.split())) <= limit:
        return " ".join(text.split())
    # documents are often hard-wrapped: a single line break is not a sentence end, a list item is
    sentences = [" ".join(s.split()) for s in _SENTENCE.split(text) if s.strip()]
    wanted = _words(query)
    ranked = sorted(
        range(len(sentences)),
        key=lambda i: -(len(_words(sentences[i]) & wanted) + (2 if re.search(r"\d", sentences[i]) else 0)),
    )
    chosen: list[int] = []
    size = 0
    for index in ranked:
        sentence = sentences[index]
        if size + len(sentence) + 1 > limit:
            continue
        chosen.append(index)
        size += len(sentence) + 1
    if not chosen:  # one very long sentence: cut it at a word boundary
        return sentences[ranked[0]][:limit].rsplit(" ", 1)[0] + " ..."
    return " ".join(sentences[i] for i in sorted(chosen))
