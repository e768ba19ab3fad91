"""Word knowledge the rules share: verb classes, noun classes, vague words and the tokeniser.

Word lists alone decide nothing: ``language.py`` combines them with the position of each word (the lead verb,
its direct object, the noun a number counts) and with the numbers the KR parser found. Keep entries lower-case
and in their base form; inflected forms are generated once at import.
"""

from __future__ import annotations

import re
from typing import Final

from assistant.krtext.patterns import LazyPattern


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``, as a set."""
    return frozenset(text.split())

# Verbs that describe work the team does: tasks and outputs. Followed only by a count of their own output
# ("publish 12 posts", "hire 2 engineers") they make an activity, not an outcome.
ACTIVITY_VERBS: Final = words("""
    launch ship release publish write hold host run attend hire recruit create build develop design implement
    deploy roll set organize organise conduct complete finish deliver introduce migrate document draft prepare
    send post produce record film present give speak interview train schedule plan research audit review
    update refactor rewrite redesign define finalize finalise start begin kick install configure integrate add
    translate visit call email contact meet participate join submit apply map identify evaluate assess analyze
    analyse investigate explore pilot prototype establish make automate upgrade replace open onboard roll-out
    setup rollout test perform execute sponsor distribute invite brainstorm outline formalize formalise digitise digitize
    survey pitch demo
    """)

# Verbs whose object is a result someone else produces or a number that moves.
OUTCOME_VERBS: Final = words("""
    increase grow raise lift boost reduce decrease cut lower drop shrink achieve reach attain hit exceed surpass
    maintain keep sustain generate acquire win gain earn attract convert retain sign close book sell save
    improve double triple quadruple halve eliminate prevent shorten speed accelerate expand deepen drive
    minimize minimise maximize maximise secure obtain get pass land capture recover collect decline limit
    stay remain protect preserve
    """)

# Verbs whose people-object is the target of the team's effort, not a result: "Interview 30 customers".
EFFORT_VERBS: Final = words("survey interview call email contact visit meet train invite demo pitch")

# Verbs that move a quantity: "Increase the number of blog posts" still counts output.
QUANTITY_VERBS: Final = words("increase grow raise lift boost reduce decrease cut lower drop shrink double triple halve achieve reach hit "
    "maintain keep expand")

INCREASE_VERBS: Final = words("increase grow raise lift boost expand double triple quadruple gain maximize maximise")
DECREASE_VERBS: Final = words("reduce decrease cut lower drop shrink halve minimize minimise eliminate shorten")

# Verbs of sign-off: "... approved by legal" is a milestone.
SIGN_OFF_VERBS: Final = words("approve accept certify ratify adopt endorse")

# Verbs that complete a deliverable: without a number the KR is done / not done.
MILESTONE_VERBS: Final = ACTIVITY_VERBS | SIGN_OFF_VERBS | words("sign obtain pass get secure land")

# Nouns that name work products or effort: counting them measures output, not outcome.
OUTPUT_NOUNS: Final = words("""
    post posts blog blogs article articles video videos webinar webinars event events workshop workshops meetup
    meetups conference conferences meeting meetings call calls email emails training trainings session sessions
    feature features release releases page pages doc docs document documents documentation campaign campaigns
    hire hires interview interviews report reports presentation presentations talk talks pull commit commits
    experiment experiments test tests prototype prototypes story stories newsletter newsletters episode episodes
    podcast podcasts whitepaper whitepapers ebook ebooks guide guides tutorial tutorials course courses module
    modules playbook playbooks dashboard dashboards headcount outreach touchpoint touchpoints survey surveys
    ticket-reviews audit audits sprint sprints story-points initiative initiatives project projects task tasks
    milestone milestones deliverable deliverables hackathon hackathons offsite offsites slide slides case studies
    """)

# Learning events a team provides. People attending or completing one is the team's output ("80% of managers attend
# the coaching workshop"); the outcome is what the training should change in their work.
TRAINING_NOUNS: Final = words("""
    training trainings workshop workshops course courses webinar webinars class classes seminar seminars bootcamp
    bootcamps induction inductions e-learning elearning masterclass masterclasses curriculum
    """)
ATTEND_WORDS: Final = words("""
    attend attends attended attending complete completes completed completing finish finishes finished finishing
    take takes took taken taking join joins joined joining undergo undergoes underwent undergone
    """)

# "Sessions" after one of these words are visits to a site or an app (an outcome), not events the team runs.
SESSION_NOUNS: Final = words("session sessions")
USAGE_WORDS: Final = words("organic web website site app mobile user unique engaged paid direct referral signed-in "
                           "logged-in search")

# Nouns that name a result: users, money, quality, speed. A number attached to one is an outcome measure.
OUTCOME_NOUNS: Final = words("""
    user users customer customers client clients account accounts signup signups sign-ups subscriber subscribers
    lead leads mql mqls sql sqls opportunity opportunities pipeline deal deals booking bookings revenue arr mrr
    sales profit margin margins cost costs saving savings spend churn retention conversion conversions rate nps
    csat ces rating ratings score scores star stars review-score download downloads install installs active
    mau dau wau visit visits visitor visitors traffic view views reader readers readership follower followers
    click clicks ctr open-rate member members contributor contributors volunteer volunteers attendee attendees
    registrant registrants registration registrations participant participants adoption usage engagement
    uptime availability latency p95 p99 error errors incident incidents outage outages defect defects bug bugs
    complaint complaints ticket tickets backlog satisfaction renewal renewals expansion upsell nrr grr ltv cac
    aov gmv roi payback partner partners partnership partnerships reseller resellers seat seats team teams
    transaction transactions order orders purchase purchases trial trials activation activations referral
    referrals citation citations mention mentions share shares time throughput velocity frequency lead-time
    mttr mttd coverage accuracy yield utilization utilisation occupancy headroom response responses resolution
    resolutions escalation escalations pass-rate completion completions enrollment enrolment enrollments
    donor donors donation donations funding grant grants applicant applicants resident residents citizen
    citizens student students patient patients household households developer developers installs star-count
    fork forks
    """)

# Nouns that are measures in themselves: "Increase conversion", "Reduce churn" name a metric a number could grade.
MEASURE_NOUNS: Final = words("""
    rate ratio score nps csat ces revenue arr mrr churn retention conversion latency uptime availability
    cost costs margin share percentage number count traffic pipeline bookings sales profit spend throughput
    velocity frequency coverage accuracy adoption engagement usage ctr aov gmv ltv cac nrr grr roi mttr mttd
    backlog mau dau wau satisfaction-score
    """)
# Countable nouns that become a metric when a quantity verb moves them: "Get more customers", not "Delight
# our customers".
COUNT_NOUNS: Final = words("""
    signups sign-ups users customers leads subscribers downloads installs visitors views incidents defects bugs
    errors tickets members contributors attendees registrations renewals time
    """)
# typed out: the compiled build reads this package as one import cycle, where an inferred type can be asked for
# before it is known
METRIC_NOUNS: Final[frozenset[str]] = MEASURE_NOUNS | COUNT_NOUNS

# Words that promise change without saying how much (only a problem when no number follows).
VAGUE_WORDS: Final = words("""
    improve better optimise optimize enhance more maximise maximize minimise minimize boost strengthen
    streamline significantly substantially greatly considerably world-class best-in-class robust seamless
    effective effectively efficient efficiently good great high-quality higher faster fewer less greater
    stronger smoother easier simpler various several many lots foster promote best excellent excellence
    amazing outstanding exceptional awesome top-notch
    """)
VAGUE_PHRASES: Final = (
    "as much as possible",
    "as many as possible",
    "as soon as possible",
    "where possible",
    "if possible",
    "a lot",
    "work on",
    "focus on",
)

# Business as usual, for objectives.
BAU_LEAD_VERBS: Final = words("maintain continue keep sustain preserve uphold")
BAU_PHRASES: Final = ("business as usual", "as usual", "as always", "keep doing", "keep the lights on", "ktlo", "status quo",
                      "carry on")

# Objects that, after achieve/obtain/get/pass, make a milestone: done or not done.
MILESTONE_NOUNS: Final = words("""
    certification certified compliance compliant accreditation approval sign-off signoff audit launch ga go-live
    contract agreement license licence funding round permit clearance attestation
    """)
STATE_PHRASES: Final = (
    "is live", "are live", "goes live", "go live", "go-live", "in place", "in production", "is done", "is complete",
    "are complete", "completed", "signed off", "is available", "are available",
)

# Words skipped when looking for the lead verb.
LEAD_FILLER: Final = words("""
    we i our the team will to shall should must successfully fully completely finally also then and actually
    please let us let's help aim try consistently continuously further
    """)

# A number directly after one of these is part of a name (SOC 2, ISO 27001, Phase 2), not a quantity.
NAME_PREFIXES: Final = words("""
    soc iso pci dss wcag series phase stage tier level version release gen generation web http python java ios
    android windows ipv sev step mark mk rfc cve covid gpt llama wave cohort batch sprint chapter part track
    pillar priority objective kr o round grade class type cat category room building floor region segment zone
    area team squad line site plant district ward unit group lane gate office store day
    """)

POPULATION_NOUNS: Final = words("""
    engineers employees staff managers people teams users customers developers members students agents reps
    hires leaders workers contractors volunteers partners clients accounts squads departments offices stores
    sites services repos repositories apps applications products vendors suppliers schools patients residents
    """)

STOPWORDS: Final = words("""
    a an the of for to in on at by with and or our we us their its is are be as from into this that these those
    all across per via through so while
    """)

_IRREGULAR: Final = {
    "wrote": "write", "written": "write", "held": "hold", "built": "build", "ran": "run", "made": "make",
    "sent": "send", "won": "win", "grew": "grow", "grown": "grow", "kept": "keep", "sold": "sell",
    "began": "begin", "begun": "begin", "gave": "give", "given": "give", "spoke": "speak", "spoken": "speak",
    "got": "get", "gotten": "get", "met": "meet", "drove": "drive", "driven": "drive", "rewrote": "rewrite",
    "rewritten": "rewrite", "set": "set", "cut": "cut", "hit": "hit", "put": "put", "ran-out": "run",
}


def _forms(base: str) -> set[str]:
    forms = {base, base + "s", base + "ed", base + "ing"}
    if base.endswith("e"):
        forms |= {base + "d", base[:-1] + "ing"}
    if base.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(base + "es")
    if base.endswith("y") and len(base) > 2 and base[-2] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    if len(base) >= 3 and base[-1] in "bdgmnprt" and base[-2] in "aeiou" and base[-3] not in "aeiou":
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}  # plan -> planned, ship -> shipping
    return forms


def _verb_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for base in ACTIVITY_VERBS | OUTCOME_VERBS | SIGN_OFF_VERBS:
        for form in _forms(base):
            table.setdefault(form, base)
    for form, base in _IRREGULAR.items():
        table[form] = base
    for base in ACTIVITY_VERBS | OUTCOME_VERBS | SIGN_OFF_VERBS:
        table[base] = base  # a base form always maps to itself, whatever another verb generated
    return table


VERB_FORMS: dict[str, str] = _verb_table()

TOKEN_RE: Final = re.compile(r"[a-z][a-z0-9'&]*(?:-[a-z0-9]+)*|\d[\d,.]*")
LABEL_RE: Final = LazyPattern(
    r"^\s*(?:[-*•+]\s*)?(?:(?:kr|key\s+result|o|objective)\s*#?\d+(?:\.\d+)*\s*[:.)\-–—]\s*|\d+(?:\.\d+)*[.)]\s+)",
    re.IGNORECASE,
)


def tokens(text: str) -> list[str]:
    """Lower-case word and number tokens of ``text``."""
    return TOKEN_RE.findall(text.lower())


def strip_label(text: str) -> str:
    """``text`` without a leading list marker or label such as ``KR1:`` or ``2.``."""
    text = text.strip()
    if text[:1].lower() not in _LABEL_STARTS:
        return text  # most key results: no need to run the pattern
    return LABEL_RE.sub("", text, count=1).strip()


_LABEL_STARTS: Final = frozenset("-*•+0123456789kko")


def verb_base(word: str) -> str | None:
    """The base form of ``word`` when it is a verb the rules know."""
    return VERB_FORMS.get(word)


def singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# Owners that name a group, not a person ("EU sales team", "Sales and Marketing").
GROUP_WORDS: Final = words("team teams squad squads department dept group guild chapter org organisation organization "
                           "committee function everyone all we us tribe crew")
