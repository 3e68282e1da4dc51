"""What the start should achieve (focus) and the social-media experience in the company."""
from __future__ import annotations

from collections.abc import Sequence

from advisor.criteria import EXPERIENCE_VALUES, GOAL_VALUES
from advisor.german.text import _has, _Phrase, _phrases, tokenize

# ---------------------------------------------------------------------------
# Focus and experience
# ---------------------------------------------------------------------------

_FOCUS_RULES: tuple[tuple[str, tuple[_Phrase, ...]], ...] = (
    ("strategy", _phrases("*strategi*", "*konzept*", "roadmap", "fahrplan")),
    (
        "next_steps",
        _phrases(
            "naechste* schritt*", "konkrete* schritt*", "weitere* schritt*", "umsetz*",
            "umsetzung*", "loslegen", "direkt los", "direkt starten", "direkt anfangen",
            "hands on", "praxis*", "praktisch*", "massnahme*", "handlungsempfehlung*",
            "to do*", "todo*", "durchstarten", "operativ*",
        ),
    ),
    (
        "relevance",
        _phrases(
            "relevan*", "erste* eindruck*", "eindruck*", "lohnt", "lohnen", "sinn macht",
            "sinn ergibt", "sinnvoll", "brauchen wir das", "ob das fuer uns", "in frage",
            "infrage", "einschaetz*", "bewert*", "beurteil*", "abwaegen", "geeignet",
            "reinschnuppern", "schnupper*", "was bringt", "mehrwert", "wichtig fuer uns",
        ),
    ),
    (
        "overview",
        _phrases(
            "ueberblick*", "uebersicht*", "chancen", "risiken", "tools", "methoden",
            "werkzeuge", "grundlage*", "grundwissen", "basics", "basiswissen", "versteh*",
            "kennenlernen", "kennen lernen", "einblick*", "einfuehrung*", "informier*",
            "information*", "orientierung*", "lernen", "moeglichkeiten", "was es gibt",
            "was moeglich", "allgemein*",
        ),
    ),
    ("next_steps", _phrases("konkret*", "direkt", "sofort", "anfangen", "starten")),
    ("overview", _phrases("erstmal", "erst mal", "zunaechst", "zuerst")),
)
_LATER = frozenset(
    {"danach", "dann", "spaeter", "anschliessend", "irgendwann", "perspektivisch", "langfristig"}
)


def _canonical(tokens: Sequence[str], values: Sequence[str]) -> str | None:
    joined = "".join(tokens)
    return joined if joined in values else None


def parse_focus(text: object) -> str | None:
    """What the start is meant to achieve: overview | relevance | next_steps | strategy.

    What comes before "dann"/"danach"/"später" is the current need and wins
    ("erst Überblick, danach Strategie" -> overview). Otherwise, priority when
    several are named: strategy > next_steps > relevance > overview; the weak cues "konkret", "direkt", "sofort" (next_steps) and
    "erstmal", "zunächst" (overview) count only when nothing else matched.
    Negated mentions ("noch keine Strategie") are ignored. The canonical values
    themselves (button payloads) are accepted.
    """
    tokens = tokenize(text)
    if not tokens:
        return None
    canonical = _canonical(tokens, GOAL_VALUES)
    if canonical:
        return canonical
    later = next((i for i, tok in enumerate(tokens) if tok in _LATER), len(tokens))
    for part in (tokens[:later], tokens):
        for value, phrases in _FOCUS_RULES:
            if _has(part, phrases, negation=True):
                return value
    return None


_EXPERIENCE_RULES: tuple[tuple[str, tuple[_Phrase, ...], bool], ...] = (
    # (value, phrases, negation-aware)
    (
        "basic",
        _phrases(
            "*grundkenntnis*", "*grundkompetenz*", "regelmaessig*", "taeglich*",
            "woechentlich*", "erfahrung* vorhanden", "erfahrung* haben wir", "seit ? jahren",
            "seit jahren", "seit langem", "professionell*", "routin*", "fortgeschritten*",
            "kennen uns ? aus", "kennen uns aus", "auskennen", "gute* erfahrung*",
            "viel* erfahrung*", "einige erfahrung*", "solide*", "fundiert*",
        ),
        True,
    ),
    (
        "first_steps",
        _phrases(
            "erste* schritt*", "*gehversuch*", "erste* versuch*", "ausprobier*", "probier*", "rumprobiert", "herumprobiert",
            "getestet", "testen", "testweise", "learning by doing", "trial and error",
            "versuch*", "angefangen", "begonnen", "gestartet", "gepostet", "posten",
            "experimentier*", "fruehstarter", "unregelmaessig*", "sporadisch*",
            "gelegentlich*", "ab und zu", "hin und wieder", "erste* erfahrung*",
            "angelegt", "eingerichtet",
        ),
        True,
    ),
    (
        "none",
        _phrases(
            "gar keine*", "gar nichts", "keinerlei", "keine erfahrung*", "keine ahnung von",
            "keine ahnung vom", "keine ahnung davon", "keine kenntnis*", "keine kompetenz*",
            "noch nichts", "noch nie", "neuland", "bei null", "von null", "null erfahrung",
            "anfaenger*", "ohne erfahrung", "nicht aktiv", "noch gar nicht",
            "ueberhaupt keine*", "ueberhaupt nicht", "nicht vorhanden", "gar nicht",
            "nicht wirklich", "noch nicht",
        ),
        False,
    ),
    ("first_steps", _phrases("bisschen", "ein wenig", "etwas", "wenig"), True),
    ("none", _phrases("keine", "kein", "nichts", "nein", "nie", "null", "nix", "kaum", "niemand", "keiner"), False),
    ("basic", _phrases("erfahrung*", "vorhanden", "aktiv", "erfahren"), True),
)


def parse_experience(text: object) -> str | None:
    """Social-media experience in the company: none | first_steps | basic.

    ``none``: "gar keine", "noch nichts", "Neuland"; ``first_steps``: "erste
    Schritte getestet", "ausprobiert", "learning by doing", "ein bisschen
    gepostet" (the seed's Frühstarter); ``basic``: "Grundkenntnisse", "nutzen
    das regelmäßig", "Erfahrung vorhanden". Strong cues are checked before weak
    ones (see ``_EXPERIENCE_RULES``); negated cues are ignored ("keine
    Grundkenntnisse", "noch nichts ausprobiert").
    """
    tokens = tokenize(text)
    if not tokens:
        return None
    canonical = _canonical(tokens, EXPERIENCE_VALUES)
    if canonical:
        return canonical
    for value, phrases, negation_aware in _EXPERIENCE_RULES:
        if _has(tokens, phrases, negation=negation_aware):
            return value
    return None
