"""Every fact a typed message states, for every criterion: the one reader behind the forms.

``read_facts(text, asked)`` returns ``{field: value}`` for each fact the message *clearly* states, whichever
question was asked ("Wir sind 4 Leute aus Marketing und Vertrieb und haben schon etwas auf LinkedIn gemacht"
answers participants, multiple_functions, departments, experience and platform_knowledge at once). A field
that is not clearly stated is left out: guessing is worse than asking.

How a field is read
-------------------
* The message is cut into clauses (punctuation, "aber", "sondern", "jedoch"). A field is *mentioned* in a
  clause when one of its topic cues occurs there ("entschieden", "Strategie … haben", "funktionsübergreifend").
* The value comes from that clause only, so negation has scope: "Facebook kennen wir, entschieden ist aber
  nichts" gives platform knowledge *and* no decision. Negators include "niemand", "nichts", "kein-", "nie",
  "noch nicht"; "nicht nur … sondern auch" is no negation.
* Yes / no / unknown is three-way. ``UNKNOWN`` comes from the text only ("weiß nicht", "jein", "kann ich
  nicht sagen"), never from an intent guess. For a *state* ("Entscheidung gefallen?", "Strategie
  vorhanden?") "noch offen" and "noch nicht" mean no: the state is not reached yet.
* A bare answer ("ja", "nee", "eher nicht") counts only for the field that was ``asked``.
* Two tiers (``read_graded``): a fact read only from a weak cue — the polarity of a long message that has
  neither a topic word nor a yes/no, one area named among others, a count with the firm's size words,
  clauses that disagree — is *unsure*: ``read_facts`` leaves it out, and the form confirms it ("Habe ich
  richtig verstanden: …?") instead of storing a guess.

Pure Python: no Rasa import.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from advisor.criteria import EXPERIENCE_VALUES, GOAL_VALUES, NAMES, STRATEGY_PART_VALUES
from advisor.german.answers import _yes_no_signal
from advisor.german.departments import parse_departments
from advisor.german.focus import _FOCUS_RULES, parse_experience
from advisor.german.numbers import parse_number_word
from advisor.german.participants import parse_participants
from advisor.german.platforms import _PLATFORMS
from advisor.german.text import _clauses as _split_clauses
from advisor.german.text import _has, _hits, _Phrase, _phrases, tokenize

__all__ = ["UNKNOWN", "Graded", "read_facts", "read_graded"]


class _Unknown:
    """The prospect says they do not know (a value of its own, distinct from "not stated")."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()
_CRITERIA_NAMES = frozenset(NAMES)

Tokens = Sequence[str]

# -- three-way yes / no ---------------------------------------------------------------------------------------
_DONT_KNOW = _phrases(
    "jein", "jain", "jaein", "weiss nicht", "weiss ich nicht", "weiss ich noch nicht", "weiss noch nicht",
    "weis nicht", "weiss net", "wissen wir nicht", "wissen wir noch nicht", "wissen es nicht", "keine ahnung",
    "k . a", "schwer zu sagen", "kann ich nicht sagen", "kann ich noch nicht sagen", "kann man nicht sagen",
    "kann ich nicht beurteilen", "nicht sicher", "unsicher", "unklar", "vielleicht", "vieleicht", "vileicht",
    "vllt", "evtl", "eventuell", "moeglicherweise", "kommt drauf an", "kommt darauf an", "je nachdem",
    "mal sehen", "mal schauen", "weder noch", "so halb", "halb halb", "teils teils", "teils , teils",
    "teilweise", "mal so mal so", "50 / 50", "fifty fifty", "gute frage", "ueberfragt", "kein plan",
    "keinen plan", "null ahnung", "keinen schimmer", "🤷*",
)
_NOT_YET = _phrases(
    "noch offen", "ist offen", "steht noch aus", "steht aus", "noch in arbeit", "in arbeit", "unentschieden",
    "unentschlossen", "noch nicht", "noch kein*", "noch nichts", "bisher nicht", "bislang nicht",
    "bisher kein*", "bislang kein*",
)
_WEAK_YES = _phrases("nicht nur", "nicht schlecht", "nichts dagegen", "warum nicht", "keine frage",
                     "kein problem", "kein zweifel", "ohne zweifel", "nicht ? drumherum", "nicht drumherum",
                     "nicht drum herum", "nicht ? drum herum", "nicht darum herum", "nicht ? darum herum",
                     "nicht mehr ignorieren", "nicht ignorieren", "kein weg vorbei", "nicht vorbei",
                     "ohne geht es nicht", "ohne geht's nicht", "nicht ohne", "nicht wegzudenken",
                     "mehr nicht", "sonst nichts", "sonst nicht", "weiter nichts", "nichts weiter", "mehr auch nicht")
_NEGATION_WORDS = frozenset({
    "nein", "nee", "ne", "noe", "nope", "nix", "nicht", "nich", "ned", "net", "nichts", "kein", "keine",
    "keinen", "keinem", "keiner", "keines", "keinerlei", "nie", "niemals", "niemand", "niemanden",
    "nirgends", "nirgendwo", "kaum", "ohne", "weder",
})


_NOT_THAT = _phrases("nicht dass", "nicht , dass", "nicht das")
_NO_IDEA_OF = _phrases("keine ahnung von", "keine ahnung vom", "keine ahnung mit", "keine ahnung davon",
                       "null ahnung von", "kein plan von")
_NOT_THAT_I_KNOW = _phrases("nicht dass ich wuesste", "nicht dass wir wuessten", "nicht das ich wuesste")
"""A double negation opens with it ("nicht dass wir keine …"): the negation that follows is cancelled."""


_FILLERS = frozenset({"leider", "wirklich", "so", "eher", "noch", "gar", "ganz", "halt", "eben", "also", "auch",
                      "mehr", "ja", "doch", "wohl", "bisher", "bislang", "eigentlich"})
_KNOW_VERBS = frozenset({"weiss", "weis", "wissen", "weiss's", "sagen", "beurteilen", "einschaetzen"})


def _says_dont_know(tokens: Tokens) -> bool:
    """"weiß ich (ehrlich gesagt) nicht", "kann ich (so) nicht sagen": a know-verb negated nearby. Not under
    "nicht dass": "Nicht dass wir keine Ahnung von Facebook hätten" says the opposite."""
    if _has(tokens, _NOT_THAT):
        tokens = _strip_phrases(tokens, _NOT_THAT + _DONT_KNOW)
    tokens = _strip_phrases(tokens, _NO_IDEA_OF)  # "keine Ahnung von Facebook": no knowledge, not "weiß nicht"
    if _has(tokens, _DONT_KNOW):
        return True
    for i, tok in enumerate(tokens):
        if tok in _KNOW_VERBS:
            window = tokens[max(0, i - 4): i + 5]
            if any(w in ("nicht", "net", "ned", "nich") for w in window) and "dass" not in window:
                return True
    return False


def _polarity(tokens: Tokens, *, state: bool) -> Any:
    """True / False / UNKNOWN / None (no signal) for one clause or message."""
    if not tokens:
        return None
    if _says_dont_know(tokens):
        return UNKNOWN
    if _has(tokens, _NOT_THAT_I_KNOW):
        return False  # "nicht dass ich wüsste"
    if _has(tokens, _NOT_THAT):
        return None  # a double negation without the topic word: ask back rather than guess
    if _has(tokens, _NOT_YET):
        return False if state else _not_yet_for_wish(tokens)
    value, signal = _yes_no_signal(tokens)
    if value is not None:
        return value
    return UNKNOWN if signal else None


def _not_yet_for_wish(tokens: Tokens) -> Any:
    # a wish "noch offen" is undecided; "noch nicht"/"noch kein Thema" is a no
    return UNKNOWN if _has(tokens, _phrases("noch offen", "ist offen", "unentschieden")) else False


_ABSENT = frozenset({"fehlt", "fehlen", "fehlte", "fehlten", "mangelt", "fehlanzeige"})
"""Verbs that deny that something is there ("Ressourcen und Prozesse fehlen noch")."""


def _negated_clause(tokens: Tokens) -> bool:
    if _has(tokens, _NOT_THAT):
        rest = _strip_phrases(tokens, _NOT_THAT)
        negators = [tok for tok in rest if tok in _NEGATION_WORDS or tok in _ABSENT]
        return not negators  # "nicht dass wir keine hätten": we have; "nicht dass wir das wollen": no
    if _has(tokens, _WEAK_YES):
        stripped = _strip_phrases(tokens, _WEAK_YES)
        return any(tok in _NEGATION_WORDS or tok in _ABSENT for tok in stripped)
    return any(tok in _NEGATION_WORDS or tok in _ABSENT for tok in tokens)


def _strip_phrases(tokens: Tokens, phrases: Sequence[_Phrase]) -> list[str]:
    covered: set[int] = set()
    for start, end in _hits(tokens, phrases):
        covered.update(range(start, end))
    return [tok for i, tok in enumerate(tokens) if i not in covered]


def _clauses(tokens: Tokens) -> list[list[str]]:
    """Clauses of a message; a trailing "aber nicht" / ", leider nicht" belongs to the clause before it, and
    "Nicht, dass …" is one clause."""
    merged: list[list[str]] = []
    tokens = [tok for i, tok in enumerate(tokens)
              if not (tok == "," and 0 < i < len(tokens) - 1 and tokens[i - 1] == "nicht" and tokens[i + 1] == "dass")]
    for clause in _split_clauses(tokens):
        if merged and len(clause) <= 3 and any(tok in _NEGATION_WORDS for tok in clause) \
                and all(tok in _NEGATION_WORDS or tok in _FILLERS for tok in clause):
            merged[-1] = merged[-1] + clause
        else:
            merged.append(clause)
    return merged


def _mention_value(clause: Tokens, *, state: bool) -> Any:
    """The value of a clause that mentions a field: unknown, not yet, negated, else affirmed."""
    if _says_dont_know(clause):
        return UNKNOWN
    if _has(clause, _NOT_YET):
        return False if state else _not_yet_for_wish(clause)
    return not _negated_clause(clause)


# -- yes/no criteria: topic cues per field --------------------------------------------------------------------
@dataclass(frozen=True)
class _BoolField:
    name: str
    cues: tuple[_Phrase, ...]
    """A clause containing one of these speaks about the field."""
    state: bool
    """A state reached or not ("noch offen" = no), rather than a wish ("noch offen" = unknown)."""
    needs: tuple[_Phrase, ...] = ()
    """When set, a clause mentions the field only if one of these occurs there too."""
    weak: tuple[_Phrase, ...] = ()
    """Cues that count only when this field's question was asked ("wichtig" alone is no recognised need)."""
    against: tuple[_Phrase, ...] = ()
    """Cues that state the opposite value when not negated ("nur im Marketing" is not cross-functional)."""


_HAVE = _phrases(
    "hab*", "hat", "hatten", "gibt", "gab", "existier*", "vorhanden", "liegt", "steht", "stehen",
    "erarbeitet", "ausgearbeitet", "entwickelt", "aufgestellt", "festgelegt", "definiert", "fertig",
    "beschlossen", "verabschiedet", "schriftlich", "dokumentiert", "niedergeschrieben",
)
_WANT = _phrases(
    "woll*", "moecht*", "will", "soll", "sollen", "sollte*", "brauch*", "such*", "entwickeln", "erarbeiten",
    "erstellen", "aufbauen", "entstehen", "hilfe", "helfen", "planen", "ziel", "wuensch*", "gern*",
)
_STRATEGY = _phrases("*strategi*", "*konzept*", "fahrplan", "roadmap", "plan")

BOOL_FIELDS: tuple[_BoolField, ...] = (
    _BoolField(
        "specific_approach",
        _phrases("branchenspezifisch*", "firmenspezifisch*", "unternehmensspezifisch*", "zugeschnitten",
                 "massgeschneidert*", "speziell fuer uns", "speziell auf uns", "auf unsere branche",
                 "fuer unsere branche", "branchenbezogen*", "branchenfokus*"),
        state=False,
        weak=_phrases("branche*", "*branchen*", "individuell*", "spezifisch*", "auf uns", "unsere situation",
                      "unseren fall", "konkret fuer uns", "praxisnah*", "unsere firma", "unser unternehmen",
                      "unseren betrieb", "uns zugeschnitten"),
        against=_phrases("allgemein*", "generell*", "neutral*", "reicht erstmal"),
    ),
    _BoolField(
        "broaden",
        _phrases("breiter*", "ausbau*", "ausbauen", "ausweit*", "professionalisier*", "intensivier*",
                 "auf breite*", "skalier*", "auf das naechste level", "naechste stufe"),
        state=False,
        weak=_phrases("professionell*", "systematisch*", "strukturiert*", "groesser", "ernsthaft*",
                      "richtig angehen", "erweitern", "verstaerk*", "mehr machen", "mehr kanaele", "weiter*"),
    ),
    _BoolField(
        "attitude_formed",
        _phrases("einstellung*", "meinung*", "einschaetzung*", "haltung*", "skeptisch*", "skepsis",
                 "ueberzeugt", "begeistert", "zeitverschwendung", "halten ? davon", "halten davon",
                 "haelt ? davon", "haelt davon", "vorbehalt*", "bild davon", "stehen dem ? gegenueber",
                 "haelt das fuer", "haelt das ? fuer", "halten das fuer", "halten das ? fuer", "haelt es fuer",
                 "halten es fuer", "spielerei", "modeerscheinung", "hype",
                 "steht dem ? gegenueber"),
        state=True,
        weak=_phrases("sehen das", "sieht das", "stehen dem", "steht dem", "offen gegenueber",
                      "positiv*", "negativ*", "kritisch*", "befuerwort*", "dagegen", "dafuer", "fan",
                      "position"),
    ),
    _BoolField(
        "decision_made",
        _phrases("entschieden", "entscheidung*", "beschlossen*", "beschluss", "steht fest", "abgesegnet",
                 "gruenes licht", "grunes licht"),
        state=True,
        weak=_phrases("entscheid*", "festgelegt", "freigegeben", "gesetzt", "machen wir auf jeden fall",
                      "machen wir definitiv", "klar dass"),
    ),
    _BoolField(
        "need_recognised",
        _phrases("notwendigkeit*", "notwendig", "noetig", "erkannt", "drumherum", "drum herum", "darum herum",
                 "kein weg vorbei", "nicht wegzudenken", "unverzichtbar",
                 "unumgaenglich", "nachholbedarf", "handlungsbedarf", "verschlafen", "abgehaengt"),
        state=True,
        weak=_phrases("wichtig*", "muessen wir", "muessen uns", "wir muessen", "muss", "pflicht", "dringend*",
                      "befassen", "auseinandersetzen", "nicht ignorieren", "brauchen wir", "relevant",
                      "dahinter", "steht hinter", "stehen hinter", "rueckendeckung", "rueckhalt"),
    ),
    _BoolField(
        "cross_functional",
        _phrases("funktionsuebergreifend*", "abteilungsuebergreifend*", "bereichsuebergreifend*",
                 "unternehmensweit*", "firmenweit*", "alle abteilungen", "alle bereiche", "in allen bereichen",
                 "in allen abteilungen", "im ganzen unternehmen", "im ganzen haus", "im ganzen betrieb",
                 "in der ganzen firma", "im gesamten unternehmen", "im gesamten betrieb", "im gesamten haus",
                 "in der gesamten firma", "gesamte unternehmen", "ganze unternehmen", "ganze firma",
                 "alle abteilungen", "saemtliche* abteilungen", "saemtliche* bereiche"),
        state=False,
        weak=_phrases("uebergreifend*", "ganze* unternehmen*", "ganze* firma", "ganze* haus", "ganzen betrieb",
                      "quer durch*", "ueberall", "breit im unternehmen", "nicht nur im", "nicht nur das marketing",
                      "nicht nur marketing", "alle", "verankert", "verankern"),
        against=_phrases("nur im marketing", "nur das marketing", "nur marketing", "nur im vertrieb",
                         "nur der vertrieb", "nur in einer abteilung", "nur eine abteilung", "bei einer person",
                         "nur bei mir", "beim marketing bleiben", "im marketing bleiben", "nur fuer das marketing"),
    ),
    _BoolField(
        "strategy_exists",
        _phrases("*strategi*"),
        state=True,
        needs=_HAVE + _phrases("noch kein*", "keine", "kein", "ohne", "nicht", "gar kein*", "fehlt", "fehlen",
                               "fehlte", "mangelt"),
        weak=_phrases("*konzept*", "fahrplan", "roadmap", "plan"),
    ),
)
BOOL_BY_NAME = {f.name: f for f in BOOL_FIELDS}
_DECISION_PENDING = _phrases(
    "entscheidet", "entscheiden wir", "entscheiden die", "entscheidet sich", "wird ? entschieden",
    "werden ? entscheiden", "wird ? entscheiden", "muss ? entscheiden", "muessen ? entscheiden",
    "soll ? entschieden", "will ? entscheiden", "erst ? entschieden", "entscheidung steht ? aus",
    "entscheidung faellt", "entscheidung ? faellt", "vor der entscheidung", "entscheidung treffen",
)


def _bool_field(spec: _BoolField, clauses: list[list[str]], asked: str | None, tokens: Tokens,
                *, fallback: bool = True) -> Any:
    """The field's value from the clauses that speak about it; with ``fallback``, for the field asked, the
    polarity of the whole message when no clause does."""
    values: list[Any] = []
    if spec.name == "strategy_exists" and asked == "strategy_parts":
        # the question presupposes a strategy; only a denial ("haben doch gar keine") is a fact about it
        value = _bool_field(spec, clauses, None, tokens)
        return value if value is False else None
    cues = spec.cues + spec.weak if asked == spec.name else spec.cues
    for clause in clauses:
        if not _has(clause, cues):
            if spec.name == "cross_functional":
                value = _areas_named(clause, asked == spec.name)
                if value is not None:
                    values.append(value)
                    continue
            if spec.against and asked == spec.name and _has(clause, spec.against, negation=True):
                values.append(False)
            elif spec.against and asked == spec.name and _has(clause, spec.against):
                values.append(True)  # "soll nicht beim Marketing bleiben": the opposite is negated
            continue
        if spec.needs and not any(_has(w, spec.needs) for w in _windows(clause, cues, 6, 6)):
            continue
        if clause[0] == "ob":  # "ob wir eine Strategie haben, weiß ich nicht": not asserted
            if any(_says_dont_know(c) for c in clauses):
                values.append(UNKNOWN)
            continue
        if spec.name == "decision_made" and _has(clause, _DECISION_PENDING):
            values.append(False)
            continue
        if spec.name == "strategy_exists":
            value = _strategy_exists(clause, cues)
            if value is not None:
                values.append(value)
            continue
        if spec.name == "attitude_formed":
            values.append(_attitude(clause))
            continue
        value = _mention_value(clause, state=spec.state)
        if value is True and spec.against and _has(clause, spec.against, negation=True):
            value = False
        values.append(value)
    stated = [v for v in values if v is not None]
    if stated:
        return _settle(stated)
    if asked == spec.name and fallback:
        return _polarity(tokens, state=spec.state)
    return None


def _areas_named(clause: Tokens, asked: bool) -> bool | None:
    """cross_functional from the areas a clause names: several areas that are to use or anchor social media
    ("soll Vertrieb und Personal einbinden") -> True; "nur" before one area ("eher nur für den Vertrieb")
    -> False. Without the question, only with an anchoring verb."""
    if not (asked or _has(clause, _ANCHOR)):
        return None
    areas = parse_departments(" ".join(clause))
    if not areas or _says_dont_know(clause) or _has(clause, _NOT_YET):
        return None
    if "nur" in clause:
        after = clause[clause.index("nur") + 1: clause.index("nur") + 5]
        if len(areas) == 1 and parse_departments(" ".join(after)) and not _negated_clause(clause):
            return False
        return None
    if len(areas) >= 2 and not _negated_clause(clause):
        return True
    return None


def _settle(values: list[Any]) -> Any:
    """The value a message states: a later clause corrects an earlier one ("ja – eher nein")."""
    return values[-1]


def _windows(clause: Tokens, phrases: Sequence[_Phrase], before: int = 5, after: int = 4) -> list[list[str]]:
    """The tokens around each hit of ``phrases``, cut at "und"/"oder" joining another statement."""
    spans = []
    for start, end in _hits(clause, phrases):
        lo = start
        while lo > 0 and start - lo < before and clause[lo - 1] not in ("und", "oder", "dass", "weil"):
            lo -= 1
        hi = end
        while hi < len(clause) and hi - end < after and clause[hi] not in ("und", "oder", "dass", "weil"):
            hi += 1
        spans.append(list(clause[lo:hi]))
    return spans


_NO_STRATEGY = _phrases("kein*", "ohne", "nicht", "nie", "nichts", "fehlt", "fehlen", "fehlte", "mangelt")


def _strategy_exists(clause: Tokens, cues: Sequence[_Phrase]) -> Any:
    """"Eine Strategie haben wir (schon)" -> True; "keine Strategie", "ohne Strategie" -> False; a strategy
    wanted, planned or asked about ("wir haben vor, eine Strategie zu entwickeln") -> not stated."""
    for window in _windows(clause, cues, 6, 6):
        if _has(window, _DONT_KNOW):
            return UNKNOWN
        if _has(window, _NO_STRATEGY) or _has(window, _NOT_YET):
            if _has(window, _WANT) and not _has(window, _phrases("haben", "hat", "gibt")):
                continue  # "wir wollen nicht ohne Strategie starten"
            return False
        if _has(window, _WANT) or _has(window, _phrases("vor", "vorhaben", "geplant", "waere", "wuerde*")):
            continue
        if _has(window, _HAVE):
            return True
    return None


def _wants_strategy(clause: Tokens) -> bool:
    """"(wir wollen) eine Strategie entwickeln": a goal, not a statement that a strategy exists."""
    for window in _windows(clause, _STRATEGY) or [list(clause)]:
        if _has(window, _WANT) and not _has(window, _phrases("hab*", "gibt", "existier*", "vorhanden",
                                                              "liegt vor", "fertig")):
            return True
    return False


def _attitude(clause: Tokens) -> Any:
    """Any view counts, negative ones too ("halten das für Zeitverschwendung"); "keine Meinung" is none."""
    if _has(clause, _DONT_KNOW):
        return UNKNOWN
    if _has(clause, _phrases("gespalten", "unterschiedlich*", "geteilt*", "uneinig*", "die einen")):
        return None  # a split view is neither formed nor open: ask back
    if _has(clause, _phrases("keine* meinung*", "keine* einstellung*", "keine* einschaetzung*", "keine* haltung*",
                             "kein bild", "keine position", "noch nicht", "noch kein*", "noch nichts",
                             "nicht wirklich", "nie ? gedanken", "keine gedanken")):
        return False
    if _has(clause, _phrases("skeptisch*", "skepsis", "kritisch*", "zeitverschwendung", "spielerei", "modeerscheinung", "hype", "haelt das", "halten das", "dagegen", "vorbehalt*",
                             "ueberzeugt", "begeistert", "dafuer", "positiv*", "negativ*", "fan")):
        return True
    return _mention_value(clause, state=True)


# -- participants, functional areas ---------------------------------------------------------------------------
_COUNT_CUES = _phrases(
    # a head count stated without being asked: explicit count words only (a colleague named in passing, or
    # the company's size, is no participant count)
    "zu zweit", "zu dritt", "zu viert", "zu fuenft", "zu sechst", "zu siebt", "zu acht", "zu neunt",
    "zu zehnt", "zu elft", "zu zwoelft", "personen", "leute", "teilnehm*", "koepfe", "nur ich", "ich allein*",
    "ich alleine", "einzelperson", "wir zwei", "wir drei", "wir vier", "wir fuenf", "wir beide", "team von",
    "bin allein*", "mache das allein*", "mach das allein*", "mache ich allein*", "mach ich allein*",
    "einzelkaempfer*", "solo", "nur mich", "und allein*", "ganz allein*", "mich allein*", "fuer mich allein*",
)
_OPENING_COUNT_CUES = _COUNT_CUES + _phrases("und ich", "ich und", "mit mir")
"""In a first message, "meine Kollegin und ich" introduces who wants to start."""
_AREA_NOUNS = ("abteilung*", "bereich*", "funktion*", "funktionsbereich*", "teams", "fachbereich*", "ressorts")
_MIXED = _phrases(
    *(f"{adj} {noun}" for adj in ("verschiedene*", "unterschiedliche*", "mehrere*", "diverse*")
      for noun in _AREA_NOUNS),
    "aus allen bereichen", "aus allen abteilungen", "querbeet", "bunt gemischt", "gemischtes team",
    "quer durch die abteilungen", "quer durch alle abteilungen", "quer durchs unternehmen",
    "quer durch das unternehmen", "quer durch den betrieb", "quer durch die firma",
)
_MIXED_ANSWER = _phrases("unterschiedlich*", "gemischt", "querbeet", "quer durch*")
"""Loose words that say "from several areas" only as the answer to that question ("gemischte Gefühle",
"unterschiedliche Plattformen" are no areas)."""
_SAME = _phrases(
    "gleiche* abteilung*", "selbe* abteilung*", "selben bereich", "gleiche* bereich*", "eine* abteilung",
    "einem bereich", "alle aus dem", "alle aus der", "alle im", "alle vom", "alle aus", "nur aus dem",
    "nur aus der", "nur marketing", "nur vertrieb", "alle beim", "alles aus dem", "alles aus der", "alles im",
    "alles vom", "ausschliesslich aus",
)
_FROM = _phrases("aus", "vom", "von", "im", "in", "abteilung*", "bereich*", "sind")


_TAKING_PART = _phrases("teilnehm*", "dabei", "mitmachen", "mitkommen", "einsteigen", "kommen wuerden",
                        "wuerden ? kommen", "nur die", "nur der", "nur ich", "sollen", "soll")
_PAIR = _phrases("die beiden *", "beide *", "wir beide", "wir zwei", "beiden")


_WE_ARE = (("wir", "sind"), ("sind", "wir"), ("waeren", "wir"), ("wir", "waeren"))
_COUNT_FILLERS = frozenset({"doch", "nur", "eigentlich", "jetzt", "aber", "ja", "uebrigens", "insgesamt",
                            "also", "dann", "schon", "eher", "mittlerweile", "inzwischen", "wohl", "sogar"})


def _we_are_n(tokens: Tokens) -> bool:
    """ "wir sind (doch) fünf" / "sind wir sechs": a head count without a count noun, when the number ends its
    clause ("wir sind 20 Jahre am Markt" is none)."""
    for clause in _split_clauses(list(tokens)):
        for i in range(len(clause) - 1):
            if (clause[i], clause[i + 1]) not in _WE_ARE:
                continue
            tail = clause[i + 2:]
            tail = tail[:tail.index("und")] if "und" in tail else tail
            rest = [tok for tok in tail if tok not in _COUNT_FILLERS]
            if len(rest) == 1 and (rest[0].isdigit() or parse_number_word(rest[0]) is not None):
                return True
    return False


def _without_replaced_value(tokens: Tokens) -> Tokens:
    """ "wir sind 3, nicht (mehr) 4": the value set against the new one is no count."""
    for i in range(len(tokens) - 1, 0, -1):
        if tokens[i - 1] in {",", ";"} and tokens[i] == "nicht":
            rest = [tok for tok in tokens[i + 1:] if tok not in {"mehr", ".", "!", "wie", "gesagt"}]
            if len(rest) == 1 and (rest[0].isdigit() or parse_number_word(rest[0]) is not None):
                return list(tokens[:i - 1])
    return tokens


def _participants(tokens: Tokens, asked: str | None) -> int | None:
    cues = _OPENING_COUNT_CUES if asked is None else _COUNT_CUES
    if asked != "participants" and not _has(tokens, cues) and not _we_are_n(tokens):
        return None
    tokens = _without_replaced_value(tokens)
    clauses = [c for c in _clauses(_final_part_tokens(tokens))]
    counts = [(c, _count(c)) for c in clauses]
    counts = [(c, n) for c, n in counts if n is not None]
    if len(counts) > 1:
        taking = [n for c, n in counts if _has(c, _TAKING_PART)]
        if taking:
            return taking[-1]
    whole = parse_participants(" ".join(_final_part_tokens(tokens)))
    if whole is not None:
        return whole
    return counts[-1][1] if counts else None


def _count(clause: Tokens) -> int | None:
    value = parse_participants(" ".join(clause))
    if value is None and _has(clause, _PAIR):
        return 2
    return value


def _final_part_tokens(tokens: Tokens) -> list[str]:
    return _final_part(tokens).split(" ")


def _final_part(tokens: Tokens) -> str:
    """The text after an in-message correction ("zu fünft – ach nee, zu sechst")."""
    marks = [i for i, tok in enumerate(tokens) if tok in ("korrektur", "sorry", "quatsch", "pardon")]
    for i in range(len(tokens) - 1):
        if tokens[i] == "ach" and tokens[i + 1] in ("nee", "ne", "nein", "quatsch"):
            marks.append(i)
        if tokens[i] in ("nein", "nee") and i + 2 < len(tokens) and tokens[i + 1] == "sagen" \
                and tokens[i + 2] == "wir":
            marks.append(i)
    if marks:
        tail = tokens[max(marks):]
        if parse_participants(" ".join(tail)) is not None:
            return " ".join(tail)
    return " ".join(tokens)


_ANCHOR = _phrases(
    "verank*", "install*", "einbind*", "eingebunden", "einbezieh*", "einbezogen", "ausroll*", "etablier*",
    "integrier*", "mitzieh*", "nutzen sollen", "laufen", "ran muessen", "zum einsatz",
)
"""Verbs that say where social media is to be used or anchored (cross_functional), not who takes part."""
_TEAM = _phrases("wir", "uns", "team*", "kolleg*", "teilnehm*", "leute", "personen")


def _multiple_functions(tokens: Tokens, clauses: list[list[str]], asked: str | None,
                        departments: list[str], participants: int | None) -> Any:
    if participants == 1:
        return False
    if any(_has(c, _MIXED, negation=True) and (asked == "multiple_functions" or not _has(c, _ANCHOR))
           for c in clauses):
        return True
    if asked == "multiple_functions" and any(_has(c, _MIXED_ANSWER, negation=True) for c in clauses):
        return True
    if any(_has(c, _SAME) for c in clauses):
        return False
    if len(departments) >= 2:
        return True
    if len(departments) == 1 and (participants or 0) > 1 and any(_all_from_one(c) and _group_in(c) for c in clauses):
        return False  # "wir sind zu dritt aus dem Vertrieb": everyone from one area
    if asked == "multiple_functions":
        if len(departments) == 1:
            value = _polarity(tokens, state=False)
            return value if value is not None else False
        return _polarity(tokens, state=False)
    return None


_FROM_ONE = _phrases("aus dem", "aus der", "vom", "alle aus", "alle im", "alle vom", "beide", "beides", "alle",
                     "leute im", "personen im", "kollegen im", "leute in der", "personen in der")
_SOME_OF = frozenset({"einer", "eine", "einem", "einen", "davon", "auch", "teils", "ua", "unter", "darunter"})


def _group_in(clause: Tokens) -> bool:
    """The clause speaks of the whole group ("wir sind zu dritt aus …", "alle aus …"), not of one person
    ("Hier ist Jana vom Marketing")."""
    return _count(clause) is not None or _has(clause, _COUNT_CUES) or _has(clause, _phrases("alle", "wir", "beide*"))


def _all_from_one(clause: Tokens) -> bool:
    # only the words up to the area count: "drei Leute aus dem Vertrieb und posten seit einem Jahr …"
    head = list(clause)
    for i in range(len(clause)):
        if parse_departments(" ".join(clause[: i + 1])):
            head = list(clause[: i + 1])
            break
    return _has(head, _FROM_ONE) and len(parse_departments(" ".join(clause))) == 1 \
        and not any(tok in _SOME_OF for tok in head)


_PERSON_NOUNS = re.compile(
    r"\b(chef|chefin|chefs|inhaber\w*|ceo|gf|geschäftsführer\w*|geschaeftsfuehrer\w*|partner\w*)\b",
    re.IGNORECASE)


_GOES_ON = frozenset({"also", "auch", "und", "etwa", "wie", "zb", "z", "insbesondere", "vor", "vielleicht"})


def _departments(text: str, tokens: Tokens, asked: str | None) -> list[str]:
    # "mein Chef und ich" names a person, not the area the participants come from
    named = parse_departments(text if asked == "multiple_functions" else _PERSON_NOUNS.sub(" ", text))
    if not named:
        return []
    # areas where social media is to be anchored ("soll auch in Vertrieb und Service laufen") are no
    # participants' areas (they answer cross_functional)
    clauses = _clauses(tokens)
    anchoring: list[bool] = []
    for c in clauses:  # ", also auch Einkauf und Lager" goes on with the clause before it
        anchoring.append(_has(c, _ANCHOR) or bool(anchoring and anchoring[-1] and c[0] in _GOES_ON))
    anchored = {d for c, a in zip(clauses, anchoring, strict=True) if a for d in parse_departments(" ".join(c))}
    elsewhere = {d for c, a in zip(clauses, anchoring, strict=True) if not a for d in parse_departments(" ".join(c))}
    named = [d for d in named if d not in anchored or d in elsewhere]
    if not named:
        return []
    if asked in ("participants", "multiple_functions"):
        return named
    if _has(tokens, _COUNT_CUES) and _has(tokens, _FROM):
        return named
    return []


# -- goals ----------------------------------------------------------------------------------------------------
_GOAL_CONTEXT = _WANT + _phrases(
    "geht um", "geht es", "interessier*", "vordergrund", "wichtig", "erwart*", "hoff*", "lernen", "verstehen",
    "herausfinden", "pruefen", "klaeren", "wissen", "fragen uns", "frage mich", "frage ist", "ob",
    "verschaffen", "bekommen",
)


_NOT_NOW = frozenset({"spaeter", "irgendwann", "langfristig", "perspektivisch", "mittelfristig", "eventuell",
                      "vielleicht", "evtl", "zukunft", "spaeteren"})


def _now(clause: list[str]) -> list[str]:
    """The part of a clause before "später"/"irgendwann": what comes after is not a goal of this start."""
    cut = next((i for i, tok in enumerate(clause) if tok in _NOT_NOW), len(clause))
    return clause[:cut]


def _goals(clauses: list[list[str]], asked: str | None) -> list[str] | None:
    found: list[str] = []
    clauses = [c for c in (_now(c) for c in clauses) if c]
    strong = [(value, phrases) for value, phrases in _FOCUS_RULES[:4]]
    for clause in clauses:
        if asked != "goals" and not _has(clause, _GOAL_CONTEXT):
            continue
        if asked != "goals" and _has(clause, _phrases("*strategi*")) and not _wants_strategy(clause) \
                and not _has(clause, _phrases("ob", "relevan*")):
            continue
        for value, phrases in strong:
            if value == "strategy" and _has(clause, _phrases("*strategi*")) and not _wants_strategy(clause) \
                    and _has(clause, _HAVE):
                continue  # "eine Strategie haben wir schon": no goal
            if value not in found and _has(clause, phrases, negation=True):
                found.append(value)
    if not found and asked == "goals":
        for clause in clauses:
            for value, phrases in _FOCUS_RULES[4:]:
                if value not in found and _has(clause, phrases, negation=True):
                    found.append(value)
    ordered = [v for v in GOAL_VALUES if v in found]
    return ordered or None


# -- experience -----------------------------------------------------------------------------------------------
_EXPERIENCE_CUES = _phrases(
    "erfahrung*", "erste* schritt*", "*gehversuch*", "erste* versuch*", "ausprobier*", "probiert", "getestet", "learning by doing",
    "trial and error", "gepostet", "posten", "poste", "aktiv", "account*", "profil*", "seite", "kanal",
    "grundkenntnis*", "grundkompetenz*", "kompetenz*", "kenntnis*", "neuland", "anfaenger*", "bei null",
    "noch nie", "seit", "regelmaessig*", "gestartet", "angefangen", "experimentier*", "fruehstarter",
    "gemacht", "machen schon", "betreiben", "bespielen", "nutzen",
)


_STRONG_EXPERIENCE = _phrases("erste* schritt*", "*gehversuch*", "erste* versuch*", "ausprobier*", "getestet", "gepostet", "grundkenntnis*",
                              "regelmaessig*", "learning by doing")


_EXCEPT = _phrases("ausser", "bis auf")  # "keiner außer mir": someone is
_NOBODY = _phrases("niemand", "keiner", "keine von uns", "noch nichts", "gar nichts", "bisher nichts",
                   "bislang nichts", "noch nix")
_DOING = _phrases("mach*", "gemacht", "tut", "tun", "aktiv", "unterwegs", "nutz*", "genutzt", "poste*",
                  "gepostet", "betreib*", "kuemmer*", "bespiel*")


def _nobody_active(clause: Tokens, tokens: Tokens) -> bool:
    """"niemand von uns macht etwas mit Social Media", "wir machen noch nichts auf den Plattformen": nobody
    in the company is active on the networks (the platforms named in the same clause)."""
    return _has(clause, _NOBODY) and _has(clause, _DOING) and _has(clause, _PLATFORM_WORDS) \
        and not _has(clause, _STRONG_EXPERIENCE) and not _has(tokens, _EXCEPT)


_DONE = _phrases("schon", "bereits", "seit", "gemacht", "ausprobiert", "probiert", "getestet", "gepostet",
                 "hatten", "war*", "bisher", "bislang", "erste* schritt*", "*gehversuch*", "erfahrung*")


def _experience(text: str, tokens: Tokens, clauses: list[list[str]], asked: str | None) -> Any:
    if asked == "experience":
        if _says_dont_know(tokens) and not _has(tokens, _STRONG_EXPERIENCE):
            return UNKNOWN  # "weiß ich noch nicht" is no "noch nicht"
        if _has(tokens, _phrases("erfahrung*", "kenntnis*", "kompetenz*", "ahnung")) and \
                any(tok in ("niemand", "niemanden", "keiner", "keine", "kein", "keinerlei") for tok in tokens):
            return "none"  # "niemand von uns hat da Erfahrung"
        value = parse_experience(text)
        if value in EXPERIENCE_VALUES:
            return value
        polarity = _polarity(tokens, state=True)
        return "none" if polarity is False else (UNKNOWN if polarity is UNKNOWN else None)
    for clause in clauses:
        if _nobody_active(clause, tokens):
            return "none"  # "bisher macht niemand von uns etwas mit Social Media"
        if _has(clause, _WANT) and not _has(clause, _DONE):
            continue  # "wir wollen Instagram ausprobieren": a plan, no experience yet
        if _has(clause, _EXPERIENCE_CUES):
            value = parse_experience(" ".join(clause))
            if value in EXPERIENCE_VALUES:
                if value == "none" and _has(tokens, _EXCEPT):
                    continue
                if value == "none" and not _has(clause, _phrases("erfahrung*", "kenntnis*", "kompetenz*",
                                                                 "noch nie", "neuland", "bei null",
                                                                 "anfaenger*", "gemacht", "aktiv")):
                    continue
                return value
    return None


# -- platform knowledge ---------------------------------------------------------------------------------------
_USE = _phrases(
    "kenn*", "nutz*", "benutz*", "genutzt", "verwend*", "aktiv", "privat*", "account*", "profil*", "konto",
    "konten", "unterwegs", "angemeldet", "registriert", "poste*", "gepostet", "gemacht", "auskenn*",
    "aus", "vertraut", "erfahrung*", "anwender*", "seite", "kanal", "drin", "dabei", "betreiben", "habe", "haben",
    "ahnung", "haetten", "hatten", "bespiel*", "pfleg*", "betreu*", "machen wir seit", "machen wir schon",
    "machen wir bereits", "wir machen seit", "wir machen schon", "wir machen bereits", "gemacht",
    "hab", "hat",
)
_PLATFORM_WORDS: tuple[_Phrase, ...] = tuple(p for _name, phrases in _PLATFORMS for p in phrases) + _phrases(
    "plattform*", "social media", "soziale* netzwerk*", "soziale* medien", "netzwerke")


_KNOWLEDGE_WORDS = _phrases("anwenderkenntnis*", "anwenderwissen", "plattformkenntnis*", "nutzerkenntnis*",
                            "anwendererfahrung*", "nutzungserfahrung*")


def _platform_knowledge(tokens: Tokens, clauses: list[list[str]], asked: str | None) -> Any:
    values: list[Any] = []
    for clause in clauses:
        if _has(clause, _KNOWLEDGE_WORDS):
            values.append(_mention_value(clause, state=True))
            continue
        if not (_has(clause, _PLATFORM_WORDS) and _has(clause, _USE)):
            continue
        if asked != "platform_knowledge" and not _has(clause, tuple(
                p for _name, phrases in _PLATFORMS for p in phrases) + _phrases("privat*", "anwender*")):
            continue
        values.append(_mention_value(clause, state=True))
    stated = [v for v in values if v is not None]
    if False in stated and _has(tokens, _phrases("niemand", "keiner")) and _has(tokens, _EXCEPT):
        return True  # "keiner nutzt LinkedIn, außer mir": someone does
    if True in stated:
        return True  # "Facebook ja, Xing nicht": one platform someone knows is enough
    if stated:
        return stated[-1]
    if asked == "platform_knowledge":
        return _polarity(tokens, state=True)
    return None


# -- strategy parts -------------------------------------------------------------------------------------------
_PART_CUES: tuple[tuple[str, tuple[_Phrase, ...]], ...] = (
    ("business_integration", _phrases("business integration", "*integration*", "geschaeftsprozess*",
                                      "prozess*", "eingebunden", "eingebettet", "angebunden", "verzahnt",
                                      "anbindung", "verknuepf*", "crm")),
    ("goals", _phrases("ziel*", "kennzahl*", "kpi*", "messen", "messbar*", "gemessen", "erfolgsmessung",
                       "zielsystem*", "auswert*", "controlling")),
    ("resources", _phrases("ressource*", "budget*", "personal*", "zustaendig*", "verantwortlich*",
                           "zeitbudget", "stunden", "wer das macht", "wer es macht", "manpower", "kapazitaet*",
                           "geld")),
)


def _strategy_parts(clauses: list[list[str]], asked: str | None, strategy_exists: Any,
                    tokens: Tokens) -> list[str] | None:
    about_strategy = asked in ("strategy_parts", "strategy_exists") or strategy_exists is True
    if not about_strategy:
        return None
    present: list[str] = []
    mentioned = False
    for clause in clauses:
        for value, phrases in _PART_CUES:
            if not _has(clause, phrases):
                continue
            mentioned = True
            if _mention_value(clause, state=True) is True and value not in present:
                present.append(value)
    if present:
        return [v for v in STRATEGY_PART_VALUES if v in present]
    if asked == "strategy_parts" and (mentioned or _polarity(tokens, state=True) is False):
        return []
    return None


# -- the reader -----------------------------------------------------------------------------------------------
_Reader = Callable[[str, str | None], dict[str, Any]]


def read_facts(text: object, asked: str | None = None) -> dict[str, Any]:
    """Every fact ``text`` clearly states: ``{field: value}`` (see module docstring).

    ``asked`` is the field whose question was just asked (``None`` or "opening" for a first message).
    Values: participants an int; yes/no fields True, False or ``UNKNOWN``; ``goals``, ``departments``,
    ``strategy_parts`` lists; ``experience`` one of ``EXPERIENCE_VALUES`` or ``UNKNOWN``; contact fields as
    ``advisor.german.contact.read_contact`` returns them. Facts read only from a weak cue are not in it
    (see ``read_graded``).
    """
    return read_graded(text, asked).sure


@dataclass(frozen=True)
class Graded:
    """What a message states, in two tiers: ``sure`` facts (a topic word, a clear yes/no answer) and
    ``unsure`` ones, read only from a weak cue (the polarity of a long message without a yes/no word, a
    weak goal word, one area named when areas were asked, clauses that disagree). An unsure fact is never
    stored as it is: the form asks "Habe ich richtig verstanden: …?" first."""

    sure: dict[str, Any]
    unsure: dict[str, Any]


def read_graded(text: object, asked: str | None = None) -> Graded:
    """``read_facts`` with the facts it leaves out because they rest on a weak cue (``Graded.unsure``)."""
    if not isinstance(text, str) or not text.strip():
        return Graded({}, {})
    facts = _read_all(text, asked)
    asked = None if asked in (None, "", "opening") else asked
    tokens = tokenize(text)
    weak = _weakly_read(facts, text, tokens, _clauses(tokens), asked)
    return Graded({k: v for k, v in facts.items() if k not in weak},
                  {k: v for k, v in facts.items() if k in weak})


def _read_all(text: str, asked: str | None) -> dict[str, Any]:
    asked = None if asked in (None, "", "opening") else asked
    tokens = tokenize(text)
    clauses = _clauses(tokens)
    facts: dict[str, Any] = {}

    participants = _participants(tokens, asked)
    if participants is not None:
        facts["participants"] = participants
    departments = _departments(text, tokens, asked)
    if departments:
        facts["departments"] = departments
    multiple = _multiple_functions(tokens, clauses, asked, departments, participants)
    if multiple is not None:
        facts["multiple_functions"] = multiple
    goals = _goals(clauses, asked)
    if goals:
        facts["goals"] = goals
    experience = _experience(text, tokens, clauses, asked)
    if experience is not None:
        facts["experience"] = experience
    knowledge = _platform_knowledge(tokens, clauses, asked)
    if knowledge is not None:
        facts["platform_knowledge"] = knowledge
    for spec in BOOL_FIELDS:
        value = _bool_field(spec, clauses, asked, tokens)
        if value is not None:
            facts[spec.name] = value
    parts = _strategy_parts(clauses, asked, facts.get("strategy_exists"), tokens)
    if parts is not None:
        facts["strategy_parts"] = parts
    if asked and asked not in facts and asked in _CRITERIA_NAMES and asked != "participants" \
            and _says_dont_know(tokens):
        facts[asked] = UNKNOWN  # "weiß nicht" to any question: an open point, not a miss
    facts.update(_contact(text, asked))
    return facts


# -- how sure a fact is ---------------------------------------------------------------------------------------
_ANSWER_STARTS = _phrases(
    "ja", "jo", "joa", "jap", "jawohl", "jawoll", "klar", "genau", "stimmt", "richtig", "korrekt", "absolut",
    "definitiv", "natuerlich", "sicher", "doch", "nein", "nee", "ne", "noe", "nope", "nicht", "kein*",
    "niemand", "nie", "gar", "ueberhaupt", "eher", "leider", "noch", "bisher", "bislang", "auf jeden fall",
    "auf keinen fall", "tendenziell", "eigentlich", "im prinzip", "grundsaetzlich",
)
_LEAD_INS = frozenset({"also", "hm", "hmm", "oh", "ach", "naja", "na", "tja", "puh", "ehrlich", "gesagt", "gute",
                       "frage", "ich", "wuerde", "sagen", "mal", "ganz", "offen", "um", "zu", "sein"})
_BARE_WORDS = 6
"""A message of at most this many words is a bare answer to the question asked."""


def _bare_answer(tokens: Tokens) -> bool:
    """A short answer, or one that starts with a yes or a no ("Nein. Wir machen seit zwei Jahren …"): its
    yes/no is meant for the question asked. The polarity of a longer message without one ("Wir haben
    einiges ausprobiert, aber nicht regelmäßig") is only a guess."""
    words = [t for t in tokens if t not in _CLAUSE_MARKS]
    if len(words) <= _BARE_WORDS:
        return True
    start = next((i for i, t in enumerate(words) if t not in _LEAD_INS), len(words))
    head = words[start:start + 3]
    return bool(head) and any(_match_phrase_at(head, p) for p in _ANSWER_STARTS)


_CLAUSE_MARKS = frozenset({",", ";", ".", "!", "?", ":", "-", "–", "(", ")", "…", "\"", "'"})


def _match_phrase_at(tokens: Tokens, phrase: _Phrase) -> bool:
    return bool(_hits(list(tokens)[: len(phrase)], (phrase,)))


def _cue_clauses(spec: _BoolField, clauses: list[list[str]], asked: str | None) -> list[Any]:
    """The value each clause states through one of the field's own topic words (the weak ones too when the
    field was asked), not through the polarity of the message."""
    return [v for v in (_bool_field(spec, [c], asked, c, fallback=False) for c in clauses) if v is not None]


_COMPANY_SIZE = _phrases(
    "mitarbeiter*", "mitarbeitende*", "angestellte*", "beschaeftigte*", "belegschaft", "arbeiten",
    *(f"{prep} {noun}" for prep in ("in der", "in unserer", "im", "in unserem", "mit")
      for noun in ("firma", "praxis", "kanzlei", "betrieb", "unternehmen", "buero", "laden", "verein",
                   "hotel", "salon", "werkstatt")),
    *(f"{noun} mit" for noun in ("firma", "praxis", "kanzlei", "betrieb", "unternehmen", "buero",
                                 "verein", "hotel", "salon", "werkstatt", "mittelstaendler")),
)
"""Words that make a count the size of the firm rather than of the group that is to start."""


_RANGE_JOINS = frozenset({"-", "–", "bis", "oder", "/", "und"})


def _is_count_word(token: str) -> bool:
    return token.isdigit() or parse_number_word(token) is not None


def _range_of_counts(tokens: Tokens) -> bool:
    """"3 bis 4 Leute", "vier oder fünf", "zwischen 5 und 8": a range, not one head count."""
    for i in range(len(tokens) - 2):
        if _is_count_word(tokens[i]) and tokens[i + 1] in _RANGE_JOINS and _is_count_word(tokens[i + 2]):
            if tokens[i + 1] != "und" or (i > 0 and tokens[i - 1] == "zwischen"):
                return True
    return False


def _weakly_read(facts: dict[str, Any], text: str, tokens: Tokens, clauses: list[list[str]],
                 asked: str | None) -> set[str]:
    """The facts of ``facts`` that rest on a weak cue only (see ``Graded``)."""
    weak: set[str] = set()
    bare = _bare_answer(tokens)
    for spec in BOOL_FIELDS:
        value = facts.get(spec.name)
        if value is None or value is UNKNOWN:
            continue
        stated = _cue_clauses(spec, clauses, asked)
        if True in stated and False in stated and spec.name != "platform_knowledge":
            weak.add(spec.name)  # the clauses disagree ("ja, entschieden – also noch nicht ganz")
        elif not stated and spec.name == asked and not bare:
            weak.add(spec.name)  # only the polarity of a long message, or a weak cue
    knowledge = facts.get("platform_knowledge")
    if knowledge is not None and knowledge is not UNKNOWN and asked == "platform_knowledge" and not bare:
        grounded = any(_has(c, _KNOWLEDGE_WORDS) or (_has(c, _PLATFORM_WORDS) and _has(c, _USE)) for c in clauses)
        if not grounded:
            weak.add("platform_knowledge")
    experience = facts.get("experience")
    if asked == "experience" and experience not in (None, UNKNOWN) and not bare \
            and parse_experience(text) != experience \
            and not (_has(tokens, _phrases("erfahrung*", "kenntnis*", "kompetenz*", "ahnung"))
                     and experience == "none"):
        weak.add("experience")  # only "no" read from a long message
    goals = facts.get("goals")
    if goals and goals is not UNKNOWN and asked == "goals" and not any(
            _has(c, phrases, negation=True) for c in clauses for _value, phrases in _FOCUS_RULES[:4]):
        weak.add("goals")  # only a loose goal word ("etwas lernen")
    multiple = facts.get("multiple_functions")
    if multiple is not None and multiple is not UNKNOWN and facts.get("participants") != 1:
        departments = facts.get("departments") or []
        grounded = len(departments) >= 2 or any(_has(c, _MIXED, negation=True) or _has(c, _SAME) for c in clauses) \
            or (asked == "multiple_functions" and bare and any(_has(c, _MIXED_ANSWER) for c in clauses)) \
            or (len(departments) == 1 and any(_all_from_one(c) for c in clauses))
        listed = len(departments) == 1 and any(t in ("und", ",", "sowie", "&") for t in tokens)
        if not grounded and (not bare or listed):
            weak.add("multiple_functions")  # one area known among others named: are they several?
    count = facts.get("participants")
    if count is not None and not _has(tokens, _TAKING_PART) and any(
            _has(c, _COMPANY_SIZE) and _count(c) == count for c in clauses):
        weak.add("participants")  # "in unserer Praxis sind wir 8 Leute": the firm, or who takes part?
    if count is not None and _range_of_counts(tokens):
        weak.add("participants")  # "3 bis 4", "vier oder fünf": which one?
    parts = facts.get("strategy_parts")
    if parts == [] and asked == "strategy_parts" and not bare and not any(
            _has(c, phrases) for c in clauses for _value, phrases in _PART_CUES):
        weak.add("strategy_parts")
    return weak


def _contact(text: str, asked: str | None) -> dict[str, Any]:
    try:
        from advisor.german.contact import read_contact
    except ImportError:  # the contact reader is optional while it is being built
        return {}
    return read_contact(text, asked)
