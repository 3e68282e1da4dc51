"""Functional areas named in an answer ("Marketing und Vertrieb")."""
from __future__ import annotations

import re
from collections.abc import Sequence

from advisor.german.text import _CLAUSE_BREAKS, MAX_TEXT_CHARS, _hits, _Phrase, _phrases, _unique, tokenize

# ---------------------------------------------------------------------------
# Departments
# ---------------------------------------------------------------------------

_DEPARTMENTS: tuple[tuple[str, tuple[_Phrase, ...]], ...] = (
    (
        "Marketing",
        _phrases("*marketing*", "werbung", "werbeabteilung", "brand management", "markenfuehrung"),
    ),
    (
        "Vertrieb",
        _phrases(
            "vertrieb*", "*vertrieb", "sales", "verkauf*", "aussendienst*", "innendienst*",
            "key account*", "vertriebler*",
        ),
    ),
    (
        "Geschäftsführung",
        _phrases(
            "geschaeftsfuehr*", "gf", "geschaeftsleitung*", "unternehmensleitung*",
            "firmenleitung*", "inhaber*", "vorstand*", "ceo", "management", "chef", "chefin",
            "chefetage",
        ),
    ),
    (
        "Personal",
        _phrases(
            "personal", "personalabteil*", "personalwesen", "personaler*",
            "personalentwicklung", "hr", "human resources", "recruiting", "recruiter*",
            "employer branding",
        ),
    ),
    (
        "Kundenservice",
        _phrases(
            "kundenservice*", "kundendienst*", "kundenbetreuung*", "kundensupport*",
            "support*", "service", "serviceabteilung*", "serviceteam*", "servicecenter*",
            "customer service", "customer care", "callcenter*", "call center", "hotline*",
        ),
    ),
    (
        "PR/Kommunikation",
        _phrases(
            "pr", "public relations", "*kommunikation*", "oeffentlichkeitsarbeit",
            "presse*", "corporate communication*",
        ),
    ),
    ("IT", _phrases("it -", "it abteilung", "it", "edv*", "informatik", "it-abteilung")),
    (
        "Produktentwicklung",
        _phrases(
            "produktentwicklung*", "forschung und entwicklung", "f & e", "r & d", "fue",
            "entwicklung", "entwicklungsabteilung*", "entwickler*", "engineering",
        ),
    ),
    ("Produktmanagement", _phrases("produktmanagement*", "produktmanager*")),
    ("Einkauf", _phrases("einkauf*", "beschaffung", "procurement")),
    ("Finanzen", _phrases("finanz*", "buchhaltung", "controlling", "rechnungswesen")),
    ("Recht", _phrases("recht", "rechtsabteilung", "legal", "justiziariat", "compliance")),
    ("Logistik", _phrases("logistik*")),
)
_DEPARTMENT_NEGATORS = frozenset({"kein", "keine", "keiner", "nicht", "ohne", "ausser"})
_RECHT = re.compile(r"(?<![^\W\d_])Recht(?![^\W\d_])")
_UPPERCASE_IT = re.compile(r"(?<![^\W\d_])IT(?![^\W\d_])")


def _department_negated(tokens: Sequence[str], start: int) -> bool:
    for k in range(start - 1, max(-1, start - 3), -1):
        if tokens[k] in _CLAUSE_BREAKS or tokens[k] in ("und", "oder"):
            return False
        if tokens[k] in _DEPARTMENT_NEGATORS:
            return True
    return False


def _it_allowed(text: str, tokens: Sequence[str], start: int) -> bool:
    """The token "it" is IT only if written "IT" or as "IT-..."/"IT Abteilung"."""
    after = tokens[start + 1] if start + 1 < len(tokens) else ""
    return after in ("-", "abteilung") or bool(_UPPERCASE_IT.search(text[:MAX_TEXT_CHARS]))


def parse_departments(text: object) -> list[str]:
    """Canonical German department names in order of appearance, no duplicates.

    "Marketing und Vertrieb" -> ["Marketing", "Vertrieb"]; synonyms: Sales ->
    Vertrieb, HR -> Personal, Support -> Kundenservice, GF -> Geschäftsführung,
    Öffentlichkeitsarbeit -> PR/Kommunikation. A token yields at most one
    department (the first row of ``_DEPARTMENTS`` that matches); negated
    mentions ("alle außer Vertrieb", "kein Vertrieb") are skipped.
    """
    if not isinstance(text, str):
        return []
    tokens = tokenize(text)
    taken: dict[int, tuple[int, str]] = {}
    for order, (name, phrases) in enumerate(_DEPARTMENTS):
        for start, _end in _hits(tokens, phrases):
            if start in taken or _department_negated(tokens, start):
                continue
            if name == "IT" and not _it_allowed(text, tokens, start):
                continue
            if name == "Recht" and tokens[start] == "recht" and not _RECHT.search(text[:MAX_TEXT_CHARS]):
                continue  # "wissen nicht so recht" is no legal department
            taken[start] = (order, name)
    return _unique(name for _start, (_order, name) in sorted(taken.items()))

