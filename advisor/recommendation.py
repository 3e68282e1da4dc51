"""The consultant's method as code: qualification answers -> format, phase, reasons.

Pure Python: no Rasa import. Source of every rule: the seed text
"Social Network Strategie: Einstieg per Workshop oder Seminar?" and the
"3 Phasen Modell" (Informations-, Strategie-, operative Phase).

Everything tunable lives at the top of this module:

* ``DECISION_MARGIN`` and ``MIN_KNOWN_CRITERIA`` (the decision thresholds),
* ``RULES`` - one row per seed criterion and side, with its ``weight``,
* ``PHASE_RULES`` - the phase table (first matching row wins).

``docs/recommendation-rules.md`` documents the same tables for the consultant;
a test keeps the two in step.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, make_dataclass
from typing import Any

from advisor import criteria as criteria_table
from advisor.criteria import CRITERIA, Kind

__all__ = [
    "DECISION_MARGIN",
    "EARLY_STARTER_ADVICE",
    "MIN_KNOWN_CRITERIA",
    "OPEN_QUESTIONS",
    "PHASE_RULES",
    "PREREQUISITE_RULE_KEY",
    "PREREQUISITE_TEXT",
    "RULES",
    "SCORING_CRITERIA",
    "Criteria",
    "PhaseRule",
    "Reason",
    "Recommendation",
    "Rule",
    "recommend",
]

# Formats, sides and phases (slot values, see docs/interfaces.md).
SEMINAR = "seminar"
WORKSHOP = "workshop"
UNDECIDED = "undecided"
PREREQUISITE = "prerequisite"
INFORMATION = "information"
STRATEGY = "strategy"
OPERATIONS = "operations"
FORMATS = (SEMINAR, WORKSHOP, UNDECIDED)
PHASES = (INFORMATION, STRATEGY, OPERATIONS)

# ---------------------------------------------------------------------------
# Thresholds (the only numbers of the decision besides the weights in RULES)
# ---------------------------------------------------------------------------

DECISION_MARGIN = 2
"""A side wins when its points exceed the other side's by at least this much."""

MIN_KNOWN_CRITERIA = 3
"""Below this many answered criteria (of SCORING_CRITERIA) the result is undecided."""


class _CriteriaBase:
    """Behaviour of the generated ``Criteria`` record (its fields come from the criteria table)."""

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any] | None) -> Criteria:
        """Build from Rasa slot values (tolerant: bad values become ``None``)."""
        if not isinstance(slots, Mapping):
            return cls()
        raw = {f.name: slots.get(f.name) for f in fields(cls)}
        return _sanitize(cls(**raw))

    def known(self) -> tuple[str, ...]:
        """Names of the scoring criteria that have an answer."""
        return tuple(name for name in SCORING_CRITERIA if getattr(self, name) is not None)


_FIELD_TYPES = {Kind.COUNT: "float | None", Kind.BOOL: "bool | None", Kind.CHOICE: "str | None"}

Criteria = make_dataclass(
    "Criteria",
    [(c.name, _FIELD_TYPES[c.kind], field(default=None)) for c in CRITERIA],
    bases=(_CriteriaBase,),
    frozen=True,
)
Criteria.__module__ = __name__
Criteria.__doc__ = "The answers of the qualification form, one field per row of the criteria table; None = open."

SCORING_CRITERIA = criteria_table.SCORING
"""Criteria that score; platform_knowledge is the workshop prerequisite, not a score."""


@dataclass(frozen=True)
class Rule:
    """One seed criterion on one side: if ``predicate`` holds, ``weight`` points."""

    key: str
    criterion: str
    predicate: Callable[[Criteria], bool]
    points_to: str
    weight: int
    text: str


@dataclass(frozen=True)
class PhaseRule:
    """One row of the phase table; the first row whose predicate holds decides."""

    key: str
    criteria: tuple[str, ...]
    predicate: Callable[[Criteria], bool]
    phase: str
    text: str


@dataclass(frozen=True)
class Reason:
    """Why: what the prospect answered and which seed criterion it matches."""

    criterion: str
    answer_text: str
    points_to: str
    rule: str = ""


@dataclass(frozen=True)
class Recommendation:
    format: str
    phase: str
    reasons: list[Reason] = field(default_factory=list)
    prerequisite_missing: bool = False
    early_starter: bool = False
    open_questions: list[str] = field(default_factory=list)
    score: dict[str, int] = field(default_factory=dict)
    phase_reason: str = ""

    def to_slots(self) -> dict[str, str]:
        """The result slots of docs/interfaces.md."""
        return {"recommendation": self.format, "phase": self.phase}


# ---------------------------------------------------------------------------
# THE rule table: every seed criterion, both sides. Weights: column 5.
# Texts quote the seed ("..." in German quotes); {participants} is filled in.
# ---------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    # --- Seminar: "Ein Seminar empfiehlt sich u. a. dann als Einstieg, wenn ..."
    Rule(
        "single_person", "participants",
        lambda c: c.participants == 1,
        SEMINAR, 3,
        "Sie steigen als Einzelperson ein. Laut Methode spricht das für ein Seminar: "
        "„eine Einzelperson [soll] ins Thema einsteigen“.",
    ),
    Rule(
        "no_specific_approach", "specific_approach",
        lambda c: c.specific_approach is False,
        SEMINAR, 2,
        "Ein branchen- oder firmenspezifischer Einstieg ist noch kein Thema – ein "
        "Seminar-Kriterium: „branchen- oder firmenspezifische Ansätze noch kein Thema“.",
    ),
    Rule(
        "focus_overview", "focus",
        lambda c: c.focus == "overview",
        SEMINAR, 2,
        "Ihnen geht es zuerst um den Überblick – ein Seminar-Kriterium: „der Überblick "
        "über Chancen, Risiken, Tools und Methoden [steht] im Vordergrund“.",
    ),
    Rule(
        "focus_relevance", "focus",
        lambda c: c.focus == "relevance",
        SEMINAR, 2,
        "Sie möchten zuerst klären, ob das Thema für Sie relevant ist – ein "
        "Seminar-Kriterium: „ein erster Eindruck über die Relevanz des Themas“.",
    ),
    Rule(
        "no_competence", "experience",
        lambda c: c.experience == "none",
        SEMINAR, 2,
        "Im Unternehmen gibt es noch keine Social-Media-Erfahrung – ein "
        "Seminar-Kriterium: „noch keine Kompetenz … vorhanden“.",
    ),
    Rule(
        "no_attitude", "attitude_formed",
        lambda c: c.attitude_formed is False,
        SEMINAR, 1,
        "Eine Einschätzung des Themas gibt es im Unternehmen noch nicht – ein "
        "Seminar-Kriterium: „keine Einstellung / Einschätzung des Themas vorhanden“.",
    ),
    Rule(
        "no_decision", "decision_made",
        lambda c: c.decision_made is False,
        SEMINAR, 2,
        "Über die Nutzung ist noch nicht entschieden – ein Seminar-Kriterium: "
        "„noch keine Entscheidung über eine Nutzung gefallen“.",
    ),
    # --- Workshop: "Der Einstieg über einen ... Workshop empfiehlt sich u. a. dann, wenn ..."
    Rule(
        "several_people", "participants",
        lambda c: c.participants is not None and c.participants > 1,
        WORKSHOP, 2,
        "Es sollen {participants} Personen einsteigen – ein Workshop-Kriterium: "
        "„mehrere Personen [sollen] mit dem Thema vertraut gemacht werden“.",
    ),
    Rule(
        "several_functions", "multiple_functions",
        lambda c: c.multiple_functions is True,
        WORKSHOP, 1,
        "Die Teilnehmenden kommen aus verschiedenen Bereichen – ein Workshop-Kriterium: "
        "„möglicherweise aus verschiedenen Funktionsbereichen“.",
    ),
    Rule(
        "specific_approach", "specific_approach",
        lambda c: c.specific_approach is True,
        WORKSHOP, 2,
        "Sie wünschen einen Einstieg passend zu Branche und Firma – ein Workshop-Kriterium: "
        "„ein möglichst konkreter, branchen- und firmenspezifischer Einstieg“.",
    ),
    Rule(
        "focus_next_steps", "focus",
        lambda c: c.focus == "next_steps",
        WORKSHOP, 2,
        "Sie möchten direkt konkret werden – ein Workshop-Kriterium: „der Einstieg "
        "[soll] direkt zu weiteren konkreten Schritten führen“.",
    ),
    Rule(
        "basic_competence", "experience",
        lambda c: c.experience == "basic",
        WORKSHOP, 2,
        "Im Unternehmen gibt es bereits Grundkenntnisse – ein Workshop-Kriterium: "
        "„erste Grundkompetenzen und Erfahrungen … vorhanden“.",
    ),
    Rule(
        "need_recognised", "decision_made",
        lambda c: c.decision_made is True,
        WORKSHOP, 2,
        "Die Entscheidung für Social Media ist gefallen – ein Workshop-Kriterium: "
        "„die Notwendigkeit … erkannt“.",
    ),
    Rule(
        "first_steps_tested", "experience",
        lambda c: c.experience == "first_steps",
        WORKSHOP, 2,
        "Sie haben schon erste Schritte getestet – ein Workshop-Kriterium: „bereits "
        "erste Schritte … getestet“, jetzt „breiter angegangen“.",
    ),
    Rule(
        "focus_strategy", "focus",
        lambda c: c.focus == "strategy",
        WORKSHOP, 2,
        "Sie möchten eine Strategie entwickeln – ein Workshop-Kriterium: „eine Social "
        "Media / Social Network Strategie [soll] entwickelt werden“.",
    ),
    Rule(
        "cross_functional", "cross_functional",
        lambda c: c.cross_functional is True,
        WORKSHOP, 2,
        "Social Media soll bereichsübergreifend verankert werden – ein Workshop-Kriterium: "
        "„funktionsübergreifend im Unternehmen installiert“.",
    ),
)

# The workshop prerequisite (seed: "Für den Einstieg via Workshop empfehlen sich
# zumindest Anwenderkenntnisse aus der Nutzung von Social Network Plattformen").
PREREQUISITE_RULE_KEY = "prerequisite_platform_knowledge"
PREREQUISITE_TEXT = (
    "Für den Workshop empfehlen sich „zumindest Anwenderkenntnisse“ (z. B. Facebook "
    "oder Xing). Diese fehlen noch – daher zuerst ein Seminar oder eine kurze Vorbereitung."
)

# The seed's advice "Für Frühstarter" (experience == first_steps).
EARLY_STARTER_ADVICE = (
    "Sie sind per „learning by doing“ schon gestartet: Arbeiten Sie das 3-Phasen-Modell "
    "parallel zu den ersten Erfahrungen möglichst zeitnah ab."
)

# ---------------------------------------------------------------------------
# Phase table (bottom-up: information -> strategy -> operations).
# First matching row wins. Information rows come first: "Es macht einfach
# wenig Sinn in eine Strategiephase oder gar in eine Umsetzung einzutreten,
# wenn man weder Chancen und Risiken, noch Tools und Methoden kennt."
# ---------------------------------------------------------------------------

PHASE_RULES: tuple[PhaseRule, ...] = (
    PhaseRule(
        "info_focus_overview", ("focus",),
        lambda c: c.focus == "overview",
        INFORMATION,
        "Sie suchen den Überblick: Das ist die Informationsphase – Chancen, Risiken, "
        "Tools und Methoden.",
    ),
    PhaseRule(
        "info_focus_relevance", ("focus",),
        lambda c: c.focus == "relevance",
        INFORMATION,
        "Sie möchten die Relevanz einschätzen: Das gehört in die Informationsphase.",
    ),
    PhaseRule(
        "info_no_competence", ("experience",),
        lambda c: c.experience == "none",
        INFORMATION,
        "Ohne Vorerfahrung beginnt der Einstieg mit der Informationsphase – erst "
        "Grundkenntnis, dann Strategie.",
    ),
    PhaseRule(
        "info_no_attitude", ("attitude_formed",),
        lambda c: c.attitude_formed is False,
        INFORMATION,
        "Eine Einschätzung des Themas fehlt noch: Die Informationsphase schafft dafür "
        "die Grundlage.",
    ),
    PhaseRule(
        "info_no_decision", ("decision_made",),
        lambda c: c.decision_made is False,
        INFORMATION,
        "Die Entscheidung über die Nutzung steht noch aus: Die Informationsphase "
        "liefert die Grundlage dafür.",
    ),
    PhaseRule(
        "info_no_platform_knowledge", ("platform_knowledge",),
        lambda c: c.platform_knowledge is False,
        INFORMATION,
        "Es fehlen noch Anwenderkenntnisse der Plattformen: Die Informationsphase "
        "vermittelt Tools und Methoden.",
    ),
    PhaseRule(
        "ops_rollout", ("focus", "experience", "decision_made", "cross_functional"),
        lambda c: (
            c.focus == "next_steps"
            and c.experience == "basic"
            and c.decision_made is True
            and c.cross_functional is True
        ),
        OPERATIONS,
        "Grundkenntnisse, Entscheidung und funktionsübergreifende Umsetzung: Sie stehen "
        "vor der operativen Phase (Enabling, Organisation, Technik).",
    ),
    PhaseRule(
        "strategy_focus", ("focus",),
        lambda c: c.focus == "strategy",
        STRATEGY,
        "Sie möchten eine Strategie entwickeln: Das ist die Strategiephase – Business "
        "Integration, Ziele, Ressourcen.",
    ),
    PhaseRule(
        "strategy_need_recognised", ("decision_made",),
        lambda c: c.decision_made is True,
        STRATEGY,
        "Die Notwendigkeit ist erkannt: Als Nächstes werden in der Strategiephase die "
        "Eckpunkte festgelegt.",
    ),
    PhaseRule(
        "strategy_first_steps", ("experience",),
        lambda c: c.experience == "first_steps",
        STRATEGY,
        "Erste Schritte sind getestet: Jetzt gehört eine Strategie dazu – keine "
        "Social-Media-Strategie ohne Business Integration.",
    ),
    PhaseRule(
        "strategy_basic_competence", ("experience",),
        lambda c: c.experience == "basic",
        STRATEGY,
        "Grundkenntnisse sind vorhanden: Der nächste Schritt ist die Strategiephase.",
    ),
    PhaseRule(
        "strategy_next_steps", ("focus",),
        lambda c: c.focus == "next_steps",
        STRATEGY,
        "Konkrete Schritte setzen eine Strategie voraus: Die Umsetzung folgt auf die "
        "Strategiephase.",
    ),
    PhaseRule(
        "default_information", (),
        lambda c: True,
        INFORMATION,
        "Der Einstieg beginnt – bottom-up – mit der Informationsphase.",
    ),
)

# What to settle in the call when a criterion is unanswered (form order, from the criteria table).
OPEN_QUESTIONS: dict[str, str] = {c.name: c.open_question for c in CRITERIA}
TIE_QUESTION = (
    "Die Angaben sprechen nicht eindeutig für Seminar oder Workshop: Was ist Ihnen beim "
    "Einstieg am wichtigsten?"
)
PREREQUISITE_QUESTION = (
    "Wie sollen die Anwenderkenntnisse vor einem Workshop aufgebaut werden – per Seminar "
    "oder eigener Vorbereitung?"
)


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------


def recommend(criteria: Criteria | None) -> Recommendation:
    """Seminar, workshop or undecided, plus phase, reasons and open questions.

    1. Sum the weights of the matching RULES per side.
    2. Undecided if fewer than MIN_KNOWN_CRITERIA scoring criteria are known;
       otherwise the side that leads by at least DECISION_MARGIN wins; else
       undecided (ties included).
    3. Workshop but platform_knowledge is False -> seminar first,
       prerequisite_missing=True (and a "prerequisite" reason).
    4. Phase: the first matching row of PHASE_RULES.
    Never raises; invalid values count as unanswered.
    """
    c = _sanitize(criteria if isinstance(criteria, Criteria) else Criteria())
    matched = [rule for rule in RULES if _holds(rule.predicate, c)]
    seminar = sum(rule.weight for rule in matched if rule.points_to == SEMINAR)
    workshop = sum(rule.weight for rule in matched if rule.points_to == WORKSHOP)
    known = len(c.known())
    decision = _decide(seminar, workshop, known)
    prerequisite_missing = decision == WORKSHOP and c.platform_knowledge is False
    reasons = _reasons(matched, c, decision)
    if prerequisite_missing:
        reasons.append(
            Reason("platform_knowledge", PREREQUISITE_TEXT, PREREQUISITE, PREREQUISITE_RULE_KEY)
        )
    phase_rule = _phase_rule(c)
    return Recommendation(
        format=SEMINAR if prerequisite_missing else decision,
        phase=phase_rule.phase,
        reasons=reasons,
        prerequisite_missing=prerequisite_missing,
        early_starter=c.experience == "first_steps",
        open_questions=_open_questions(c, decision, known, prerequisite_missing),
        score={
            SEMINAR: seminar,
            WORKSHOP: workshop,
            "margin": workshop - seminar,
            "known": known,
        },
        phase_reason=phase_rule.text,
    )


def _decide(seminar: int, workshop: int, known: int) -> str:
    if known < MIN_KNOWN_CRITERIA:
        return UNDECIDED
    if workshop - seminar >= DECISION_MARGIN:
        return WORKSHOP
    if seminar - workshop >= DECISION_MARGIN:
        return SEMINAR
    return UNDECIDED


def _holds(predicate: Callable[[Criteria], bool], criteria: Criteria) -> bool:
    try:
        return bool(predicate(criteria))
    except (TypeError, ValueError, AttributeError):
        return False


def _reasons(matched: list[Rule], c: Criteria, decision: str) -> list[Reason]:
    """Reasons of the winning side first, then the others; table order within."""
    ordered = sorted(matched, key=lambda rule: rule.points_to != decision)
    values = {"participants": _format_participants(c.participants)}
    return [
        Reason(rule.criterion, rule.text.format(**values), rule.points_to, rule.key)
        for rule in ordered
    ]


def _phase_rule(c: Criteria) -> PhaseRule:
    return next(rule for rule in PHASE_RULES if _holds(rule.predicate, c))


def _open_questions(
    c: Criteria, decision: str, known: int, prerequisite_missing: bool
) -> list[str]:
    questions = []
    for name, question in OPEN_QUESTIONS.items():
        if getattr(c, name) is not None:
            continue
        if name == "multiple_functions" and c.participants == 1:
            continue  # asked only when more than one person takes part
        questions.append(question)
    if decision == UNDECIDED and known >= MIN_KNOWN_CRITERIA:
        questions.append(TIE_QUESTION)
    if prerequisite_missing:
        questions.append(PREREQUISITE_QUESTION)
    return questions


def _format_participants(value: float | None) -> str:
    if value is None:
        return "mehrere"
    return str(int(value)) if float(value).is_integer() else str(value)


# ---------------------------------------------------------------------------
# Sanitising (invalid values count as unanswered)
# ---------------------------------------------------------------------------


def _sanitize(c: Criteria) -> Criteria:
    return Criteria(**{row.name: _clean(row, getattr(c, row.name)) for row in CRITERIA})


def _clean(row: criteria_table.Criterion, value: object) -> object:
    if row.kind is Kind.COUNT:
        return _clean_count(value, row.minimum, row.maximum)
    if row.kind is Kind.BOOL:
        return _clean_bool(value)
    return _clean_choice(value, row.values)


def _clean_count(value: object, minimum: float, maximum: float) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    if not isinstance(value, (int, float)):
        return None
    number = float(value)
    if not math.isfinite(number) or number < minimum or number > maximum:
        return None
    return float(round(number))


def _clean_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _clean_choice(value: object, allowed: tuple[str, ...]) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if value in allowed else None
