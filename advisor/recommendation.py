"""The consultant's method as code: qualification answers -> format, variant, phase, reasons.

Pure Python: no Rasa import. Source of every rule: the seed text "Social Network Strategie: Einstieg per
Workshop oder Seminar?" (seminar criteria S1-S6, workshop criteria W1-W8, the workshop prerequisite) and
the "3 Phasen Modell zum Einstieg in Social Media" (information, strategy, operations; bottom-up; the advice
for early starters).

Everything tunable lives at the top of this module:

* ``DECISION_MARGIN`` and ``MIN_WINNING_POINTS`` (the decision thresholds),
* ``RULES`` - one row per seed criterion (S1-S6, W1-W8) with its predicate, weight, chat sentence (for the
  prospect, formal "Sie"), brief sentence (for the consultant, third person) and the seed's wording,
* the phase assessment ``assess_phase`` (bottom-up, see ``PHASE_TEXTS``).

``docs/recommendation-rules.md`` documents the same tables for the consultant; a test keeps the two in step.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, make_dataclass, replace
from itertools import combinations, product
from typing import Any

from advisor import criteria as criteria_table
from advisor.criteria import BY_NAME, CRITERIA, STRATEGY_PART_VALUES, Kind

__all__ = [
    "DECISION_MARGIN",
    "EARLY_STARTER_ADVICE",
    "EARLY_STARTER_BRIEF",
    "FORMATS",
    "MIN_WINNING_POINTS",
    "OPEN_QUESTIONS",
    "PHASES",
    "PHASE_TEXTS",
    "PREREQUISITE_QUOTE",
    "RULES",
    "SCORING_CRITERIA",
    "STRATEGY_PART_SHORT",
    "VARIANTS",
    "Criteria",
    "PhaseAssessment",
    "Reason",
    "Recommendation",
    "Rule",
    "Score",
    "assess_phase",
    "format_settled",
    "prerequisite_brief",
    "recommend",
]

# Formats (slot ``recommendation``), variants (what the consultant offers) and phases (slot ``phase``).
SEMINAR = "seminar"
WORKSHOP = "workshop"
UNDECIDED = "undecided"
FORMATS = (SEMINAR, WORKSHOP, UNDECIDED)

OPEN_SEMINAR = "open_seminar"
"""An external, open seminar: the seed's seminar, for one person."""
INHOUSE_SEMINAR = "inhouse_seminar"
"""A seminar held in-house for a group whose answers point to a seminar."""
INHOUSE_WORKSHOP = "workshop"
"""The firm-specific (in-house) workshop."""
WORKSHOP_AFTER_USER_KNOWLEDGE = "workshop_user_knowledge_first"
"""The workshop is the goal, but user knowledge of the platforms comes first (advice, not a veto)."""
VARIANTS = (OPEN_SEMINAR, INHOUSE_SEMINAR, INHOUSE_WORKSHOP, WORKSHOP_AFTER_USER_KNOWLEDGE, UNDECIDED)
VARIANT_FORMAT = {
    OPEN_SEMINAR: SEMINAR,
    INHOUSE_SEMINAR: SEMINAR,
    INHOUSE_WORKSHOP: WORKSHOP,
    WORKSHOP_AFTER_USER_KNOWLEDGE: WORKSHOP,
    UNDECIDED: UNDECIDED,
}

INFORMATION = "information"
STRATEGY = "strategy"
OPERATIONS = "operations"
PHASES = (INFORMATION, STRATEGY, OPERATIONS)
"""Bottom-up order. ``Recommendation.phase`` is one of these or ``None`` (not assessed)."""

# ---------------------------------------------------------------------------
# Thresholds (the only numbers of the decision besides the weights in RULES)
# ---------------------------------------------------------------------------

DECISION_MARGIN = 2
"""A side wins when its points exceed the other side's by at least this much ..."""

MIN_WINNING_POINTS = 4
"""... and it has at least this many points (one answer alone never decides)."""


class _CriteriaBase:
    """Behaviour of the generated ``Criteria`` record (its fields come from the criteria table)."""

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any] | None) -> Criteria:
        """Build from Rasa slot values (tolerant: bad values become ``None``; lists become frozensets)."""
        if not isinstance(slots, Mapping):
            return cls()
        raw = {f.name: slots.get(f.name) for f in fields(cls)}
        return _sanitize(cls(**raw))

    def answers(self) -> dict[str, object]:
        """The answers by criterion name (``None`` = open), e.g. for ``Criterion.applies``."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def known(self) -> tuple[str, ...]:
        """Names of the scoring criteria that have an answer."""
        return tuple(name for name in SCORING_CRITERIA if getattr(self, name) is not None)


_FIELD_TYPES = {
    Kind.COUNT: "float | None",
    Kind.BOOL: "bool | None",
    Kind.CHOICE: "str | None",
    Kind.MULTI: "frozenset[str] | None",
}

Criteria = make_dataclass(
    "Criteria",
    [(c.name, _FIELD_TYPES[c.kind], field(default=None)) for c in CRITERIA],
    bases=(_CriteriaBase,),
    frozen=True,
)
Criteria.__module__ = __name__
Criteria.__doc__ = (
    "The answers of the qualification form, one field per row of the criteria table; None = open. "
    "MULTI criteria (goals, strategy_parts) are frozensets of the table's values."
)

SCORING_CRITERIA = criteria_table.SCORING
"""Criteria that score; platform_knowledge is the workshop prerequisite, strategy_* place the phase."""


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One seed criterion: if ``predicate`` holds, ``weight`` points for ``points_to``."""

    key: str
    """S1-S6 (seminar) or W1-W8 (workshop), in the seed's order."""
    criteria: tuple[str, ...]
    """The table's criteria the predicate reads (the first one is the main one)."""
    predicate: Callable[[Criteria], bool]
    points_to: str
    weight: int
    chat: str
    """What the assistant says to the prospect (formal "Sie"); ``{group}`` is filled in."""
    brief: str
    """What the consultant reads in the brief (third person); ``{group}`` is filled in."""
    quote: str
    """The seed's wording of the criterion."""

    @property
    def criterion(self) -> str:
        return self.criteria[0]


@dataclass(frozen=True)
class Reason:
    """Why: one matching rule, with its sentence for the chat, the brief and the seed's wording."""

    rule: str
    criterion: str
    points_to: str
    weight: int
    answer_text: str
    """The chat sentence (formal "Sie")."""
    brief_text: str
    """The brief's sentence (third person)."""
    quote: str
    specificity: int = 1
    """How many answers the reason rests on (ranks reasons of equal weight)."""


@dataclass(frozen=True)
class Score:
    seminar: int = 0
    workshop: int = 0

    @property
    def margin(self) -> int:
        """Workshop points minus seminar points."""
        return self.workshop - self.seminar

    def __str__(self) -> str:
        return f"{self.seminar} : {self.workshop}"


@dataclass(frozen=True)
class PhaseAssessment:
    """Where the prospect stands in the 3-phase model, bottom-up, and why."""

    phase: str | None
    """One of PHASES, or None: not assessed (the answers do not tell)."""
    key: str
    """Which case of ``assess_phase`` applied (a key of PHASE_TEXTS)."""
    missing_strategy_parts: tuple[str, ...] = ()
    """Parts of an existing strategy that are missing (STRATEGY_PART_VALUES order), in any phase."""
    basics_missing: tuple[str, ...] = ()
    """Criteria whose answers show the basics (chances and risks, tools and methods) are missing."""
    open: tuple[str, ...] = ()
    """Criteria that would settle the phase (when ``phase`` is None)."""

    @property
    def reason(self) -> str:
        """The chat sentence (formal "Sie")."""
        return PHASE_TEXTS[self.key][0].format(missing=_join(self._missing_labels()))

    @property
    def brief_reason(self) -> str:
        """The brief's sentence (third person)."""
        return PHASE_TEXTS[self.key][1].format(missing=_join(self._missing_labels()))

    def _missing_labels(self) -> list[str]:
        return [STRATEGY_PART_SHORT[part] for part in self.missing_strategy_parts]


@dataclass(frozen=True)
class Recommendation:
    format: str
    """seminar | workshop | undecided (the ``recommendation`` slot)."""
    variant: str
    """One of VARIANTS: what exactly the consultant offers."""
    phase: str | None
    """information | strategy | operations, or None when not assessed (the ``phase`` slot)."""
    phase_assessment: PhaseAssessment
    reasons: tuple[Reason, ...] = ()
    """Every matching rule, strongest first (weight, then specificity, then seed order)."""
    score: Score = Score()
    open_criteria: tuple[str, ...] = ()
    """Criteria without an answer that still apply (form order)."""
    open_questions: tuple[str, ...] = ()
    """What the consultant should settle in the call (German, for the consultant)."""
    deciding: tuple[str, ...] = ()
    """Undecided only: the one or two open criteria whose answer would decide the format."""
    deciding_question: str = ""
    """Undecided only: the question to ask the prospect (formal "Sie")."""
    summary: str = ""
    """Undecided only: what is true, in one chat sentence (formal "Sie")."""
    early_starter: bool = False
    early_starter_advice: str = ""
    prerequisite_missing: bool = False
    """Workshop as the goal, but no user knowledge of the platforms yet."""
    prerequisite_advice: str = ""
    """How to get the user knowledge first (chat, formal "Sie")."""

    @property
    def phase_reason(self) -> str:
        return self.phase_assessment.reason

    @property
    def missing_strategy_parts(self) -> tuple[str, ...]:
        return self.phase_assessment.missing_strategy_parts

    def top_reasons(self, limit: int = 2) -> tuple[Reason, ...]:
        """The strongest reasons for the recommended format ("Die wichtigsten Gründe")."""
        if self.format == UNDECIDED:
            return ()
        return tuple(r for r in self.reasons if r.points_to == self.format)[:limit]

    def to_slots(self) -> dict[str, str | None]:
        """The result slots of docs/interfaces.md."""
        return {"recommendation": self.format, "phase": self.phase}


# ---------------------------------------------------------------------------
# THE rule table: the seed's criteria in the seed's order. Weights: column 5.
# ---------------------------------------------------------------------------


def _goal(value: str) -> Callable[[Criteria], bool]:
    return lambda c: c.goals is not None and value in c.goals


RULES: tuple[Rule, ...] = (
    # --- "Ein Seminar empfiehlt sich u. a. dann als Einstieg, wenn ..."
    Rule(
        "S1", ("participants",), lambda c: c.participants == 1, SEMINAR, 3,
        "Sie steigen als Einzelperson ein – das spricht für ein Seminar.",
        "Interessent steigt als Einzelperson ein.",
        "eine Einzelperson ins Thema einsteigen soll.",
    ),
    Rule(
        "S2", ("specific_approach",), lambda c: c.specific_approach is False, SEMINAR, 2,
        "Ein Zuschnitt auf Branche und Firma ist für Sie noch kein Thema – das spricht für ein Seminar.",
        "Branchen- oder firmenspezifische Ansätze sind noch kein Thema.",
        "branchen- oder firmenspezifische Ansätze noch kein Thema sind.",
    ),
    Rule(
        "S3", ("goals",), _goal("overview"), SEMINAR, 2,
        "Sie möchten zuerst einen Überblick über Chancen, Risiken, Tools und Methoden – das spricht für ein "
        "Seminar.",
        "Interessent sucht zuerst den Überblick über Chancen, Risiken, Tools und Methoden.",
        "der Überblick über Chancen, Risiken, Tools und Methoden im Vordergrund steht.",
    ),
    Rule(
        "S4", ("goals",), _goal("relevance"), SEMINAR, 2,
        "Sie möchten erst einschätzen, wie relevant das Thema für Sie ist – das spricht für ein Seminar.",
        "Interessent will zuerst einen Eindruck von der Relevanz des Themas gewinnen.",
        "eine erster Eindruck über die Relevanz des Themas insgesamt gewonnen werden soll.",
    ),
    Rule(
        # ONE criterion of the seed (competence AND attitude), counted once.
        "S5", ("experience", "attitude_formed"),
        lambda c: c.experience == "none" and c.attitude_formed is False, SEMINAR, 3,
        "Bei Ihnen gibt es noch keine Erfahrung und noch keine Einschätzung des Themas – das spricht für ein "
        "Seminar.",
        "Im Unternehmen gibt es weder Kompetenz noch eine Einstellung/Einschätzung des Themas.",
        "im Unternehmen noch keine Kompetenz und keine Einstellung / Einschätzung des Themas vorhanden ist.",
    ),
    Rule(
        "S6", ("decision_made",), lambda c: c.decision_made is False, SEMINAR, 2,
        "Über die Nutzung von Social Media ist noch nicht entschieden – das spricht für ein Seminar.",
        "Über eine Nutzung von Social Media ist noch nicht entschieden.",
        "noch keine Entscheidung über eine Nutzung gefallen ist.",
    ),
    # --- "Der Einstieg über einen Social Network Workshop empfiehlt sich u. a. dann, wenn ..."
    Rule(
        "W1", ("participants", "multiple_functions"),
        lambda c: (c.participants is not None and c.participants > 1) or c.multiple_functions is True,
        WORKSHOP, 2,
        "Sie steigen {group} ein – das spricht für einen Workshop.",
        "Interessent steigt {group} ein.",
        "mehrere Personen, möglicherweise aus verschiedenen Funktionsbereichen mit dem Thema vertraut gemacht "
        "werden sollen,",
    ),
    Rule(
        "W2", ("specific_approach",), lambda c: c.specific_approach is True, WORKSHOP, 2,
        "Sie wünschen einen Einstieg, der auf Ihre Branche und Ihr Unternehmen zugeschnitten ist – das spricht "
        "für einen Workshop.",
        "Gewünscht ist ein konkreter, branchen- und firmenspezifischer Einstieg.",
        "ein möglichst konkreter, branchen- und firmenspezifischer Einstieg gewünscht ist.",
    ),
    Rule(
        "W3", ("goals",), _goal("next_steps"), WORKSHOP, 2,
        "Der Einstieg soll bei Ihnen direkt zu konkreten nächsten Schritten führen – das spricht für einen "
        "Workshop.",
        "Der Einstieg soll direkt zu konkreten nächsten Schritten führen.",
        "der Einstieg direkt zu weiteren konkreten Schritten führen soll.",
    ),
    Rule(
        "W4", ("experience",), lambda c: c.experience == "basic", WORKSHOP, 2,
        "Sie bringen erste Grundkenntnisse und Erfahrungen mit – das spricht für einen Workshop.",
        "Erste Grundkompetenzen und Erfahrungen sind vorhanden.",
        "erste Grundkompetenzen und Erfahrungen mit Social Network Marketing vorhanden sind.",
    ),
    Rule(
        "W5", ("need_recognised",), lambda c: c.need_recognised is True, WORKSHOP, 1,
        "Sie haben erkannt, dass Sie sich fundiert mit Social Media befassen sollten – das spricht für einen "
        "Workshop.",
        "Die Notwendigkeit, Social Media zu nutzen oder sich fundiert damit zu befassen, ist erkannt.",
        "die Notwendigkeit Social Networks zu nutzen oder sich zumindest fundiert damit zu befassen erkannt ist.",
    ),
    Rule(
        # first steps AND "jetzt breiter angegangen": both halves of the seed's sentence.
        "W6", ("experience", "broaden"),
        lambda c: c.experience == "first_steps" and c.broaden is True, WORKSHOP, 2,
        "Sie haben erste Schritte getestet und wollen Social Media jetzt breiter angehen – das spricht für "
        "einen Workshop.",
        "Erste Schritte sind getestet, jetzt soll Social Media breiter angegangen werden.",
        "bereits erste Schritte in Social Network getestet wurden und das Social Network Marketing jetzt "
        "breiter angegangen werden soll.",
    ),
    Rule(
        "W7", ("goals",), _goal("strategy"), WORKSHOP, 3,
        "Sie möchten eine Social-Media-Strategie entwickeln – das spricht für einen Workshop.",
        "Eine Social-Media-Strategie soll entwickelt werden.",
        "eine Social Media / Social Network Strategie entwickelt werden soll.",
    ),
    Rule(
        "W8", ("cross_functional",), lambda c: c.cross_functional is True, WORKSHOP, 2,
        "Social Media soll bei Ihnen funktionsübergreifend verankert werden – das spricht für einen Workshop.",
        "Social Media soll funktionsübergreifend im Unternehmen installiert werden.",
        "Social Network funktionsübergreifend im Unternehmen installiert werden soll.",
    ),
)

PREREQUISITE_QUOTE = (
    "Für den Einstieg via Workshop empfehlen sich zumindest Anwenderkenntnisse aus der Nutzung von Social "
    "Network Plattformen (wie z. B. Facebook oder Xing)."
)
PREREQUISITE_ADVICE = {
    # chat (formal "Sie"): the workshop stays the goal, the knowledge comes first
    OPEN_SEMINAR: (
        "Für den Workshop empfehlen sich zumindest Anwenderkenntnisse, etwa von Facebook oder Xing. Die bauen "
        "Sie vorher auf: mit einem offenen Seminar oder indem Sie die Plattformen selbst eine Weile nutzen."
    ),
    INHOUSE_SEMINAR: (
        "Für den Workshop empfehlen sich zumindest Anwenderkenntnisse, etwa von Facebook oder Xing. Die bauen "
        "Sie vorher auf: mit einem kurzen Inhouse-Seminar oder indem Ihr Team die Plattformen selbst eine Weile "
        "nutzt."
    ),
}
PREREQUISITE_BRIEF = {
    OPEN_SEMINAR: "Anwenderkenntnisse fehlen: vor dem Workshop ein offenes Seminar oder eigene Nutzung der "
    "Plattformen.",
    INHOUSE_SEMINAR: "Anwenderkenntnisse fehlen: vor dem Workshop ein Inhouse-Seminar oder eigene Nutzung der "
    "Plattformen durch das Team.",
}

EARLY_STARTER_ADVICE = (
    "Sie sind per „learning by doing“ schon gestartet. Mein Rat: Arbeiten Sie die drei Phasen parallel zu "
    "Ihren ersten Erfahrungen möglichst zeitnah ab."
)
EARLY_STARTER_BRIEF = (
    "Frühstarter (learning by doing): Rat der Methode – den 3-Phasen-Prozess parallel zu den ersten Erfahrungen "
    "möglichst zeitnah abarbeiten."
)
EARLY_STARTER_QUOTE = (
    "Wenn Sie nach der Methode „learning by doing“ bereits in Social Media gestartet sind, empfehle ich den oben "
    "dargestellten Prozess parallel zur Sammlung der ersten Erfahrungen in Social Media möglichst zeitnahe "
    "abzuarbeiten."
)

# ---------------------------------------------------------------------------
# Phases, bottom-up: information -> strategy -> operations.
# ---------------------------------------------------------------------------

COMPLETE_STRATEGY = frozenset(STRATEGY_PART_VALUES)
"""Business integration, goals and target systems, resources: "ohne diese Bestandteile ... nicht komplett"."""
STRATEGY_PART_SHORT = {
    "business_integration": "Business Integration",
    "goals": "Ziele und Zielsysteme",
    "resources": "Ressourcen",
}
BASICS_CRITERIA = ("experience", "attitude_formed", "goals", "platform_knowledge")
"""The answers that tell whether the basics (chances and risks, tools and methods) are there."""

# key -> (chat sentence, formal "Sie"; brief sentence, third person). {missing} = missing strategy parts.
PHASE_TEXTS: dict[str, tuple[str, str]] = {
    "basics_missing": (
        "Im 3-Phasen-Modell beginnen Sie mit der Informationsphase: zuerst ein Überblick über Chancen und "
        "Risiken, Tools und Methoden – dann die Strategie.",
        "Informationsphase: Grundlagen (Chancen und Risiken, Tools und Methoden) fehlen noch.",
    ),
    "basics_open": (
        "In welcher Phase Sie stehen, kann ich noch nicht sagen: Dafür fehlt mir, welche Erfahrung Sie mit "
        "Social Media schon haben.",
        "Phase nicht bewertet: ob die Grundlagen (Chancen und Risiken, Tools und Methoden) da sind, ist offen.",
    ),
    "strategy_open": (
        "Die Grundlagen sind da. Ob als Nächstes die Strategie oder schon die Umsetzung ansteht, hängt davon ab, "
        "ob es bei Ihnen schon eine Social-Media-Strategie gibt.",
        "Phase nicht bewertet: Grundlagen da, ob eine Strategie existiert, ist offen.",
    ),
    "strategy_missing": (
        "Im 3-Phasen-Modell stehen Sie vor der Strategiephase: Eckpunkte festlegen – mit Business Integration, "
        "Zielen und Zielsystemen und Ressourcen. Die Umsetzung folgt danach.",
        "Strategiephase: Grundlagen da, aber noch keine Strategie.",
    ),
    "strategy_parts_open": (
        "Sie haben schon eine Strategie. Ob sie komplett ist – mit Business Integration, Zielen und Ressourcen –, "
        "entscheidet, ob Sie in die Umsetzung gehen können.",
        "Phase nicht bewertet: Strategie vorhanden, ob Business Integration, Ziele und Ressourcen drin sind, ist "
        "offen.",
    ),
    "strategy_incomplete": (
        "Ihre Strategie ist noch nicht komplett: Es fehlen {missing}. Damit stehen Sie in der Strategiephase – "
        "erst danach folgt die Umsetzung.",
        "Strategiephase: Strategie vorhanden, aber nicht komplett – es fehlen {missing}.",
    ),
    "strategy_complete": (
        "Ihre Strategie steht – mit Business Integration, Zielen und Ressourcen. Damit sind Sie in der "
        "operativen Phase: Mitarbeitende befähigen, Social Media organisatorisch einbinden, technisch umsetzen.",
        "Operative Phase: komplette Strategie vorhanden (Business Integration, Ziele und Zielsysteme, "
        "Ressourcen).",
    ),
}


def assess_phase(criteria: Criteria | None) -> PhaseAssessment:
    """Bottom-up: information unless the basics are there; strategy unless a complete strategy exists;
    operations only with a complete strategy. What the answers do not tell is not assessed (None)."""
    c = _sanitize(criteria if isinstance(criteria, Criteria) else Criteria())
    absent: tuple[str, ...] = ()
    if c.strategy_exists is True and c.strategy_parts is not None:
        absent = tuple(part for part in STRATEGY_PART_VALUES if part not in c.strategy_parts)
    missing = _basics_missing(c)
    if missing:
        return PhaseAssessment(INFORMATION, "basics_missing", missing_strategy_parts=absent, basics_missing=missing)
    if not _basics_present(c):
        return PhaseAssessment(None, "basics_open", missing_strategy_parts=absent, open=("experience",))
    if c.strategy_exists is None:
        return PhaseAssessment(None, "strategy_open", open=("strategy_exists",))
    if c.strategy_exists is False:
        return PhaseAssessment(STRATEGY, "strategy_missing")
    if c.strategy_parts is None:
        return PhaseAssessment(None, "strategy_parts_open", open=("strategy_parts",))
    if absent:
        return PhaseAssessment(STRATEGY, "strategy_incomplete", missing_strategy_parts=absent)
    return PhaseAssessment(OPERATIONS, "strategy_complete")


def _basics_missing(c: Criteria) -> tuple[str, ...]:
    """"Es macht einfach wenig Sinn in eine Strategiephase oder gar in eine Umsetzung einzutreten, wenn man
    weder Chancen und Risiken, noch Tools und Methoden kennt." Any of these answers says the basics are not
    there yet."""
    found = []
    if c.experience == "none":
        found.append("experience")
    if c.attitude_formed is False:
        found.append("attitude_formed")
    if c.goals is not None and c.goals & {"overview", "relevance"}:
        found.append("goals")
    if c.platform_knowledge is False:
        found.append("platform_knowledge")
    return tuple(found)


def _basics_present(c: Criteria) -> bool:
    """Experience (basic competence or first steps) shows the basics; an existing strategy presupposes them."""
    return c.experience in ("basic", "first_steps") or c.strategy_exists is True


# ---------------------------------------------------------------------------
# Open questions (for the consultant) and the deciding question (for the prospect)
# ---------------------------------------------------------------------------

OPEN_QUESTIONS: dict[str, str] = {c.name: c.label for c in CRITERIA}
"""Per criterion, what the brief lists as open (the table's label: neutral, for the consultant)."""
TIE_QUESTION = "Ihre Antworten halten sich die Waage. Was ist Ihnen beim Einstieg am wichtigsten?"
TIE_OPEN_QUESTION = "Antworten halten sich die Waage: klären, was beim Einstieg am wichtigsten ist."
PREREQUISITE_OPEN_QUESTION = (
    "Anwenderkenntnisse vor dem Workshop aufbauen: per Seminar oder durch eigene Nutzung der Plattformen?"
)


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------


def recommend(criteria: Criteria | None) -> Recommendation:
    """Format, variant, phase, ranked reasons, open questions; never raises (invalid values are open).

    1. Sum the weights of the matching RULES per side.
    2. A side wins with at least MIN_WINNING_POINTS points and a lead of DECISION_MARGIN; else undecided.
    3. Variant: seminar -> open seminar for one person, in-house seminar for a group; workshop -> workshop,
       or workshop with user knowledge first when platform_knowledge is False (advice, not a veto).
    4. Phase: ``assess_phase`` (bottom-up).
    """
    c = _sanitize(criteria if isinstance(criteria, Criteria) else Criteria())
    reasons = _ranked(_reasons(c))
    score = _score(c)
    decision = _decide(score)
    phase = assess_phase(c)
    open_criteria = _open_criteria(c)
    prerequisite_missing = decision == WORKSHOP and c.platform_knowledge is False
    variant = _variant(c, decision, prerequisite_missing)
    seminar_kind = INHOUSE_SEMINAR if _is_group(c) else OPEN_SEMINAR

    deciding: tuple[str, ...] = ()
    deciding_question = ""
    summary = ""
    if decision == UNDECIDED:
        deciding = _deciding(c, open_criteria)
        if deciding:
            deciding_question = BY_NAME[deciding[0]].open_question
        else:
            deciding_question = TIE_QUESTION
        summary = _undecided_summary(score, open_criteria)

    questions = [OPEN_QUESTIONS[name] for name in open_criteria]
    if decision == UNDECIDED and not deciding:
        questions.append(TIE_OPEN_QUESTION)
    if prerequisite_missing:
        questions.append(PREREQUISITE_OPEN_QUESTION)

    early = c.experience == "first_steps"
    return Recommendation(
        format=decision,
        variant=variant,
        phase=phase.phase,
        phase_assessment=phase,
        reasons=tuple(reasons),
        score=score,
        open_criteria=open_criteria,
        open_questions=tuple(questions),
        deciding=deciding,
        deciding_question=deciding_question,
        summary=summary,
        early_starter=early,
        early_starter_advice=EARLY_STARTER_ADVICE if early else "",
        prerequisite_missing=prerequisite_missing,
        prerequisite_advice=PREREQUISITE_ADVICE[seminar_kind] if prerequisite_missing else "",
    )


def format_settled(criteria: Criteria | None) -> bool:
    """Whether the format (seminar / workshop / undecided) is the same for every way the open scoring
    questions could still be answered ("weiß nicht" included; questions whose ``ask_if`` fails stay open):
    then asking them cannot change it, and the form may stop asking scoring questions.

    Exact: the rules are grouped by the criteria they share (e.g. S5 and W4/W6 share ``experience``), each
    group's open answers are enumerated, and the reachable point totals are combined group by group."""
    c = _sanitize(criteria if isinstance(criteria, Criteria) else Criteria())
    totals = {(0, 0)}
    for group, rules in _RULE_GROUPS:
        points = set()
        open_names = [name for name in group if getattr(c, name) is None]
        for values in _product(BY_NAME[name] for name in open_names):
            filled = replace(c, **dict(zip(open_names, values, strict=True)))
            answers = filled.answers()  # a question that would not be asked stays open
            filled = replace(filled, **{n: None for n in open_names if not BY_NAME[n].applies(answers)})
            matched = [rule for rule in rules if _holds(rule.predicate, filled)]
            points.add((sum(r.weight for r in matched if r.points_to == SEMINAR),
                        sum(r.weight for r in matched if r.points_to == WORKSHOP)))
        totals = {(s1 + s2, w1 + w2) for s1, w1 in totals for s2, w2 in points}
    return len({_decide(Score(s, w)) for s, w in totals}) == 1


def _product(rows: Iterable[criteria_table.Criterion]) -> Iterable[tuple[object, ...]]:
    choices = [(None, *_candidates(row)) for row in rows]
    return product(*choices)


def _rule_groups() -> tuple[tuple[tuple[str, ...], tuple[Rule, ...]], ...]:
    """RULES grouped by shared criteria (connected components)."""
    groups: list[tuple[set[str], list[Rule]]] = []
    for rule in RULES:
        touching = [g for g in groups if g[0] & set(rule.criteria)]
        names, rules = set(rule.criteria), [rule]
        for g in touching:
            names |= g[0]
            rules = g[1] + rules
            groups.remove(g)
        groups.append((names, rules))
    order = {c.name: i for i, c in enumerate(CRITERIA)}
    return tuple((tuple(sorted(names, key=order.__getitem__)), tuple(rules)) for names, rules in groups)


def prerequisite_brief(criteria: Criteria) -> str:
    """The brief's line on the missing prerequisite (third person)."""
    return PREREQUISITE_BRIEF[INHOUSE_SEMINAR if _is_group(criteria) else OPEN_SEMINAR]


def _matching(c: Criteria) -> list[Rule]:
    return [rule for rule in RULES if _holds(rule.predicate, c)]


def _score(c: Criteria) -> Score:
    matched = _matching(c)
    return Score(
        seminar=sum(rule.weight for rule in matched if rule.points_to == SEMINAR),
        workshop=sum(rule.weight for rule in matched if rule.points_to == WORKSHOP),
    )


def _decide(score: Score) -> str:
    if score.workshop >= MIN_WINNING_POINTS and score.margin >= DECISION_MARGIN:
        return WORKSHOP
    if score.seminar >= MIN_WINNING_POINTS and -score.margin >= DECISION_MARGIN:
        return SEMINAR
    return UNDECIDED


def _variant(c: Criteria, decision: str, prerequisite_missing: bool) -> str:
    if decision == SEMINAR:
        return INHOUSE_SEMINAR if _is_group(c) else OPEN_SEMINAR
    if decision == WORKSHOP:
        return WORKSHOP_AFTER_USER_KNOWLEDGE if prerequisite_missing else INHOUSE_WORKSHOP
    return UNDECIDED


def _is_group(c: Criteria) -> bool:
    return (c.participants is not None and c.participants > 1) or c.multiple_functions is True


def _holds(predicate: Callable[[Criteria], bool], criteria: Criteria) -> bool:
    try:
        return bool(predicate(criteria))
    except (TypeError, ValueError, AttributeError):
        return False


def _reasons(c: Criteria) -> list[Reason]:
    group = _group_words(c)
    out = []
    for rule in _matching(c):
        specificity = 2 if rule.key in ("S5", "W6") or (rule.key == "W1" and _both_group_facts(c)) else 1
        out.append(Reason(
            rule=rule.key,
            criterion=rule.criterion,
            points_to=rule.points_to,
            weight=rule.weight,
            answer_text=rule.chat.format(group=group[0]),
            brief_text=rule.brief.format(group=group[1]),
            quote=rule.quote,
            specificity=specificity,
        ))
    return out


def _both_group_facts(c: Criteria) -> bool:
    return c.participants is not None and c.participants > 1 and c.multiple_functions is True


def _ranked(reasons: list[Reason]) -> list[Reason]:
    """Strongest first: weight, then how many answers the reason rests on, then the seed's order."""
    order = {rule.key: index for index, rule in enumerate(RULES)}
    return sorted(reasons, key=lambda r: (-r.weight, -r.specificity, order[r.rule]))


_GROUP_WORDS = {2: "zu zweit", 3: "zu dritt", 4: "zu viert", 5: "zu fünft", 6: "zu sechst", 7: "zu siebt",
                8: "zu acht", 9: "zu neunt", 10: "zu zehnt", 11: "zu elft", 12: "zu zwölft"}


def _group_words(c: Criteria) -> tuple[str, str]:
    """(chat, brief) words for the group of W1: "zu viert", "zu viert aus mehreren Funktionsbereichen"."""
    if c.participants is not None and c.participants > 1:
        count = int(c.participants)
        words = _GROUP_WORDS.get(count, f"mit {count} Personen")
    else:
        words = "mit mehreren Personen"
    if c.multiple_functions is True:
        return f"{words} und aus mehreren Bereichen", f"{words} aus mehreren Funktionsbereichen"
    return words, words


def _open_criteria(c: Criteria) -> tuple[str, ...]:
    answers = c.answers()
    return tuple(
        row.name for row in CRITERIA if answers[row.name] is None and row.applies(answers)
    )


def _candidates(row: criteria_table.Criterion) -> Iterable[object]:
    """The answers a criterion can get (counts: one person or a group)."""
    if row.kind is Kind.COUNT:
        return (1.0, 5.0)
    if row.kind is Kind.BOOL:
        return (True, False)
    if row.kind is Kind.CHOICE:
        return row.values
    return tuple(frozenset(s) for n in range(len(row.values) + 1) for s in combinations(row.values, n))


_RULE_GROUPS = _rule_groups()


def _deciding(c: Criteria, open_criteria: tuple[str, ...]) -> tuple[str, ...]:
    """The one or two open scoring criteria whose answer would decide the format, strongest first.

    A criterion decides when one of its answers alone (the other open answers staying open) turns the
    result into seminar or workshop. If no single answer decides, the open criteria that can move the score
    most are named (asking them brings the decision closer)."""
    decisive: list[tuple[int, int, str]] = []
    moving: list[tuple[int, int, str]] = []
    base = _score(c)
    for index, name in enumerate(open_criteria):
        row = BY_NAME[name]
        if row.role is not criteria_table.Role.SCORING:
            continue
        swing = 0
        decides = False
        for value in _candidates(row):
            score = _score(replace(c, **{name: value}))
            swing = max(swing, abs(score.margin - base.margin))
            decides = decides or _decide(score) != UNDECIDED
        if decides:
            decisive.append((-swing, index, name))
        elif swing:
            moving.append((-swing, index, name))
    chosen = sorted(decisive) or sorted(moving)
    return tuple(name for _swing, _index, name in chosen[:2])


def _undecided_summary(score: Score, open_criteria: tuple[str, ...]) -> str:
    """What is true when no format can be recommended yet (chat, formal "Sie")."""
    count = len([name for name in open_criteria if name in SCORING_CRITERIA])
    still_open = ""
    if count:
        still_open = f" {count} {'Frage ist' if count == 1 else 'Fragen sind'} noch offen."
    if score.seminar == 0 and score.workshop == 0:
        if count:
            return "Noch spricht nichts klar für ein Seminar oder einen Workshop:" + still_open
        return "Ihre Antworten sprechen weder für ein Seminar noch für einen Workshop."
    if score.seminar and score.workshop and abs(score.margin) < DECISION_MARGIN:
        return "Ihre Antworten sprechen zum Teil für ein Seminar, zum Teil für einen Workshop." + still_open
    side = "ein Seminar" if score.seminar > score.workshop else "einen Workshop"
    return f"Einiges spricht für {side}, für eine klare Empfehlung reicht es aber noch nicht." + still_open


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " und " + items[-1]


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
    if row.kind is Kind.MULTI:
        return _clean_multi(value, row.values)
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


def _clean_multi(value: object, allowed: tuple[str, ...]) -> frozenset[str] | None:
    """A list slot: the allowed values in it; an empty list is an answer ("none of these"); a list with
    nothing allowed in it is not."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple, set, frozenset)):
        return None
    items = {item.strip().lower() for item in value if isinstance(item, str)}
    kept = frozenset(items & set(allowed))
    if value and not kept:
        return None
    return kept

