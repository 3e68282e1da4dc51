"""One message read against the answers so far: what it answers, what it adds, what it corrects.

``read_message`` is what the form adapters call for every message: it combines a button's ``choice`` or the
typed text (``advisor.german.facts.read_facts``) with the answers already given and returns a ``Reading``:

* ``answer``: the value for the question just asked (``UNKNOWN`` for "weiß nicht"), or None;
* ``added``: facts for criteria not answered yet, stated in passing ("…, wir sind übrigens zu viert");
* ``corrected``: changed values of earlier answers. A correction needs a *changed value* and an explicit
  marker ("doch", "korrigiere", "ich meinte", "stimmt nicht", "sondern", "inzwischen"); "eigentlich" alone
  is none, and restating the same value is no correction.

* ``unsure``: facts read only from a weak cue (``advisor.german.facts.read_graded``): never stored from
  the text alone; the form asks "Habe ich richtig verstanden: …?" first (``confirmation_of``), as for a
  contradicted earlier answer.

When a message states or corrects another fact, its bare "ja"/"nein" belongs to that fact ("Nein, Facebook
kennen wir doch"), not to the question being asked: the question is asked again.

Works on plain values (text, a button's ``choice``, the answers so far), never on a tracker.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from advisor.criteria import (
    BOOL_NAMES,
    BY_NAME,
    EXPERIENCE_VALUES,
    GOAL_VALUES,
    MAX_PARTICIPANTS,
    NAMES,
    STRATEGY_PART_VALUES,
)
from advisor.german.facts import UNKNOWN, read_graded
from advisor.german.text import normalize

__all__ = [
    "CHOICE_NO",
    "CHOICE_UNKNOWN",
    "CHOICE_YES",
    "UNKNOWN",
    "Reading",
    "confirmation_of",
    "confirmations_of",
    "implied_by",
    "interpret_choice",
    "looks_like_question",
    "read_message",
]

CHOICE_YES = {"yes", "ja", "true"}
CHOICE_NO = {"no", "nein", "false"}
CHOICE_UNKNOWN = {"unknown", "weiss nicht", "weiß nicht"}

QUESTION_START = re.compile(
    r"^(was|wie|wer|wen|wem|warum|wieso|weshalb|wo|woher|wann|welche\w*|kann|koennen|koennten|gibt|"
    r"ist|sind|bist|hast|habt|haben sie|darf|duerfen|muss|muessen|erklaer\w*|erzaehl\w*|passt|passen)\b"
)
CORRECTION_MARKER = re.compile(
    r"\b(doch|korrektur|korrigier\w*|sondern|ich meinte|wir meinten|falsch|stimmt nicht|stimmt so nicht|"
    r"sorry|pardon|verzeihung|aender\w*|inzwischen|mittlerweile|ich habe mich vertan|hab mich vertan|"
    r"vertippt|nicht mehr|statt)\b"
)
FACT_FIELDS = NAMES + ("departments",)
# what a question takes for granted: a message that denies it corrects that answer without a correction word
# ("Was legt Ihre Strategie fest?" - "Wir haben doch gar keine Strategie")
PREMISES = {"strategy_parts": ("strategy_exists", True), "broaden": ("experience", "first_steps")}
# facts that belong to the answer of a question (the areas named when asked about functional areas)
ASKED_WITH = {"multiple_functions": ("departments",), "participants": ("departments", "multiple_functions")}


def looks_like_question(text: str) -> bool:
    return "?" in text or bool(QUESTION_START.match(normalize(text)))


# "fünf Personen sind wir, nicht vier": a value set against another one at the end of the message
REPLACED_VALUE = re.compile(r"[,;:(]\s*(und\s+)?nicht\s+(mehr\s+)?\w+\s*[).!]*\s*$")


def says_correction(text: str) -> bool:
    return bool(CORRECTION_MARKER.search(normalize(text)) or REPLACED_VALUE.search(normalize(text)))


@dataclass
class Reading:
    """What one message means for the qualification (see module docstring)."""

    answer: Any = None
    added: dict[str, Any] = field(default_factory=dict)
    corrected: dict[str, Any] = field(default_factory=dict)
    restated: set[str] = field(default_factory=set)
    """Facts the message states again with the value already given ("hab ich doch gesagt")."""
    contradicted: dict[str, Any] = field(default_factory=dict)
    """Changed values of earlier answers stated without a correction word: never stored from the text alone,
    the form asks whether it understood them right (``confirmation_of``)."""
    unsure: dict[str, Any] = field(default_factory=dict)
    """Facts read only from a weak cue (the asked one first): never stored from the text alone, the form
    asks whether it understood them right (``confirmation_of``)."""

    @property
    def changes(self) -> dict[str, Any]:
        return {**self.added, **self.corrected}


def read_message(text: str, asked: str | None, choice: str | None, answers: Mapping[str, Any],
                 unknown: set[str] | frozenset[str] = frozenset(), *, volunteered: bool = False) -> Reading:
    """Read one message given the question ``asked`` and the ``answers`` so far (``unknown``: the
    criteria answered with "weiß nicht"). ``volunteered``: the message was not an answer to a question
    (after the recommendation: "Die Anwenderkenntnisse haben wir aber nicht"), so a changed value is a
    correction even without a correction word."""
    if choice is not None:
        return Reading(answer=interpret_choice(asked, choice) if asked else None)
    if not isinstance(text, str) or not text.strip():
        return Reading()
    graded = read_graded(text, asked)
    free_graded = read_graded(text, None) if asked else graded  # facts with a topic of their own
    stated, free = graded.sure, free_graded.sure
    weak = {k: v for k, v in {**free_graded.unsure, **graded.unsure}.items() if k not in stated and k not in free}
    reading = Reading()
    correcting = volunteered or says_correction(text)
    for name in FACT_FIELDS:
        if name == asked:
            continue
        value = stated.get(name, free.get(name))
        if value is None:
            continue
        current = answers.get(name)
        premise = PREMISES.get(asked or "")
        if premise and premise[0] == name and current == premise[1] and value is not UNKNOWN \
                and not _same(value, current):
            reading.corrected[name] = value
            continue
        if current is not None and _same(value, current):
            reading.restated.add(name)
        elif current is None and name not in unknown:
            reading.added[name] = value
        elif value is not UNKNOWN and current is not None and not _same(value, current):
            if correcting:
                reading.corrected[name] = value
            else:
                reading.contradicted[name] = value
    if asked:
        value = stated.get(asked)
        from_topic = asked in free
        # a bare "ja"/"nein" belongs to the facts the message states, not to the question asked
        # (a contradicted fact only claims a bare yes/no: "Einen Überblick" still answers the goals)
        claimed = (*reading.changes, *(reading.contradicted if isinstance(value, bool) else ()))
        others = {k for k in claimed if k not in ASKED_WITH.get(asked, ())}
        if value is not None and (from_topic or not others):
            reading.answer = value
        elif value is None and weak.get(asked) is not None and not others:
            reading.unsure[asked] = weak[asked]
    for name in FACT_FIELDS:
        value = weak.get(name)
        if name == asked or value is None:
            continue
        current = answers.get(name)
        if current is None and name not in unknown:
            reading.unsure[name] = value
        elif current is not None and _same(value, current):
            reading.restated.add(name)
        elif current is not None:
            reading.contradicted.setdefault(name, value)
    reading.added.update(_implied(reading, answers))
    return reading


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple, set, frozenset)) and isinstance(b, (list, tuple, set, frozenset)):
        return set(a) == set(b)
    return a == b


def _implied(reading: Reading, answers: Mapping[str, Any]) -> dict[str, Any]:
    count = reading.corrected.get("participants", reading.added.get("participants"))
    if count is None:
        return {}
    extra = implied_by("participants", count, answers.get("participants"))
    return {k: v for k, v in extra.items() if k not in reading.changes}


def interpret_choice(slot: str | None, choice: str) -> Any:
    """The typed value of a button's ``choice`` for ``slot`` (None when it does not fit the slot)."""
    if choice in CHOICE_UNKNOWN:
        return UNKNOWN
    if slot == "participants":  # a whole number of people ("4"; never "-5", "4.5", "1e3" or "nan")
        if not (isinstance(choice, str) and choice.isascii() and choice.isdigit() and len(choice) <= 6):
            return None
        value = float(choice)
        return value if 1 <= value <= MAX_PARTICIPANTS else None
    if slot == "goals":
        return [choice] if choice in GOAL_VALUES else None
    if slot == "strategy_parts":
        if choice == "all":
            return list(STRATEGY_PART_VALUES)
        if choice == "none":
            return []
        return [choice] if choice in STRATEGY_PART_VALUES else None
    if slot == "experience":
        return choice if choice in EXPERIENCE_VALUES else None
    if slot in BOOL_NAMES:
        if choice in CHOICE_YES:
            return True
        if choice in CHOICE_NO:
            return False
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


def applicable(name: str, answers: Mapping[str, Any]) -> bool:
    """Whether criterion ``name`` is worth asking given the ``answers`` (the table's ``ask_if``)."""
    return BY_NAME[name].applies(answers)


def confirmation_of(reading: Reading) -> tuple[str, Any] | None:
    """The one fact to confirm before storing it, or None: a contradiction of an earlier answer that the
    message states without a correction word (the first one in criteria order), else a fact read only from a
    weak cue (the answer to the question asked first); only when the message corrects nothing."""
    if reading.corrected:
        return None
    if reading.contradicted:
        name = next(n for n in FACT_FIELDS if n in reading.contradicted)
        return name, reading.contradicted[name]
    if reading.unsure:
        name = next(iter(reading.unsure))
        return name, reading.unsure[name]
    return None


def confirmations_of(reading: Reading) -> dict[str, Any]:
    """Every fact to confirm before storing it, the one of ``confirmation_of`` first: the contradicted earlier
    answers, then the facts read only from a weak cue ("Habe ich richtig verstanden: 5 Personen und aus
    mehreren Funktionsbereichen?"); none when the message corrects something."""
    first = confirmation_of(reading)
    if first is None:
        return {}
    facts = {first[0]: first[1]}
    for name in FACT_FIELDS:
        if name in reading.contradicted:
            facts.setdefault(name, reading.contradicted[name])
    for name, value in reading.unsure.items():
        facts.setdefault(name, value)
    return facts
