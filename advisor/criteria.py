"""THE criteria table: every fact the assistant asks a prospect about, defined once.

One row per criterion of the seed text ("Einstieg per Workshop oder Seminar?"), in the order the
qualification form asks them. Everything else derives from this table: the ``Criteria`` record of the
recommendation, the form's extract/validate methods, the lead's stored keys, the brief's labels and the
open questions for the call; a test checks that the domain's slots and form agree with it.

The German texts a *prospect* reads (the chat questions with their buttons, the "warum?" answers) are
Rasa responses in ``domain/qualification.yml`` named by convention (``ask_response``/``explain_response``),
so that Rasa renders them per channel; the texts the *consultant* reads (label, open question) live here.

Pure Python: no Rasa import.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

__all__ = [
    "BOOL_NAMES",
    "BRIEF_ORDER",
    "BY_NAME",
    "CRITERIA",
    "DETAILS",
    "EXPERIENCE_VALUES",
    "GOAL_VALUES",
    "STRATEGY_PART_VALUES",
    "MAX_PARTICIPANTS",
    "NAMES",
    "PHASE_CRITERIA",
    "PREREQUISITES",
    "SCORING",
    "STORED_KEYS",
    "Criterion",
    "Kind",
    "Role",
]


class Kind(str, Enum):
    """The value type of a criterion (the Rasa slot type follows from it)."""

    COUNT = "count"  # a positive number (float slot)
    BOOL = "bool"  # yes / no (bool slot)
    CHOICE = "choice"  # one of ``values`` (categorical slot)
    MULTI = "multi"  # any subset of ``values`` (list slot): several can hold at once
    LIST = "list"  # several strings (list slot), details only


class Role(str, Enum):
    """What a criterion does in the recommendation."""

    SCORING = "scoring"  # counts for seminar or workshop
    PREREQUISITE = "prerequisite"  # the workshop prerequisite: advice, not a score and not a veto
    PHASE = "phase"  # places the prospect in the 3-phase model (bottom-up), not a score
    DETAIL = "detail"  # stored with the lead and shown in the brief, never asked on its own


@dataclass(frozen=True)
class Criterion:
    name: str
    kind: Kind
    label: str
    """The brief's label for the consultant (German)."""
    open_question: str
    """What to settle in the call when the prospect could not answer (German)."""
    role: Role = Role.SCORING
    values: tuple[str, ...] = ()
    """Allowed values of a CHOICE criterion, in the order the buttons show them."""
    value_labels: tuple[tuple[str, str], ...] = ()
    """German words for each allowed value, for the brief."""
    minimum: float | None = None
    maximum: float | None = None
    details: tuple[str, ...] = ()
    """Names of DETAILS stored together with this criterion's answer."""
    ask_if: tuple[tuple[str, object], ...] = ()
    """Ask only when every (criterion, value) pair holds, e.g. ``broaden`` only after first steps."""

    def applies(self, answers: Mapping[str, object]) -> bool:
        """Whether the question makes sense given the other ``answers`` (see ``ask_if``)."""
        return all(_matches(answers.get(name), value) for name, value in self.ask_if)

    @property
    def ask_response(self) -> str:
        """The domain response that asks this criterion in the chat."""
        return f"utter_ask_{self.name}"

    @property
    def explain_response(self) -> str:
        """The domain response that answers "warum fragen Sie das?"."""
        return f"utter_explain_{self.name}"



NOT_SINGLE = "not_single"
"""``ask_if`` value: the count is not known to be one (a group, or not answered yet)."""

MAX_PARTICIPANTS = 10_000
"""Participant counts above this are absurd and count as unanswered."""

GOAL_LABELS = (
    ("overview", "Überblick über Chancen, Risiken, Tools und Methoden"),
    ("relevance", "Einen ersten Eindruck von der Relevanz des Themas gewinnen"),
    ("next_steps", "Der Einstieg soll direkt zu konkreten nächsten Schritten führen"),
    ("strategy", "Eine Social-Media-Strategie entwickeln"),
)
EXPERIENCE_LABELS = (
    ("none", "Noch keine Kompetenz im Unternehmen"),
    ("first_steps", "Erste Schritte bereits getestet (learning by doing, Frühstarter)"),
    ("basic", "Erste Grundkompetenzen und Erfahrungen vorhanden"),
)
STRATEGY_PART_LABELS = (
    ("business_integration", "Business Integration (Geschäftsprozesse eingebunden)"),
    ("goals", "Ziele und Zielsysteme zur Erfolgsmessung"),
    ("resources", "Ressourcen"),
)
GOAL_VALUES = tuple(value for value, _ in GOAL_LABELS)
STRATEGY_PART_VALUES = tuple(value for value, _ in STRATEGY_PART_LABELS)
EXPERIENCE_VALUES = tuple(value for value, _ in EXPERIENCE_LABELS)

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "participants", Kind.COUNT,
        label="Wie viele Personen sollen teilnehmen?",
        open_question="Wie viele Personen sollen in das Thema einsteigen?",
        minimum=1, maximum=MAX_PARTICIPANTS,
    ),
    Criterion(
        "multiple_functions", Kind.BOOL,
        label="Kommen die Teilnehmenden aus verschiedenen Funktionsbereichen?",
        open_question="Kommen die Teilnehmenden aus verschiedenen Funktionsbereichen?",
        details=("departments",),
        ask_if=(("participants", NOT_SINGLE),),
    ),
    Criterion(
        "goals", Kind.MULTI,
        label="Was soll der Einstieg leisten?",
        open_question="Was soll der Einstieg leisten: Überblick, Relevanz prüfen, konkrete nächste Schritte "
        "oder eine Strategie entwickeln?",
        values=GOAL_VALUES, value_labels=GOAL_LABELS,
    ),
    Criterion(
        "specific_approach", Kind.BOOL,
        label="Branchen- oder firmenspezifischer Einstieg gewünscht?",
        open_question="Wünschen Sie einen branchen- und firmenspezifischen Einstieg?",
    ),
    Criterion(
        "experience", Kind.CHOICE,
        label="Vorhandene Erfahrung mit Social Media",
        open_question="Welche Erfahrungen mit Social Media gibt es im Unternehmen bereits?",
        values=EXPERIENCE_VALUES, value_labels=EXPERIENCE_LABELS,
    ),
    Criterion(
        "broaden", Kind.BOOL,
        label="Soll Social Media nach ersten Schritten jetzt breiter angegangen werden?",
        open_question="Soll Social Media nach den ersten Schritten jetzt breiter angegangen werden?",
        ask_if=(("experience", "first_steps"),),
    ),
    Criterion(
        "attitude_formed", Kind.BOOL,
        label="Gibt es im Unternehmen schon eine Einstellung/Einschätzung zum Thema?",
        open_question="Gibt es im Unternehmen schon eine Einstellung oder Einschätzung zum Thema?",
    ),
    Criterion(
        "decision_made", Kind.BOOL,
        label="Ist die Entscheidung über eine Nutzung von Social Media gefallen?",
        open_question="Ist die Entscheidung über eine Nutzung von Social Media schon gefallen?",
    ),
    Criterion(
        "need_recognised", Kind.BOOL,
        label="Ist erkannt, dass man Social Media nutzen oder sich fundiert damit befassen muss?",
        open_question="Ist erkannt, dass Sie Social Media nutzen oder sich zumindest fundiert damit befassen "
        "sollten?",
    ),
    Criterion(
        "cross_functional", Kind.BOOL,
        label="Soll Social Media funktionsübergreifend im Unternehmen installiert werden?",
        open_question="Soll Social Media funktionsübergreifend im Unternehmen installiert werden?",
    ),
    Criterion(
        "platform_knowledge", Kind.BOOL,
        label="Anwenderkenntnisse von Plattformen (z. B. Facebook, Xing) vorhanden?",
        open_question="Gibt es Anwenderkenntnisse aus der Nutzung von Plattformen wie Facebook oder Xing?",
        role=Role.PREREQUISITE,
    ),
    Criterion(
        "strategy_exists", Kind.BOOL,
        label="Gibt es schon eine Social-Media-Strategie?",
        open_question="Gibt es schon eine Social-Media-Strategie, und was umfasst sie?",
        role=Role.PHASE,
    ),
    Criterion(
        "strategy_parts", Kind.MULTI,
        label="Was die bestehende Strategie schon festlegt",
        open_question="Legt die Strategie Business Integration, Ziele und Zielsysteme und Ressourcen fest?",
        role=Role.PHASE,
        values=STRATEGY_PART_VALUES, value_labels=STRATEGY_PART_LABELS,
        ask_if=(("strategy_exists", True),),
    ),
)

DETAILS: tuple[Criterion, ...] = (
    Criterion(
        "departments", Kind.LIST,
        label="Welche Funktionsbereiche?",
        open_question="",
        role=Role.DETAIL,
    ),
)
"""Facts stored with a criterion's answer (the areas named for ``multiple_functions``)."""

BY_NAME: dict[str, Criterion] = {c.name: c for c in CRITERIA + DETAILS}
NAMES: tuple[str, ...] = tuple(c.name for c in CRITERIA)
"""The asked criteria in form order."""
SCORING: tuple[str, ...] = tuple(c.name for c in CRITERIA if c.role is Role.SCORING)
PREREQUISITES: tuple[str, ...] = tuple(c.name for c in CRITERIA if c.role is Role.PREREQUISITE)
PHASE_CRITERIA: tuple[str, ...] = tuple(c.name for c in CRITERIA if c.role is Role.PHASE)
STORED_KEYS: tuple[str, ...] = NAMES + tuple(c.name for c in DETAILS)
"""Every key of a lead's stored criteria (asked criteria, then details)."""
BOOL_NAMES: frozenset[str] = frozenset(c.name for c in CRITERIA if c.kind is Kind.BOOL)
BRIEF_ORDER: tuple[Criterion, ...] = tuple(
    row for c in CRITERIA for row in (c, *(BY_NAME[d] for d in c.details))
)
"""The rows of the brief: each criterion followed by its details."""


def _matches(answer: object, wanted: object) -> bool:
    if wanted is NOT_SINGLE:
        return answer is None or answer != 1
    return answer == wanted
