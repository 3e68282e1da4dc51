"""How hot a lead is: one table of signals the consultant would read from the chat (plain Python).

The brief's summary line "Interesse: hoch – …" comes from here. Each signal is a row of :data:`SIGNALS`:
a test on the answers, the recommendation and the prospect's own questions, its points and the German
phrase the consultant reads. The level follows from the sum (:data:`LEVELS`). It is a hint for the call,
not a score of the person: nothing here changes the recommendation.

- a decision to use social media is taken (+2), or explicitly not yet (−1);
- the need is recognised (+1);
- the prospect asked about the offer itself — price, dates, duration, place, in-house, funding, the free
  first call (+2; the topics are named as asked);
- the answers point clearly to one format (+1).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

BUYING_TOPICS: dict[str, str] = {
    "price": "Preis",
    "dates": "Termine",
    "duration": "Dauer",
    "place": "Ort",
    "online": "online/vor Ort",
    "in_house": "Inhouse",
    "funding": "Förderung",
    "first_call": "Erstgespräch",
}
"""Offer topics (advisor.offer.TOPICS) that show buying interest, with the word the brief uses."""


@dataclass(frozen=True)
class Facts:
    """What the interest signals look at."""

    decision_made: bool | None = None
    need_recognised: bool | None = None
    format_clear: bool = False
    asked_topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signal:
    key: str
    points: int
    applies: Callable[[Facts], bool]
    phrase: Callable[[Facts], str]


def _topics_phrase(facts: Facts) -> str:
    return "fragt nach " + ", ".join(BUYING_TOPICS[t] for t in facts.asked_topics)


SIGNALS: tuple[Signal, ...] = (
    Signal("decision_made", 2, lambda f: f.decision_made is True, lambda f: "Entscheidung für Social Media gefallen"),
    Signal("buying_questions", 2, lambda f: bool(f.asked_topics), _topics_phrase),
    Signal("need_recognised", 1, lambda f: f.need_recognised is True, lambda f: "Bedarf erkannt"),
    Signal("format_clear", 1, lambda f: f.format_clear, lambda f: "Format klar"),
    Signal("no_decision", -1, lambda f: f.decision_made is False, lambda f: "noch nichts entschieden"),
)
"""The signals, strongest first (the brief names them in this order)."""

LEVELS: tuple[tuple[int, str], ...] = ((4, "hoch"), (2, "mittel"), (-99, "niedrig"))
"""(lowest sum, level) from the top; the first whose bound the sum reaches."""


@dataclass(frozen=True)
class Interest:
    level: str
    points: int
    signals: tuple[str, ...]

    def text(self) -> str:
        """One line for the brief, e.g. "hoch – Entscheidung für Social Media gefallen; fragt nach Preis"."""
        return f"{self.level} – {'; '.join(self.signals)}" if self.signals else f"{self.level} – keine Signale"


def asked_buying_topics(prospect_questions: Iterable[Any] | None) -> tuple[str, ...]:
    """The buying topics among the prospect's questions (stored entries with ``topics``), in the order asked."""
    seen: list[str] = []
    for entry in prospect_questions or ():
        if not isinstance(entry, Mapping) or entry.get("kind") == "objection":
            continue
        for topic in entry.get("topics") or ():
            if topic in BUYING_TOPICS and topic not in seen:
                seen.append(str(topic))
    return tuple(seen)


def assess(facts: Facts, signals: Sequence[Signal] = SIGNALS) -> Interest:
    hits = [s for s in signals if s.applies(facts)]
    points = sum(s.points for s in hits)
    level = next(name for bound, name in LEVELS if points >= bound)
    return Interest(level, points, tuple(s.phrase(facts) for s in hits))
