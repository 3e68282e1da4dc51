"""Yes / no with nuance ("jein", "eher nicht", "auf jeden Fall")."""
from __future__ import annotations

from collections.abc import Sequence

from advisor.german.text import _CLAUSE_BREAKS, _has, _Phrase, _phrases, tokenize

# ---------------------------------------------------------------------------
# Yes / no with nuance
# ---------------------------------------------------------------------------

_YES_LEANING = _phrases(
    "eher ja", "eher schon", "tendenziell ja", "tendenz ja", "denke schon", "glaube schon",
    "wohl schon", "im prinzip ja", "grundsaetzlich ja", "eigentlich ja", "eigentlich schon",
    "im grossen und ganzen ja",
)
_NO_LEANING = _phrases(
    "eher nicht", "eher nein", "eher kaum", "eher weniger", "eher kein*", "tendenziell nicht",
    "tendenziell nein", "tendenz nein", "glaube nicht", "denke nicht", "wohl nicht",
    "eigentlich nicht", "eigentlich nein", "eigentlich kein*",
)
_UNSURE = _phrases(
    "jein", "jain", "jaein", "teils teils", "teils , teils", "teils - teils", "teilweise",
    "halb halb", "halb und halb", "halb , halb", "mal so mal so", "mal so , mal so",
    "weiss nicht", "weiss ich nicht", "weiss noch nicht", "weiss ich noch nicht",
    "weis nicht", "weiss net", "wissen wir nicht", "wissen wir noch nicht",
    "wissen es nicht", "wissen es noch nicht", "nicht sicher", "unsicher", "vielleicht",
    "vileicht", "vieleicht", "vielleich", "vllt", "vlt", "evtl", "eventuell",
    "moeglicherweise", "kommt drauf an", "kommt darauf an", "kommt ganz drauf an",
    "kommt ganz darauf an", "je nachdem", "keine ahnung", "k . a", "schwer zu sagen",
    "kann ich nicht sagen", "kann man nicht sagen", "kann ich noch nicht sagen",
    "unklar", "noch offen", "ist offen", "unentschieden", "unentschlossen", "mal sehen",
    "mal schauen", "mal gucken", "weder noch", "sowohl als auch", "50 / 50",
    "fifty fifty", "ueberfragt", "kein plan", "keinen plan", "keinen schimmer", "null ahnung", "weiss ich nicht genau",
    "kann ich nicht genau sagen", "nicht so genau", "🤷*",
)
_YES_IDIOMS = _phrases(
    "warum nicht", "wieso nicht", "weshalb nicht", "nichts dagegen", "nicht schlecht",
    "nicht verkehrt", "keine frage", "kein problem", "kein zweifel", "ohne zweifel",
    "ohne frage", "na klar", "ganz klar",
)
_NO_STRONG = _phrases(
    "noch nicht", "noch kein*", "noch nichts", "noch nie", "nicht wirklich", "gar nicht",
    "gar kein*", "gar nichts", "ueberhaupt nicht", "ueberhaupt kein*", "auf keinen fall",
    "auf jeden fall nicht", "keinesfalls", "keineswegs", "leider nicht", "leider nein",
    "leider kein*", "bisher nicht", "bislang nicht", "bisher kein*", "bislang kein*",
    "sicher nicht", "bestimmt nicht", "definitiv nicht", "absolut nicht",
    "nicht unbedingt", "nicht so richtig", "nicht so wirklich", "stimmt nicht",
    "trifft nicht zu", "nicht der fall", "nicht zutreffend", "nicht richtig",
    "nicht korrekt", "mitnichten", "doch nicht", "doch kein*", "ganz und gar nicht", "kein stueck",
    "nicht die bohne", "fehlanzeige", "von uns keiner", "von uns niemand", "keiner von uns",
    "niemand von uns", "keine von uns", "bei uns keiner", "bei uns niemand", "hier keiner", "hier niemand",
)
_YES_WORDS = frozenset(
    {
        "ja", "jo", "joa", "jap", "japp", "jup", "jep", "jepp", "jawohl", "jaja", "yes",
        "yep", "yeah", "klar", "genau", "stimmt", "richtig", "korrekt", "absolut",
        "definitiv", "natuerlich", "selbstverstaendlich", "durchaus", "gerne", "gern",
        "ok", "okay", "okey", "passt", "logo", "logisch", "sicher", "sicherlich",
        "bestimmt", "freilich", "exakt", "zweifellos", "schon", "sowieso", "jawoll", "doch", "jupp",
        "👍", "✅", "✔",
    }
)
_NO_WORDS = frozenset(
    {
        "nein", "ne", "nee", "noe", "nope", "no", "nix", "nichts", "nicht", "kein", "keine",
        "keinen", "keiner", "keinerlei", "nie", "niemals", "kaum", "negativ", "niemand", "niemanden",
        "ned", "net", "naa", "nada", "niente", "null", "fehlanzeige", "👎", "❌",
    }
)
_YES_PHRASES_ANYWHERE = _phrases(
    "auf jeden fall", "in jedem fall", "trifft zu", "ist der fall", "so ist es",
    "haben wir", "ja", "jo", "klar", "genau", "stimmt", "richtig", "korrekt", "durchaus",
    "natuerlich", "selbstverstaendlich", "absolut", "definitiv", "sicher", "sicherlich",
    "bestimmt", "schon", "gerne", "gern", "ok", "okay", "yes", "👍", "✅", "✔",
)
_NO_ANYWHERE = frozenset(
    {
        "nein", "nee", "noe", "nope", "nix", "nicht", "nichts", "kein", "keine", "keinen",
        "keinem", "keiner", "keines", "keinerlei", "nie", "niemals", "kaum", "niemand", "niemanden",
        "ned", "fehlanzeige", "👎", "❌",
    }
)


def _yes_no_signal(tokens: Sequence[str]) -> tuple[bool | None, bool]:
    """(value, whether any yes/no/unsure signal was found)."""
    if not tokens:
        return None, False
    ordered: tuple[tuple[tuple[_Phrase, ...], bool | None], ...] = (
        (_YES_LEANING, True),
        (_NO_LEANING, False),
        (_UNSURE, None),
        (_YES_IDIOMS, True),
        (_NO_STRONG, False),
    )
    for phrases, value in ordered:
        if _has(tokens, phrases):
            return value, True
    first = next((tok for tok in tokens if tok not in _CLAUSE_BREAKS), "")
    if first in _YES_WORDS:
        return True, True
    if first in _NO_WORDS:
        return False, True
    # a yes-word under a negation is none ("haben wir nicht", "niemand so richtig")
    positive = _has(tokens, _YES_PHRASES_ANYWHERE, negation=True)
    negative = any(tok in _NO_ANYWHERE for tok in tokens)
    if positive and not negative:
        return True, True
    if negative and not positive:
        return False, True
    return None, False  # both or neither: no answer (an unsure one comes from words such as "weiß nicht")


def parse_yes_no(text: object) -> bool | None:
    """German yes/no with nuance; ``None`` when unsure or unclear.

    Checked in this order (first hit wins):
    a leaning ("eher ja" -> True, "eher nicht" -> False); an unsure phrase
    ("jein", "teils teils", "weiß nicht", "nicht sicher", "vielleicht",
    "kommt drauf an", "keine Ahnung" -> None); a positive idiom that contains a
    negation ("warum nicht", "keine Frage" -> True); a strong negative ("noch
    nicht", "nicht wirklich", "auf keinen Fall" -> False); the first word
    ("ja ...", "nein ...", "klar", "nö", "kaum", "keine"); finally positive or
    negative words anywhere (both -> None).
    """
    value, _signal = _yes_no_signal(tokenize(text))
    return value
