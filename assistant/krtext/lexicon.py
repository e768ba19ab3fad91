"""Word lists of the KR parser: verb classes, comparators, role markers and metric polarity.

Entries are lower-case base forms; inflected forms ("reduces", "reduced", "reducing") are generated at import.
"""

from __future__ import annotations

from typing import Final


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``."""
    return frozenset(text.split())


# Verb classes
INC: Final = "increase"
DEC: Final = "decrease"
KEEP: Final = "maintain"
DONE: Final = "achieve"
REACH: Final = "reach"  # reach/hit/achieve a number: increase unless the numbers or a comparator say otherwise
MOVE: Final = "move"  # improve/optimise: the direction comes from the numbers or from the metric
ACT: Final = "act"  # other leading verbs: they end the metric phrase but decide nothing

_GROUPS: Final = {
    INC: """increase grow raise boost expand lift double triple quadruple generate win acquire add gain
            attract drive scale earn book secure land sign close convert onboard activate exceed surpass
            outperform maximize maximise multiply widen broaden enlarge accelerate sell collect deepen""",
    DEC: """reduce decrease cut lower drop shrink shorten minimize minimise eliminate halve slash trim lessen
            compress curb eradicate decline prevent""",
    KEEP: """maintain keep sustain stay remain preserve retain protect defend""",
    DONE: """launch ship complete release deliver finish implement migrate deploy publish build create
             introduce establish adopt integrate certify pass obtain hire recruit host write attend organize
             organise train design define document develop open enter sunset decommission deprecate retire
             finalize finalise conduct perform execute submit roll set run hold""",
    REACH: """reach hit achieve attain meet get score""",
    MOVE: """improve optimize optimise enhance change move shift bring better upgrade speed stabilize
             stabilise tighten tune""",
    ACT: """resolve respond answer handle process automate serve enable ensure make provide help engage save
            recover capture""",
}
_IRREGULAR: Final = {
    "grew": "grow", "grown": "grow", "won": "win", "kept": "keep", "held": "hold", "built": "build",
    "wrote": "write", "written": "write", "ran": "run", "got": "get", "gotten": "get", "brought": "bring",
    "sold": "sell", "made": "make", "met": "meet",
}
_DOUBLE_FINAL: Final = words("ship cut drop win plan hit get set run slash trim stop admit submit commit")
# Two-word verbs: the verb with its particle, and the class of the pair.
PHRASAL: Final = {
    ("bring", "down"): DEC, ("cut", "down"): DEC, ("drive", "down"): DEC, ("push", "down"): DEC,
    ("get", "down"): DEC, ("keep", "down"): KEEP, ("bring", "up"): INC, ("scale", "up"): INC,
    ("ramp", "up"): INC, ("step", "up"): INC, ("push", "up"): INC, ("drive", "up"): INC,
    ("speed", "up"): MOVE, ("get", "to"): REACH, ("roll", "out"): DONE, ("go", "live"): DONE,
    ("set", "up"): DONE, ("kick", "off"): DONE, ("sign", "up"): INC, ("hold", "steady"): KEEP,
}
# Verbs whose particle may follow the object: "Bring DSO down to 35 days".
SPLIT_PHRASAL: Final = frozenset(base for base, particle in PHRASAL if particle in ("down", "up"))
_HOLD_KEEPS: Final = words("at above below steady under over flat constant on")


def _forms(base: str) -> set[str]:
    forms = {base, base + "s"}
    if base.endswith("e"):
        forms |= {base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {base + "es", base + "ed", base + "ing"}
    elif base in _DOUBLE_FINAL:
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    else:
        forms |= {base + "ed", base + "ing"}
    return forms


def _build() -> tuple[dict[str, str], dict[str, str]]:
    classes: dict[str, str] = {}
    bases: dict[str, str] = {}
    for cls, group in _GROUPS.items():
        for base in group.split():
            classes.setdefault(base, cls)
            bases.setdefault(base, base)
            for form in _forms(base):
                classes.setdefault(form, cls)
                bases.setdefault(form, base)
    for form, base in _IRREGULAR.items():
        classes.setdefault(form, classes[base])
        bases[form] = base
    return classes, bases


_BUILT: Final = _build()
VERB_CLASS: Final = _BUILT[0]
_BASES: Final = _BUILT[1]


def base_of(word: str) -> str:
    """The base form of a known verb form ("reduced" -> "reduce"); other words unchanged."""
    return _BASES.get(word, word)


def verb_class(word: str, following: str | None) -> str | None:
    """The class of ``word`` read as a leading verb, given the next word; None for a word we do not know."""
    if following is not None:
        phrasal = PHRASAL.get((base_of(word), following))
        if phrasal is not None:
            return phrasal
    cls = VERB_CLASS.get(word)
    if cls is not None and following in _HOLD_KEEPS and base_of(word) == "hold":
        return KEEP  # "hold churn at 3%", but "hold 4 workshops"
    return cls


# Gerunds that start noun phrases ("Onboarding time") rather than commands.
NOUN_GERUNDS: Final = words(
    "onboarding closing landing booking signing shipping hiring training building processing recruiting"
)
# Nouns that make a verb before them part of a noun phrase: "Release frequency", "Build time".
METRIC_HEADS: Final = words(
    """frequency rate time times cadence coverage velocity volume success quality cycle throughput count score
    accuracy duration speed reliability pipeline"""
)
# Words a key result may start with before its verb ("We will increase", "Successfully launch").
LEAD_FILLER: Final = words(
    """we will to our the team teams shall must should successfully fully measurably significantly
    consistently continuously continue further also and then i my"""
)

# Comparators written before the number they apply to.
COMPARATORS: dict[tuple[str, ...], str] = {
    tuple(phrase.split()): sym
    for sym, phrases in {
        ">=": """at least|no less than|not less than|no lower than|no fewer than|not below|a minimum of
                 |minimum of|minimum|min|at or above|>=|≥|=>|upwards of""",
        ">": """above|over|more than|greater than|higher than|exceeding|exceed|exceeds|in excess of|beyond|>
                |better than|north of""",
        "<=": """at most|no more than|not more than|no higher than|no greater than|not above|not exceeding
                 |a maximum of|maximum of|maximum|max|at or below|within|up to|<=|≤|=<|capped at""",
        "<": "below|under|less than|fewer than|lower than|beneath|<|shorter than|faster than|south of",
        "=": "=|==|exactly|equal to",
    }.items()
    for phrase in phrases.split("|")
}
# Comparators written after the number: "500 or more", "2 or fewer".
SUFFIX_COMPARATORS: dict[tuple[str, str], str] = {
    **{("or", w): ">=" for w in words("more higher above better greater")},
    **{("or", w): "<=" for w in words("less fewer lower below under")},
    ("and", "above"): ">=", ("and", "up"): ">=", ("and", "below"): "<=",
}

# A number after these words is a baseline: "currently 31", "up from 28%", "(baseline: 4.1)".
BASELINE_BEFORE: Final = words("from currently current baseline today vs vs. versus was now starting existing")
# ... or before these: "31 today", "28% currently".
BASELINE_AFTER: Final = words("today currently baseline now presently")
# A number after these is a change, not a level: "by 40%", "up 20%", "down 15%".
CHANGE_BEFORE: Final = words("by up down")
# ... or before these: "a 20% reduction", "30% growth", "2x more", "15% YoY".
CHANGE_AFTER: Final = words(
    """increase increases growth uplift improvement improvements reduction reductions decrease decline drop
    cut gain gains more fewer less higher lower faster boost jump rise yoy qoq mom wow year-over-year
    year-on-year quarter-over-quarter month-over-month"""
)
CHANGE_AFTER_DIRECTION: Final = dict.fromkeys(
    words("reduction reductions decrease decline drop cut fewer less lower faster"), DEC
)

# Multipliers written as words: "double", "halve", "cut in half".
RELATIVE_WORDS: Final = {
    "double": 2.0, "doubling": 2.0, "doubled": 2.0, "doubles": 2.0, "triple": 3.0, "tripling": 3.0,
    "tripled": 3.0, "quadruple": 4.0, "quadrupling": 4.0, "halve": 0.5, "halving": 0.5, "halved": 0.5,
    "halves": 0.5, "twofold": 2.0, "two-fold": 2.0, "threefold": 3.0, "three-fold": 3.0, "tenfold": 10.0,
}

# Metrics where lower is better: a neutral verb ("improve", "optimise") then means decrease.
LOWER_IS_BETTER: Final = words(
    """latency latencies time times duration churn cost costs spend spending expense expenses error errors
    defect defects bug bugs incident incidents outage outages downtime attrition turnover cac mttr mttd
    lead-time delay delays wait waiting complaint complaints escalation escalations refund refunds return
    returns failure failures crash crashes bounce abandonment vulnerabilities vulnerability debt dso burn
    backlog overdue rejections no-shows absenteeism emissions waste risk risks p95 p99 tickets ticket variance
    shrinkage fraud chargebacks"""
)

# Words trimmed from the edges of a metric phrase.
EDGE_WORDS: Final = words(
    """the a an our their its my your this that these those all of in for to at by on with from and or per as
    into than is are be been being will current overall up down it them things stuff better worse faster
    easier more within"""
)
# Phrases that name a count rather than the thing counted: "the number of P1 incidents" -> "P1 incidents".
COUNT_HEADS: Final = (("number", "of"), ("amount", "of"), ("count", "of"), ("total", "number", "of"), ("#", "of"))
# Words that end a metric phrase.
METRIC_STOPS: Final = words(
    """from while whilst without across among via through during before after until when so that which because
    including excluding vs versus compared whereas ensuring between"""
)
# Noun pairs joined by "and" that name one thing.
NOUN_PAIRS: Final = frozenset(
    {("sales", "marketing"), ("research", "development"), ("trust", "safety"), ("health", "safety"),
     ("diversity", "inclusion"), ("learning", "development"), ("mergers", "acquisitions"), ("profit", "loss"),
     ("terms", "conditions"), ("product", "engineering"), ("design", "engineering"),
     ("security", "compliance"),
     ("operations", "maintenance"), ("pick", "pack"), ("search", "rescue"), ("questions", "answers"),
     ("sales", "support"), ("customer", "success"), ("build", "test"), ("training", "development"),
     ("recruiting", "onboarding"), ("equity", "inclusion"), ("environmental", "social")}
)
