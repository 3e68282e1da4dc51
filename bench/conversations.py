"""The scripted conversations the benchmark plays, and how a reply is checked.

German: a whole qualification conversation (greeting, the 9-question form with typed German answers and button
payloads mixed, the recommendation, the contact form with consent and the summary confirmation, the saved
lead). Several variants rotate so that the recommendation differs (workshop, seminar, prerequisite first).
English: the ``rasa init`` moodbot (greet -> mood_unhappy -> deny -> goodbye loops) with about the same turns.
The moodbot's stories only know a greeting at the start of a conversation: in one long conversation it goes
silent from the second loop on (measured: no reply to turns 5-17), which would make its turns artificially
cheap. So each loop is played under its own sender id (``Turn.session``) - every turn then gets its real answer.

Each turn names the response that must be the *last* message of the bot's answer (the next question of a form,
for example). The markers are read from the domains at run time (the first words of each response text), so a
reworded response does not break the benchmark. The REST runner checks the marker in the whole reply; the
socket.io runner also uses it to know when a turn's reply is complete (messages arrive one by one there).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from advisor.criteria import CRITERIA

MARKER_CHARS = 28


@dataclass(frozen=True)
class Turn:
    text: str
    end: str  # response name (or "text:<literal>") that must end the bot's answer
    typed: bool = True
    session: int = 0  # > 0: this turn is sent under a sub-conversation's own sender id (see moodbot_script)


@dataclass
class Script:
    """One conversation: turns plus the conversation-level check."""

    name: str
    turns: list[Turn]
    markers: dict[str, str]
    #: (marker key, turn index or None = any turn) that must appear; order is checked too
    must_contain: list[tuple[str, int | None]] = field(default_factory=list)

    def marker(self, turn: Turn) -> str:
        return self.markers.get(turn.end, turn.end.removeprefix("text:"))

    def turn_ok(self, turn: Turn, texts: list[str]) -> bool:
        marker = self.marker(turn)
        return any(marker in t for t in texts)

    def check(self, replies: list[list[str]]) -> str | None:
        """None when the conversation ended as it must, else a short reason (a semantic error)."""
        if len(replies) < len(self.turns):
            return f"aborted after {len(replies)} of {len(self.turns)} turns"
        last_pos = -1
        for key, index in self.must_contain:
            pattern = self.markers[key]
            candidates = range(len(replies)) if index is None else [index % len(replies)]
            hits = [i for i in candidates if any(re.search(pattern, t) for t in replies[i])]
            if not hits:
                where = "anywhere" if index is None else f"in turn {index % len(replies) + 1}"
                return f"missing {key} {where}"
            if hits[0] < last_pos:
                return f"{key} came before the previous expected message"
            last_pos = hits[0]
        return None


# -- markers from the domain --------------------------------------------------------------------------------
def response_markers(domain_paths: list[Path]) -> dict[str, str]:
    """response name -> a piece of its first text that every rendering contains (see ``_literal``)."""
    return dict(_response_markers(tuple(domain_paths)))


@functools.lru_cache(maxsize=8)
def _response_markers(domain_paths: tuple[Path, ...]) -> dict[str, str]:
    markers: dict[str, str] = {}
    for path in domain_paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (data.get("responses") or {}).items():
            if not variants:
                continue
            text = (variants[0] or {}).get("text") or ""
            marker = _literal(text)
            if marker:
                markers[name] = marker
    return markers


def _literal(text: str) -> str:
    """The longest slot-free piece of the first line, shortened: what every rendering of ``text`` contains."""
    first_line = text.strip().split("\n", 1)[0]
    pieces = [p.strip(" !?,.:;") for p in re.split(r"\{[^}]*\}", first_line)]
    return max(pieces, key=len, default="")[:MARKER_CHARS]


# -- the German qualification conversation --------------------------------------------------------------------
QUESTION = {c.name: c.ask_response for c in CRITERIA}


def _btn(choice: str) -> str:
    return '/inform{"choice": "' + choice + '"}'


# Each variant: the answers in form order (None = the question is not asked, e.g. areas for one person).
# Typed German answers and button payloads are mixed on purpose.
GERMAN_VARIANTS: list[tuple[str, list[tuple[str, str | None]]]] = [
    ("workshop-typed", [
        ("participants", "wir sind zu dritt"),
        ("multiple_functions", "ja, aus mehreren Bereichen"),
        ("goals", _btn("strategy")),
        ("specific_approach", "ja, gern firmenspezifisch"),
        ("experience", "wir haben schon erste Schritte ausprobiert"),
        ("broaden", "ja, jetzt breiter"),
        ("attitude_formed", _btn("yes")),
        ("decision_made", "ja, das ist entschieden"),
        ("need_recognised", _btn("yes")),
        ("cross_functional", _btn("yes")),
        ("platform_knowledge", "ja, die nutzen wir"),
        ("strategy_exists", "nein, noch nicht"),
        ("strategy_parts", None),
    ]),
    ("seminar-mixed", [
        ("participants", "nur ich"),
        ("multiple_functions", None),
        ("goals", "erst einmal einen Überblick"),
        ("specific_approach", _btn("no")),
        ("experience", "noch gar keine"),
        ("broaden", None),
        ("attitude_formed", "nein, noch nicht"),
        ("decision_made", _btn("no")),
        ("need_recognised", "eher nicht"),
        ("cross_functional", "eher nicht"),
        ("platform_knowledge", _btn("yes")),
        ("strategy_exists", _btn("no")),
        ("strategy_parts", None),
    ]),
    ("prerequisite-buttons", [
        ("participants", _btn("4")),
        ("multiple_functions", _btn("yes")),
        ("goals", "konkrete nächste Schritte"),
        ("specific_approach", _btn("yes")),
        ("experience", _btn("none")),
        ("broaden", None),
        ("attitude_formed", _btn("yes")),
        ("decision_made", _btn("yes")),
        ("need_recognised", _btn("yes")),
        ("cross_functional", _btn("yes")),
        ("platform_knowledge", "nein, da kennen wir uns nicht aus"),
        ("strategy_exists", _btn("yes")),
        ("strategy_parts", _btn("goals")),
    ]),
]


def german_script(index: int, root: Path) -> Script:
    """The index-th German conversation (variants rotate); contact data is unique per conversation."""
    from actions import texts  # the texts the actions compose (recommendation)

    markers = response_markers(sorted((root / "domain").glob("*.yml")))
    markers["next_steps"] = _literal(texts.NEXT_STEPS)
    headlines = [*texts.FORMAT_HEADLINE.values(), texts.PREREQUISITE_HEADLINE]
    markers["recommendation"] = "|".join(re.escape(_literal(h)) for h in headlines)
    markers["lead_saved"] = re.escape(markers["utter_lead_saved"])

    name, answers = GERMAN_VARIANTS[index % len(GERMAN_VARIANTS)]
    asked = [(slot, answer) for slot, answer in answers if answer is not None]
    turns = [Turn("Hallo", "utter_offer_help"), Turn("/request_recommendation", QUESTION[asked[0][0]], False)]
    for i, (_slot, answer) in enumerate(asked):
        end = QUESTION[asked[i + 1][0]] if i + 1 < len(asked) else "next_steps"
        turns.append(Turn(answer, end, not answer.startswith("/")))
    turns += [
        Turn("/request_callback", "utter_ask_consent", False),
        Turn(_btn("yes"), "utter_ask_contact_name", False),
        Turn("Anna Schmidt", "utter_ask_company"),
        Turn("Muster GmbH" if index % 2 == 0 else "Ich frage für die Bäckerei Beispiel an", "utter_ask_email"),
        Turn(f"anna.schmidt+{index}@example.com", "utter_ask_phone"),
        Turn("0171 2345678" if index % 2 == 0 else _btn("none"), "utter_ask_preferred_contact", index % 2 == 0),
        Turn(_btn("vormittags") if index % 2 == 0 else "am liebsten nachmittags per Telefon",
             "utter_ask_contact_confirmed", index % 2 == 1),
        Turn(_btn("yes"), "utter_lead_saved", False),
    ]
    return Script(f"de/{name}", turns, markers,
                  must_contain=[("recommendation", len(asked) + 1), ("lead_saved", -1)])


# -- the moodbot conversation (rasa init) ---------------------------------------------------------------------
MOOD_LOOPS = [
    ("hello", "I am sad", "no", "goodbye"),
    ("hi", "I am very sad", "not really", "bye"),
    ("hey there", "I'm unhappy", "no", "see you later"),
    ("good morning", "very bad", "nope", "have a nice day"),
]


def moodbot_script(index: int, baseline_dir: Path) -> Script:
    markers = response_markers([baseline_dir / "domain.yml"])
    markers["iamabot"] = re.escape(markers["utter_iamabot"])
    markers["goodbye"] = re.escape(markers["utter_goodbye"])
    markers["did_that_help"] = re.escape(markers["utter_did_that_help"])
    turns: list[Turn] = []
    must: list[tuple[str, int | None]] = []
    for k in range(len(MOOD_LOOPS)):
        greet, sad, deny, bye = MOOD_LOOPS[(index + k) % len(MOOD_LOOPS)]
        must += [("did_that_help", len(turns) + 1), ("goodbye", len(turns) + 2)]
        turns += [Turn(greet, "utter_greet", session=k), Turn(sad, "utter_did_that_help", session=k),
                  Turn(deny, "utter_goodbye", session=k), Turn(bye, "utter_goodbye", session=k)]
    last = len(MOOD_LOOPS)
    turns += [Turn("hello", "utter_greet", session=last), Turn("I am great", "utter_happy", session=last),
              Turn("are you a bot?", "utter_iamabot", session=last)]
    return Script("en/moodbot", turns, markers, must_contain=[*must, ("iamabot", -1)])
