"""Platforms named and whether the prospect has user knowledge of them (negation-aware)."""
from __future__ import annotations

from collections.abc import Sequence

from advisor.german.answers import _yes_no_signal
from advisor.german.text import _clauses, _has, _hits, _Phrase, _phrases, _unique, tokenize

# ---------------------------------------------------------------------------
# Platforms and platform knowledge
# ---------------------------------------------------------------------------

_PLATFORMS: tuple[tuple[str, tuple[_Phrase, ...]], ...] = (
    ("Facebook", _phrases("facebook*", "fb", "meta")),
    ("Xing", _phrases("xing")),
    ("LinkedIn", _phrases("linkedin", "linked in")),
    ("Instagram", _phrases("instagram", "insta")),
    ("TikTok", _phrases("tiktok", "tik tok")),
    ("YouTube", _phrases("youtube", "you tube")),
    ("X/Twitter", _phrases("twitter", "tweet*")),
    ("Pinterest", _phrases("pinterest")),
    ("WhatsApp", _phrases("whatsapp", "whats app")),
    ("Snapchat", _phrases("snapchat")),
    ("Mastodon", _phrases("mastodon")),
)
_KNOWLEDGE_MARKERS = _phrases(
    "social media", "social network*", "soziale* netzwerk*", "soziale* medien", "privat*",
    "anwender*", "nutze", "nutzen", "nutzt", "genutzt", "benutz*", "kenne", "kennen",
    "kennt", "bekannt", "account*", "profil*", "konto", "konten", "aktiv",
)


def parse_platforms(text: object) -> list[str]:
    """Canonical platform names in order of appearance: "fb und Xing" -> [Facebook, Xing]."""
    tokens = tokenize(text)
    hits: list[tuple[int, int, str]] = []
    for order, (name, phrases) in enumerate(_PLATFORMS):
        hits.extend((start, order, name) for start, _end in _hits(tokens, phrases))
    return _unique(name for _start, _order, name in sorted(hits))


def _mentions_knowledge(clause: Sequence[str]) -> bool:
    if _has(clause, _KNOWLEDGE_MARKERS):
        return True
    return any(_has(clause, phrases) for _name, phrases in _PLATFORMS)


def parse_platform_knowledge(text: object) -> bool | None:
    """Whether the prospect has user knowledge of social network platforms.

    The seed: "Für den Einstieg via Workshop empfehlen sich zumindest
    Anwenderkenntnisse aus der Nutzung von Social Network Plattformen (wie z. B.
    Facebook oder Xing)". Private use counts. Each clause that names a platform
    (or use: "privat", "nutzen", "kennen") is judged on its own; one positive
    clause is enough ("Facebook ja, Xing nicht" -> True). Without such a
    clause the answer falls back to :func:`parse_yes_no`.
    """
    tokens = tokenize(text)
    if not tokens:
        return None
    negative = False
    for clause in _clauses(tokens):
        if not _mentions_knowledge(clause):
            continue
        value, signal = _yes_no_signal(clause)
        if value is False:
            negative = True
        elif value is True or not signal:
            return True
    if negative:
        return False
    value, _signal = _yes_no_signal(tokens)
    return value
