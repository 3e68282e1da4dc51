"""Questions about the conversation itself, not about the prospect: "wie viele Fragen kommen noch?",
"wie lange dauert das?", "kommen Sie zum Punkt".

``meta_question(text)`` says which kind a message is: ``"progress"`` (how much is left), ``"impatient"``
(get on with it) or ``None``. The intent router (``advisor.german.opening.route``) sends both to the
``explain`` intent, whose action answers inside a form with how many questions are left. A classifier trained
on the criteria's answers has no class for them and took "wie viele Fragen kommen denn noch??" for a question
about in-house seminars.

Pure Python: no Rasa import.
"""
from __future__ import annotations

from advisor.german.text import _has, _phrases, tokenize

__all__ = ["meta_question"]

_PROGRESS = _phrases(
    "wie viele fragen", "wieviele fragen", "wie viel fragen", "wieviel fragen", "wie viele noch",
    "wieviele noch", "wie viel noch", "wieviel noch", "noch viele fragen", "viele fragen noch",
    "noch mehr fragen", "fragen kommen noch", "fragen noch", "wie lange noch", "wie lange dauert das",
    "wie lange dauert es", "wie lange dauert dieses", "wie lange dauert der chat", "wie lang dauert das",
    "wie lange geht das", "dauert das noch", "dauert es noch", "dauert das lange", "dauert es lange",
    "noch lange", "wann bin ich fertig", "wann sind wir fertig", "sind wir bald fertig",
    "bin ich bald fertig", "bald fertig", "fast fertig", "wann kommt die empfehlung", "wann kommt das ergebnis",
    "wann krieg* ich", "wann bekomm* ich", "wann gibt es die empfehlung", "wann gibts", "letzte frage",
)
_IMPATIENT = _phrases(
    "zum punkt", "auf den punkt", "zu viele fragen", "so viele fragen", "soviele fragen", "genug fragen",
    "genug gefragt", "fragerei", "ausfragen", "verhoer*", "geht das schneller", "geht es schneller",
    "geht das auch schneller", "geht es auch schneller", "bisschen schneller", "etwas schneller", "abkuerz*",
    "kuerzer", "kurz fassen", "keine zeit", "wenig zeit", "nervt", "nervig", "dauert zu lange", "zu lange",
    "endlich",
)

# a question about the offer ("wie lange dauert ein Workshop?", "keine Zeit für zwei Tage Seminar") is not
# one about this conversation
_OFFER_WORDS = _phrases(
    "seminar*", "workshop*", "termin*", "gespraech*", "erstgespraech*", "telefonat*", "call", "anruf*",
    "kurs*", "schulung*", "training*", "coaching*", "veranstaltung*", "tag", "tage", "stunden",
)


def meta_question(text: object) -> str | None:
    """``"impatient"``, ``"progress"`` or ``None`` for a message (see module docstring)."""
    if not isinstance(text, str) or not text.strip() or text.lstrip().startswith("/"):
        return None
    tokens = tokenize(text)
    if _has(tokens, _OFFER_WORDS):
        return None
    if _has(tokens, _IMPATIENT):
        return "impatient"
    if _has(tokens, _PROGRESS):
        return "progress"
    return None
