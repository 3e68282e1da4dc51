"""Table-driven tests of the advisor.german package (German free-text extraction)."""
from __future__ import annotations

import pytest

from advisor.criteria import EXPERIENCE_VALUES, GOAL_VALUES
from advisor.german import (
    normalize,
    parse_departments,
    parse_experience,
    parse_focus,
    parse_group_hint,
    parse_number_word,
    parse_participants,
    parse_platform_knowledge,
    parse_platforms,
    parse_yes_no,
    tokenize,
)
from advisor.german.facts import read_facts

# ---------------------------------------------------------------------------
# normalize
# ---------------------------------------------------------------------------

NORMALIZE_CASES = [
    ("Müller", "mueller"),
    ("Mueller", "mueller"),
    ("weiß", "weiss"),
    ("WEISS", "weiss"),
    ("Ärger Öl Über", "aerger oel ueber"),
    ("Mu\u0308ller", "mueller"),  # decomposed ü (NFD) -> NFC first
    ("  Ja,   klar!  ", "ja, klar"),
    ("„Nein.“", "nein"),
    ("zero\u200bwidth", "zerowidth"),
    ("ẞ", "ss"),
    ("", ""),
    ("👍", "👍"),
]


@pytest.mark.parametrize(("text", "expected"), NORMALIZE_CASES)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("value", [None, 5, 3.2, b"ja", ["ja"], {"ja": 1}])
def test_normalize_non_str_is_empty(value: object) -> None:
    assert normalize(value) == ""


def test_umlaut_and_ascii_spellings_tokenize_alike() -> None:
    umlauts = tokenize("Geschäftsführung, weiß, fünf")
    assert umlauts == tokenize("Geschaeftsfuehrung, weiss, fuenf")


# ---------------------------------------------------------------------------
# numbers and participants
# ---------------------------------------------------------------------------

NUMBER_WORD_CASES = [
    ("eins", 1),
    ("zwölf", 12),
    ("fuenfundzwanzig", 25),
    ("einhundertzwanzig", 120),
    ("zweitausend", 2000),
    ("ein", None),
    ("banane", None),
]


@pytest.mark.parametrize(("word", "expected"), NUMBER_WORD_CASES)
def test_parse_number_word(word: str, expected: int | None) -> None:
    assert parse_number_word(word) == expected


PARTICIPANT_CASES = [
    # one person
    ("nur ich", 1),
    ("ich allein", 1),
    ("Ich alleine", 1),
    ("mich", 1),
    ("ich", 1),
    ("eine Person", 1),
    ("Einzelperson", 1),
    ("nur für mich", 1),
    # collective numerals
    ("wir sind zu dritt", 3),
    ("zu zweit", 2),
    ("zu viert", 4),
    ("zu fünft", 5),
    ("zu fuenft", 5),
    ("zu sechst", 6),
    ("zu siebt", 7),
    ("zu acht", 8),
    ("zu zwölft", 12),
    ("zu zwoelft", 12),
    ("wir sind doch zu zehnt", 10),
    # digits and words
    ("5", 5),
    ("5 Leute", 5),
    ("ca. 8 Personen", 8),
    ("fünf Leute", 5),
    ("fuenf", 5),
    ("zwanzig", 20),
    ("fünfundzwanzig Mitarbeiter", 25),
    ("ein Dutzend", 12),
    ("zwei Dutzend", 24),
    ("ein halbes Dutzend", 6),
    ("1.000 Leute", 1000),
    ("wir beide", 2),
    # ranges and alternatives -> upper value
    ("10-12", 12),
    ("3 oder 4", 4),
    ("zwischen 10 und 12", 12),
    ("zwei bis drei", 3),
    # the speaker plus companions
    ("ich und mein Kollege", 2),
    ("ich und meine Kollegin", 2),
    ("ich mit meinem Chef", 2),
    ("mein Kollege und ich", 2),
    ("ich und zwei Kollegen", 3),
    ("zwei Kollegen und ich", 3),
    ("5 Leute plus ich", 6),
    ("ich und Herr Müller", 2),
    ("ich und noch zwei", 3),
    ("ich und ca. 5 Leute", 6),
    ("Ich und die Geschäftsführerin", 2),
    ("3 Leute aus dem Vertrieb, 2 aus dem Marketing", 5),
    # several numbers
    ("zehn Kollegen aus Marketing und Vertrieb", 10),
    ("2 aus Marketing und 3 aus Vertrieb", 5),
    ("5 Leute, davon 2 aus Marketing", 5),
    ("50 Mitarbeiter, davon sollen 5 teilnehmen", 5),
    ("Firma mit 200 Mitarbeitern, 4 sollen teilnehmen", 4),
    ("seit 3 Jahren dabei, wir sind zu zweit", 2),
    ("2024 starten wir mit 6 Leuten", 6),
    # vague or absurd -> None
    ("ein paar", None),
    ("mehrere", None),
    ("das ganze Team", None),
    ("ich und mein Team", None),
    ("ich mit meinen Kollegen", None),
    ("ein paar Dutzend", None),
    ("nicht nur ich", None),
    ("100000", None),
    ("0 Personen", None),
    ("keine Ahnung", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), PARTICIPANT_CASES)
def test_parse_participants(text: str, expected: int | None) -> None:
    assert parse_participants(text) == expected


GROUP_HINT_CASES = [
    ("mehrere", True),
    ("ein paar", True),
    ("das ganze Team", True),
    ("nicht nur ich", True),
    ("wir sind zu dritt", True),
    ("nur ich", False),
    ("eine Person", False),
    ("hallo", None),
]


@pytest.mark.parametrize(("text", "expected"), GROUP_HINT_CASES)
def test_parse_group_hint(text: str, expected: bool | None) -> None:
    assert parse_group_hint(text) is expected


# ---------------------------------------------------------------------------
# yes / no
# ---------------------------------------------------------------------------

YES_NO_CASES = [
    # yes
    ("ja", True),
    ("Ja!", True),
    ("jaaa", True),
    ("jo", True),
    ("klar", True),
    ("genau", True),
    ("auf jeden Fall", True),
    ("eher ja", True),
    ("ja schon", True),
    ("durchaus", True),
    ("stimmt", True),
    ("ich glaube schon", True),
    ("Klar, warum nicht", True),
    ("Ja, keine Frage", True),
    ("👍", True),
    # no
    ("nein", False),
    ("Nein danke", False),
    ("nö", False),
    ("noe", False),
    ("nee", False),
    ("eher nicht", False),
    ("noch nicht", False),
    ("nicht wirklich", False),
    ("kaum", False),
    ("keine", False),
    ("auf keinen Fall", False),
    ("das stimmt nicht", False),
    ("noch nicht entschieden", False),
    ("sicher nicht", False),
    # unsure -> None (order: "nicht sicher" is unsure, not "nicht")
    ("jein", None),
    ("teils teils", None),
    ("teils, teils", None),
    ("weiß nicht", None),
    ("weiss nicht", None),
    ("weiß ich noch nicht", None),
    ("vielleicht", None),
    ("vileicht", None),
    ("kommt drauf an", None),
    ("keine Ahnung", None),
    ("nicht sicher", None),
    ("hallo", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), YES_NO_CASES)
def test_parse_yes_no(text: str, expected: bool | None) -> None:
    assert parse_yes_no(text) is expected


PLATFORM_KNOWLEDGE_CASES = [
    ("ja, wir nutzen Facebook privat", True),
    ("Facebook kennen wir schon", True),
    ("Facebook ja, Xing nicht", True),
    ("nur privat", True),
    ("Anwenderkenntnisse sind vorhanden", True),
    ("LinkedIn", True),
    ("ja", True),
    ("nein, Facebook kennen wir nicht", False),
    ("Facebook und Xing kennen wir nicht", False),
    ("kaum", False),
    ("keine Kenntnisse", False),
    ("nein", False),
    ("Facebook vielleicht", None),
    ("weiß nicht", None),
]


@pytest.mark.parametrize(("text", "expected"), PLATFORM_KNOWLEDGE_CASES)
def test_parse_platform_knowledge(text: str, expected: bool | None) -> None:
    assert parse_platform_knowledge(text) is expected


PLATFORM_CASES = [
    ("Facebook und Xing", ["Facebook", "Xing"]),
    ("xing, fb, xing", ["Xing", "Facebook"]),
    ("Insta und LinkedIn", ["Instagram", "LinkedIn"]),
    ("keine", []),
]


@pytest.mark.parametrize(("text", "expected"), PLATFORM_CASES)
def test_parse_platforms(text: str, expected: list[str]) -> None:
    assert parse_platforms(text) == expected


# ---------------------------------------------------------------------------
# focus and experience
# ---------------------------------------------------------------------------

FOCUS_CASES = [
    ("Überblick über Chancen, Risiken, Tools und Methoden", "overview"),
    ("Ueberblick", "overview"),
    ("erstmal verstehen", "overview"),
    ("erstmal", "overview"),
    ("ein erster Eindruck, ob das Thema für uns relevant ist", "relevance"),
    ("ob sich das für uns lohnt", "relevance"),
    ("konkrete nächste Schritte", "next_steps"),
    ("direkt umsetzen", "next_steps"),
    ("konkret", "next_steps"),
    ("eine Social-Media-Strategie entwickeln", "strategy"),
    ("wir brauchen eine Marketingstrategie", "strategy"),
    ("Strategie ist noch kein Thema, erstmal Überblick", "overview"),
    ("nicht nur einen Überblick, sondern konkret loslegen", "next_steps"),
    ("erst Überblick über Tools, danach Strategie", "overview"),
    ("wissen, was möglich ist", "overview"),
    ("next_steps", "next_steps"),
    ("strategy", "strategy"),
    ("keine Ahnung", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), FOCUS_CASES)
def test_parse_focus(text: str, expected: str | None) -> None:
    assert parse_focus(text) == expected


EXPERIENCE_CASES = [
    ("gar keine", "none"),
    ("noch nichts", "none"),
    ("Neuland", "none"),
    ("wir sind blutige Anfänger", "none"),
    ("noch nichts ausprobiert", "none"),
    ("kaum Erfahrung", "none"),
    ("gar nicht", "none"),
    ("keine", "none"),
    ("haben schon ein bisschen auf Facebook gepostet", "first_steps"),
    ("learning by doing", "first_steps"),
    ("erste Schritte getestet", "first_steps"),
    ("ausprobiert", "first_steps"),
    ("wenig Erfahrung", "first_steps"),
    ("keine Grundkenntnisse, aber ein bisschen gepostet", "first_steps"),
    ("nicht regelmäßig, eher sporadisch", "first_steps"),
    ("Grundkenntnisse", "basic"),
    ("wir nutzen das regelmäßig", "basic"),
    ("wir nutzen das regelmaessig", "basic"),
    ("Erfahrung vorhanden", "basic"),
    ("seit 5 Jahren aktiv", "basic"),
    ("basic", "basic"),
    ("hallo", None),
]


@pytest.mark.parametrize(("text", "expected"), EXPERIENCE_CASES)
def test_parse_experience(text: str, expected: str | None) -> None:
    assert parse_experience(text) == expected


# ---------------------------------------------------------------------------
# departments
# ---------------------------------------------------------------------------

DEPARTMENT_CASES = [
    ("Marketing und Vertrieb", ["Marketing", "Vertrieb"]),
    ("Vertrieb und Marketing", ["Vertrieb", "Marketing"]),
    ("Sales, HR und Support", ["Vertrieb", "Personal", "Kundenservice"]),
    ("GF und Öffentlichkeitsarbeit", ["Geschäftsführung", "PR/Kommunikation"]),
    ("Oeffentlichkeitsarbeit", ["PR/Kommunikation"]),
    ("Geschäftsführung, Marketing, Marketing", ["Geschäftsführung", "Marketing"]),
    ("Geschaeftsfuehrung", ["Geschäftsführung"]),
    ("Marketing- und Vertriebsleute", ["Marketing", "Vertrieb"]),
    ("IT und Kundenservice", ["IT", "Kundenservice"]),
    ("die IT-Abteilung", ["IT"]),
    ("it is what it is", []),
    ("F&E und Produktentwicklung", ["Produktentwicklung"]),
    ("Personalabteilung", ["Personal"]),
    ("alle außer Vertrieb", []),
    ("keine Ahnung", []),
    # everyday areas of small firms, one canonical name each, with typos and without umlauts
    ("Büro, Grafik und Text", ["Verwaltung", "Grafik/Design", "Redaktion"]),
    ("Buchhaltung, Empfang und Einkauf", ["Finanzen", "Empfang", "Einkauf"]),
    ("Technik, Service und Kundendienst", ["Technik", "Kundenservice"]),
    ("Verwaltung, Personal und die IT", ["Verwaltung", "Personal", "IT"]),
    ("Lager und Produktion", ["Logistik", "Produktion"]),
    ("Geschäftsleitung und Redaktion", ["Geschäftsführung", "Redaktion"]),
    ("Sekretariat und Rezeption", ["Verwaltung", "Empfang"]),
    ("Fertigung, Versand und Qualitätssicherung", ["Produktion", "Logistik", "Qualitätsmanagement"]),
    ("Geschaeftsfuehrung und Buero", ["Geschäftsführung", "Verwaltung"]),
    ("Geschaftsfuhrung und Buro", ["Geschäftsführung", "Verwaltung"]),
    ("Vetrieb, Marekting und Buchaltung", ["Vertrieb", "Marketing", "Finanzen"]),
    ("die Vetriebsleute und die Redakton", ["Vertrieb", "Redaktion"]),
    ("Büro und Verwaltung", ["Verwaltung"]),
    # near misses and the workplace are no areas
    ("im ganzen Betrieb", []),
    ("die Reaktionen auf unsere Posts", []),
    ("wir empfangen viele Kunden", []),
    ("eine Strategie für unser Büro", []),
    ("wir sind zu viert im Büro", []),
    ("aus dem Büro und dem Vertrieb", ["Verwaltung", "Vertrieb"]),
]


@pytest.mark.parametrize(("text", "expected"), DEPARTMENT_CASES)
def test_parse_departments(text: str, expected: list[str]) -> None:
    assert parse_departments(text) == expected


# ---------------------------------------------------------------------------
# hostile input: every function is total
# ---------------------------------------------------------------------------

HOSTILE_INPUTS = [
    "a" * 10_000,
    "ja " * 4_000,
    "ich und " * 2_000,
    "zu " * 5_000,
    "9" * 10_000,
    "😀🎉" * 5_000,
    "مرحبا كيف حالك \u202eja\u202c",
    "שלום עולם",
    "'; DROP TABLE leads; --",
    "1 OR 1=1; SELECT * FROM users",
    "<script>alert('x')</script>",
    "<b>" * 3_000,
    "\x00\x01\x02\ud800",
    "\n\t\r ",
    "Ⅻ ① ２ 五",
]

PARSERS = [
    (parse_participants, (int, type(None))),
    (parse_group_hint, (bool, type(None))),
    (parse_yes_no, (bool, type(None))),
    (parse_focus, (str, type(None))),
    (parse_experience, (str, type(None))),
    (parse_platform_knowledge, (bool, type(None))),
    (parse_departments, (list,)),
    (parse_platforms, (list,)),
    (normalize, (str,)),
    (read_facts, (dict,)),
]


@pytest.mark.parametrize("text", HOSTILE_INPUTS, ids=lambda t: repr(t[:12]))
@pytest.mark.parametrize(("parser", "types"), PARSERS, ids=lambda p: getattr(p, "__name__", ""))
def test_hostile_input_never_raises(parser: object, types: tuple[type, ...], text: str) -> None:
    result = parser(text)  # type: ignore[operator]
    assert isinstance(result, types)


@pytest.mark.parametrize("value", [None, 42, 3.5, b"ja", ["ja"], object()])
@pytest.mark.parametrize(("parser", "types"), PARSERS, ids=lambda p: getattr(p, "__name__", ""))
def test_non_string_input_is_unknown(
    parser: object, types: tuple[type, ...], value: object
) -> None:
    result = parser(value)  # type: ignore[operator]
    assert result in (None, [], "", {})


HOSTILE_EXPECTED = [
    (parse_participants, "a" * 10_000, None),
    (parse_participants, "9" * 10_000, None),
    (parse_participants, "'; DROP TABLE leads; --", None),
    (parse_yes_no, "'; DROP TABLE leads; --", None),
    (parse_yes_no, "<script>alert('x')</script>", None),
    (parse_yes_no, "شكرا", None),
    (parse_focus, "😀🎉" * 5_000, None),
    (parse_experience, "1 OR 1=1; SELECT * FROM users", None),
    (parse_departments, "<b>" * 3_000, []),
]


@pytest.mark.parametrize(("parser", "text", "expected"), HOSTILE_EXPECTED)
def test_hostile_input_is_unknown(parser: object, text: str, expected: object) -> None:
    assert parser(text) == expected  # type: ignore[operator]


def test_value_sets_match_interface() -> None:
    assert GOAL_VALUES == ("overview", "relevance", "next_steps", "strategy")
    assert EXPERIENCE_VALUES == ("none", "first_steps", "basic")
