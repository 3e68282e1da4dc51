"""One answer read for one criterion: the typed value, "unknown", a correction of an earlier answer.

Works on plain values (text, the NLU's intent name, a button's ``choice``, entity values), never on a
tracker: the form adapters in ``actions/forms.py`` pass them in.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from advisor.criteria import BOOL_NAMES, EXPERIENCE_VALUES, FOCUS_VALUES, MAX_PARTICIPANTS, NAMES
from advisor.german.answers import parse_yes_no
from advisor.german.departments import parse_departments
from advisor.german.facts import UNKNOWN
from advisor.german.focus import parse_experience, parse_focus
from advisor.german.participants import parse_participants
from advisor.german.platforms import parse_platform_knowledge
from advisor.german.text import normalize

__all__ = [
    "UNKNOWN",
    "correction",
    "corrections",
    "corrects_another",
    "implied_by",
    "interpret",
    "looks_like_question",
]

# UNKNOWN: the prospect does not know: skip and keep as an open question (one sentinel, from facts)

CHOICE_YES = {"yes", "ja", "true"}
CHOICE_NO = {"no", "nein", "false"}
CHOICE_UNKNOWN = {"unknown", "weiss nicht", "weiß nicht"}

QUESTION_START = re.compile(
    r"^(was|wie|wer|wen|wem|warum|wieso|weshalb|wo|woher|wann|welche\w*|kann|koennen|koennten|gibt|"
    r"ist|sind|bist|hast|habt|haben sie|darf|duerfen|muss|muessen|erklaer\w*|erzaehl\w*)\b"
)
CORRECTION_MARKER = re.compile(
    r"\b(doch|eigentlich|korrektur|korrigier\w*|sondern|ich meinte|wir meinten|falsch|stimmt nicht|sorry|"
    r"aender\w*|änder\w*)\b",
    re.IGNORECASE,
)
COUNT_MARKER = re.compile(
    r"\bzu\s+(zweit|dritt|viert|fuenft|fünft|sechst|siebt|acht|neunt|zehnt|elft|zwoelft|zwölft)\b|"
    r"\b\d+\s*(personen|leute|teilnehm\w*|mitarbeit\w*|kolleg\w*|menschen)\b|"
    r"\b(personen|leute|teilnehmer\w*|kolleg\w*)\b",
    re.IGNORECASE,
)
PLATFORM_MARKER = re.compile(r"\b(facebook|fb|xing|linkedin|instagram|insta|tiktok|twitter|youtube)\b",
                             re.IGNORECASE)
_USE_MARKER = re.compile(r"\b(kenn\w*|nutz\w*|benutz\w*|verwend\w*|aktiv|privat|account|profil|konto)\b",
                         re.IGNORECASE)
_DECIDED = re.compile(r"\b(erkannt|entschieden|beschlossen|steht fest|muessen wir|wollen wir)\b")
_NOT_DECIDED = re.compile(r"\b(nicht|noch offen|unentschieden)\b")
_UNKNOWN_PHRASES = ("weiss nicht", "weiss ich nicht", "keine ahnung", "unklar", "jein", "teils teils",
                    "noch offen", "vielleicht", "kommt drauf an")

Entities = Mapping[str, list[str]]


def looks_like_question(text: str) -> bool:
    return "?" in text or bool(QUESTION_START.match(normalize(text)))


def interpret(slot: str, text: str, intent: str, choice: str | None, entities: Entities) -> Any:
    """The typed value of ``slot`` in an answer, ``UNKNOWN`` for "weiß nicht", or None if not understood."""
    if choice is not None:
        return _interpret_choice(slot, choice)
    if intent == "unsure":
        return UNKNOWN
    if slot == "participants":
        value = parse_participants(text)
        if value is None:
            for number in entities.get("number", []):
                value = parse_participants(number)
                if value is not None:
                    break
        return float(value) if value is not None else None
    if slot == "focus":
        return parse_focus(text)
    if slot == "experience":
        value = parse_experience(text)
        if value is None and intent == "deny":
            return "none"
        return value
    if slot == "multiple_functions":
        departments = parse_departments(text)
        if len(departments) >= 2:
            return True
        if len(departments) == 1 and parse_yes_no(text) is None:
            return False
    if slot == "platform_knowledge":
        value = parse_platform_knowledge(text)
        if value is not None:
            return value
    if slot == "decision_made":
        norm = normalize(text)
        if _DECIDED.search(norm) and not _NOT_DECIDED.search(norm):
            return True
    if slot in BOOL_NAMES:
        value = parse_yes_no(text)
        if value is None and intent in ("affirm", "deny") and len(text) <= 40:
            value = intent == "affirm"
        if value is None and _says_unknown(text):
            return UNKNOWN
        return value
    return None


def _says_unknown(text: str) -> bool:
    norm = normalize(text)
    return any(p in norm for p in _UNKNOWN_PHRASES)


def _interpret_choice(slot: str, choice: str) -> Any:
    if choice in CHOICE_UNKNOWN:
        return UNKNOWN
    if slot == "participants":
        try:
            value = float(choice)
        except ValueError:
            return None
        return value if 1 <= value <= MAX_PARTICIPANTS else None
    if slot == "focus":
        return choice if choice in FOCUS_VALUES else None
    if slot == "experience":
        return choice if choice in EXPERIENCE_VALUES else None
    if slot in BOOL_NAMES:
        if choice in CHOICE_YES:
            return True
        if choice in CHOICE_NO:
            return False
    return None


def correction(slot: str, text: str, intent: str, entities: Entities) -> Any:
    """The corrected value when ``text`` explicitly revises ``slot`` (not the question being asked)."""
    if intent not in ("inform", "deny", "affirm", "nlu_fallback") or not text:
        return None
    if slot == "participants":
        if COUNT_MARKER.search(text):
            value = parse_participants(text)
            return float(value) if value is not None else None
        return None
    if slot == "platform_knowledge":
        if PLATFORM_MARKER.search(text) and _USE_MARKER.search(text):
            return parse_platform_knowledge(text)
        return None
    if not CORRECTION_MARKER.search(text):
        return None
    if slot == "focus":
        return parse_focus(text)
    if slot == "experience":
        return parse_experience(text)
    if slot == "multiple_functions":
        departments = parse_departments(text)
        return True if len(departments) >= 2 else None
    return None


def implied_by(slot: str, value: Any, previous_participants: Any) -> dict[str, Any]:
    """Answers implied by another: one person means one functional area; a group must be asked again."""
    if slot != "participants":
        return {}
    if value == 1:
        return {"multiple_functions": False}
    if previous_participants == 1:  # corrected from one person to a group: ask the areas
        return {"multiple_functions": None}
    return {}


def corrections(text: str, intent: str, entities: Entities, current: Mapping[str, Any],
                slots: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Slot values that ``text`` explicitly corrects, given the ``current`` answers."""
    changes: dict[str, Any] = {}
    for slot in slots:
        value = correction(slot, text, intent, entities)
        if value is not None and value != current.get(slot):
            changes[slot] = value
    if "participants" in changes:
        changes.update(implied_by("participants", changes["participants"], current.get("participants")))
    return changes


def corrects_another(text: str, intent: str, entities: Entities, asked: str) -> bool:
    """The message revises an earlier answer other than the one being asked."""
    return any(correction(s, text, intent, entities) is not None for s in NAMES if s != asked)
