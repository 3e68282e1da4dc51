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
            "key account*", "vertriebler*", "verkaeufer*", "kundenakquise", "akquise",
        ),
    ),
    (
        "Geschäftsführung",
        _phrases(
            "geschaeftsfuehr*", "gf", "gl", "geschaeftsleitung*", "unternehmensleitung*",
            "firmenleitung*", "inhaber*", "vorstand*", "ceo", "management", "chef", "chefin",
            "chefetage", "betriebsleitung*", "praxisleitung*", "kanzleileitung*", "filialleitung*",
            "niederlassungsleitung*", "leitungsebene", "fuehrungsebene", "geschaeftsleiter*",
        ),
    ),
    (
        "Personal",
        _phrases(
            "personal", "personalabteil*", "personalwesen", "personaler*", "personalbuero",
            "personalentwicklung", "hr", "human resources", "recruiting", "recruiter*",
            "employer branding", "personalreferent*", "personalleitung",
        ),
    ),
    (
        "Kundenservice",
        _phrases(
            "kundenservice*", "kundendienst*", "kundenbetreuung*", "kundensupport*",
            "support*", "service", "serviceabteilung*", "serviceteam*", "servicecenter*",
            "customer service", "customer care", "callcenter*", "call center", "hotline*",
            "kundenberatung", "servicetechnik*", "servicemitarbeiter*",
        ),
    ),
    (
        "PR/Kommunikation",
        _phrases(
            "pr", "public relations", "*kommunikation*", "oeffentlichkeitsarbeit",
            "presse*", "corporate communication*",
        ),
    ),
    ("IT", _phrases("it -", "it abteilung", "it", "edv*", "informatik", "it-abteilung", "itler",
                    "systemadministrat*", "netzwerkadmin*")),
    (
        "Produktentwicklung",
        _phrases(
            "produktentwicklung*", "forschung und entwicklung", "f & e", "r & d", "fue",
            "entwicklung", "entwicklungsabteilung*", "entwickler*", "engineering", "konstruktion*",
        ),
    ),
    ("Produktmanagement", _phrases("produktmanagement*", "produktmanager*")),
    ("Einkauf", _phrases("einkauf", "einkaufs*", "einkaeufer*", "beschaffung", "procurement")),
    ("Finanzen", _phrases("finanz*", "buchhaltung*", "buchhalter*", "lohnbuchhaltung*", "controlling",
                          "controller*", "rechnungswesen", "accounting", "kaemmerei", "fibu")),
    ("Recht", _phrases("recht", "rechtsabteilung", "legal", "justiziariat", "compliance")),
    ("Logistik", _phrases("logistik*", "lager", "lagers", "lagerist*", "lagerhaltung", "lagerverwaltung",
                          "lagerlogistik", "warenlager", "versand", "versandabteilung", "warenannahme",
                          "disposition", "fuhrpark")),
    # everyday areas of small firms, practices and offices
    ("Verwaltung", _phrases("verwaltung*", "buero", "bueros", "buro", "buros", "bueroteam", "buerokraft", "buerokraefte",
                            "bueroleitung", "bueromanagement", "backoffice", "back office", "sekretariat*",
                            "administration", "sachbearbeitung", "sachbearbeiter*", "assistenz*",
                            "office management", "officemanagement", "innenverwaltung")),
    ("Empfang", _phrases("empfang", "empfangs*", "rezeption*", "front desk", "frontoffice", "front office",
                         )),
    ("Grafik/Design", _phrases("grafik*", "graphik*", "design", "designer*", "designabteilung",
                               "mediengestalt*", "gestaltung", "kreativabteilung", "kreativteam",
                               "art direction")),
    ("Redaktion", _phrases("redaktion*", "redakteur*", "text", "texter*", "textabteilung", "content team",
                           "contentteam", "content - team", "lektorat", "copywriting")),
    ("Technik", _phrases("technik", "techniker*", "haustechnik", "technikabteilung", "technische abteilung",
                         "instandhaltung", "wartung", "servicetechnik")),
    ("Produktion", _phrases("produktion*", "fertigung*", "herstellung", "montage", "werkstatt*",
                            "fertigungsleitung", "betriebstechnik")),
    ("Qualitätsmanagement", _phrases("qualitaetsmanagement*", "qm", "qualitaetssicherung*")),
)
# words for an area that also name the whole workplace ("für unser Büro", "wir sind zu viert im Büro")
_PLACE_WORDS = ("buero", "buro", "werkstatt")
_PLACE_BEFORE = frozenset({"unser", "unsere", "unserem", "unseren", "unserer", "unseres", "mein", "meine",
                           "meinem", "meinen", "meiner", "im", "ins", "ganze", "ganzen", "gesamte", "gesamten",
                           "eigene", "eigenen", "eigenes", "kleine", "kleinen", "kleines"})
# words close to a department name that are something else ("Betrieb" is no misspelt "Vertrieb")
_NOT_DEPARTMENTS = ("betrieb", "reaktion", "vertrag", "verwandt", "marken", "personell")
# full spellings a typo may be one edit away from ("Vetrieb", "Buchaltung", "Geschaftsfuhrung")
_FUZZY_STEMS: tuple[tuple[str, str], ...] = (
    ("marketing", "Marketing"), ("vertrieb", "Vertrieb"), ("verkauf", "Vertrieb"),
    ("geschaeftsfuehrung", "Geschäftsführung"), ("geschaeftsleitung", "Geschäftsführung"),
    ("kundenservice", "Kundenservice"), ("kundendienst", "Kundenservice"),
    ("oeffentlichkeitsarbeit", "PR/Kommunikation"), ("kommunikation", "PR/Kommunikation"),
    ("produktentwicklung", "Produktentwicklung"), ("produktmanagement", "Produktmanagement"),
    ("buchhaltung", "Finanzen"), ("controlling", "Finanzen"), ("logistik", "Logistik"),
    ("verwaltung", "Verwaltung"), ("sekretariat", "Verwaltung"), ("rezeption", "Empfang"),
    ("redaktion", "Redaktion"), ("produktion", "Produktion"), ("fertigung", "Produktion"),
    ("personalabteilung", "Personal"), ("qualitaetsmanagement", "Qualitätsmanagement"),
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
    mentions ("alle außer Vertrieb", "kein Vertrieb") are skipped. Everyday areas of small firms count
    too (Büro -> Verwaltung, Grafik -> Grafik/Design, Text -> Redaktion, Lager -> Logistik, Buchhaltung ->
    Finanzen, ...); a word one typo away from a longer area name ("Vetrieb", "Buchaltung", "Geschaftsfuhrung")
    is that area; "unser Büro" / "im Büro" is the workplace, not an area.
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
            if tokens[start].startswith(_PLACE_WORDS) and start > 0 and tokens[start - 1] in _PLACE_BEFORE:
                continue  # "in unserem Büro", "im Büro": the workplace, not the office staff
            if name == "Recht" and tokens[start] == "recht" and not _RECHT.search(text[:MAX_TEXT_CHARS]):
                continue  # "wissen nicht so recht" is no legal department
            taken[start] = (order, name)
    for start, tok in enumerate(tokens):
        if start in taken or len(tok) < _FUZZY_MIN or _department_negated(tokens, start):
            continue
        name = _misspelt_department(tok)
        if name is not None:
            taken[start] = (len(_DEPARTMENTS), name)
    return _unique(name for _start, (_order, name) in sorted(taken.items()))


_FUZZY_MIN = 7


def _plain(word: str) -> str:
    """Umlaut spellings folded once more: "geschaeftsfuehrung", "geschaftsfuhrung" -> "geschaftsfuhrung"."""
    return word.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance <= 1, plus one swap of neighbours ("Vertireb")."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def _misspelt_department(token: str) -> str | None:
    """The department a word is a typo of, also at the start of a compound ("Vetriebsleute"); None else."""
    if not token.isalpha() or token.startswith(_NOT_DEPARTMENTS):
        return None
    word = _plain(token)
    for stem, name in _FUZZY_STEMS:
        plain = _plain(stem)
        if len(plain) < _FUZZY_MIN:
            continue
        for size in (len(plain) - 1, len(plain), len(plain) + 1):
            head = word[:size]
            if len(head) != size:
                continue
            rest = word[size:]
            if rest and len(rest) < 3:
                continue  # a compound adds a word ("vetriebsleute"), not a letter or two
            if _within_one_edit(head, plain):
                return name
    return None

