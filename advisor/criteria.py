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

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "BOOL_NAMES",
    "BRIEF_ORDER",
    "BY_NAME",
    "CRITERIA",
    "DETAILS",
    "EXPERIENCE_VALUES",
    "FOCUS_VALUES",
    "MAX_PARTICIPANTS",
    "NAMES",
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
    LIST = "list"  # several strings (list slot), details only


class Role(str, Enum):
    """What a criterion does in the recommendation."""

    SCORING = "scoring"  # counts for seminar or workshop
    PREREQUISITE = "prerequisite"  # the workshop prerequisite: not a score
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

    @property
    def ask_response(self) -> str:
        """The domain response that asks this criterion in the chat."""
        return f"utter_ask_{self.name}"

    @property
    def explain_response(self) -> str:
        """The domain response that answers "warum fragen Sie das?"."""
        return f"utter_explain_{self.name}"



MAX_PARTICIPANTS = 10_000
"""Participant counts above this are absurd and count as unanswered."""

FOCUS_LABELS = (
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
FOCUS_VALUES = tuple(value for value, _ in FOCUS_LABELS)
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
    ),
    Criterion(
        "focus", Kind.CHOICE,
        label="Was steht im Vordergrund?",
        open_question="Was steht im Vordergrund: Überblick, Relevanz, konkrete nächste Schritte "
        "oder eine Strategie?",
        values=FOCUS_VALUES, value_labels=FOCUS_LABELS,
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
        "attitude_formed", Kind.BOOL,
        label="Gibt es im Unternehmen schon eine Einstellung/Einschätzung zum Thema?",
        open_question="Gibt es im Unternehmen schon eine Einstellung oder Einschätzung zum Thema?",
    ),
    Criterion(
        "decision_made", Kind.BOOL,
        label="Ist die Entscheidung über die Nutzung gefallen / Notwendigkeit erkannt?",
        open_question="Ist die Entscheidung über eine Nutzung von Social Media schon gefallen?",
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
STORED_KEYS: tuple[str, ...] = NAMES + tuple(c.name for c in DETAILS)
"""Every key of a lead's stored criteria (asked criteria, then details)."""
BOOL_NAMES: frozenset[str] = frozenset(c.name for c in CRITERIA if c.kind is Kind.BOOL)
BRIEF_ORDER: tuple[Criterion, ...] = tuple(
    row for c in CRITERIA for row in (c, *(BY_NAME[d] for d in c.details))
)
"""The rows of the brief: each criterion followed by its details."""
