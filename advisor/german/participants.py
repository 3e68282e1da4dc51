"""How many people take part: digits, number words, "zu dritt", "ein Dutzend", "ich und zwei Kollegen"."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from advisor.criteria import MAX_PARTICIPANTS
from advisor.german.numbers import parse_number_word
from advisor.german.text import _has, _phrases, _token_in, _words, tokenize

# ---------------------------------------------------------------------------
# Participants
# ---------------------------------------------------------------------------

_PERSON_NOUNS = _phrases(
    "leute", "leuten", "leutchen", "person", "personen", "kolleg*", "mitarbeiter*",
    "mitarbeitende*", "teilnehmer*", "teilnehmende*", "menschen", "mann", "frau",
    "frauen", "koepfe*", "chef*", "azubi*", "praktikant*", "angestellte*",
    "beschaeftigte*", "fuehrungskraft*", "fuehrungskraefte*", "manager*", "leiter*",
    "vertriebler*", "marketer*", "weitere*", "andere*", "partner*",
    "geschaeftsfuehrer*", "assistent*", "vorgesetzte*", "herr", "herren",
)
_COMPANY_NOUNS = _phrases("mitarbeiter*", "mitarbeitende*", "beschaeftigte*", "angestellte*")
_COMPANY_CONTEXT = frozenset(
    {"haben", "hat", "insgesamt", "gesamt", "firma", "unternehmen", "betrieb", "mit", "von",
     "ueber", "rund"}
)
_UNIT_NOUNS = _phrases(
    "woche*", "tag", "tage", "tagen", "taegig*", "monat*", "jahr*", "stunde*", "std", "h",
    "uhr", "minute*", "min", "euro", "eur", "€", "$", "prozent", "%", "mal", "x",
    "seite*", "post*", "beitraeg*", "follower*", "fan*", "like*", "kunde*", "standort*",
    "filiale*", "mio", "million*", "milliard*", "tsd", "k", "kanal*", "kanaele*",
    "plattform*", "netzwerk*", "punkt*", "km", "m", "cm", "kg", "stueck",
)
_TIME_PREPOSITIONS = frozenset({"seit", "vor", "nach", "um", "am", "im", "jahr", "jahre"})
_VAGUE_QUANTIFIERS = frozenset({"paar", "einige", "mehrere", "viele", "etliche", "einigen"})
_TAKING_PART = _phrases(
    "teilnehm*", "nehmen teil", "teil", "mitmach*", "dabei", "kommen", "sollen", "werden"
)
_ATTRIBUTION = frozenset({"aus", "vom", "von", "im", "in"})
_ARTICLE_ONE = frozenset({"ein", "eine", "einen", "einem", "einer"})
_COLLECTIVE_IRREGULAR = {
    "dritt": 3, "siebt": 7, "siebent": 7, "acht": 8, "zweien": 2, "dreien": 3, "vieren": 4,
    "beiden": 2,
}
_SELF = frozenset({"ich", "mich", "mir"})
_COMPANION_CONJ = frozenset({"und", "mit", "plus", "sowie", "samt", "nebst", "+", "&"})
_COMPANION_FILLERS = frozenset(
    {"noch", "ca", "circa", "etwa", "ungefaehr", "rund", "vielleicht", "maximal", "."}
)
_SINGULAR_DET = frozenset({"mein", "meinem", "unser", "unserem", "der", "dem", "ein", "einem"})
_FEMININE_DET = frozenset({"meine", "meiner", "unsere", "unserer", "die", "eine", "einer"})
_FEMININE_SINGULAR = frozenset(
    {"frau", "assistenz", "vorgesetzte", "tochter", "schwester", "mutter", "chefin"}
)
_SELF_ONLY = _phrases(
    "nur ich", "nur mich", "nur mir", "meine wenigkeit", "ich allein*", "mich allein*",
    "ich selbst", "nur einer", "nur eine", "einzelperson*", "allein*", "solo", "einzeln",
    "nur fuer mich",
)
_SELF_ONLY_WHOLE = frozenset(
    {("ich",), ("mich",), ("mir",), ("einer",), ("eine",), ("ich", "selbst"), ("nur", "ich")}
)
_GROUP_WORDS = _phrases(
    "wir", "uns", "unser*", "team*", "kolleg*", "mehrere", "einige", "paar", "viele",
    "alle", "gruppe*", "abteilung*", "mitarbeiter*", "leute*", "zusammen", "gemeinsam",
    "belegschaft", "mannschaft", "personen", "nicht nur", "nicht allein*",
)


@dataclass(frozen=True)
class _Mention:
    value: int
    start: int
    end: int  # index after the number and its person noun, if any
    person: bool
    collective: bool


def _collective_value(word: str) -> int | None:
    if word in _COLLECTIVE_IRREGULAR:
        return _COLLECTIVE_IRREGULAR[word]
    for suffix in ("st", "t"):
        if word.endswith(suffix):
            value = parse_number_word(word[: -len(suffix)])
            if value is not None:
                return value
    return None


def _read_quantity(tokens: Sequence[str], i: int) -> tuple[int | None, int, bool]:
    """(value, width in tokens, collective) of a quantity starting at ``i``."""
    tok = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    prev = tokens[i - 1] if i > 0 else ""
    if tok == "zu" and nxt:
        value = _collective_value(nxt)
        if value is not None:
            return value, 2, True
    if prev in _VAGUE_QUANTIFIERS:
        return None, 1, False
    if tok in ("halbes", "halbe", "halben") and nxt == "dutzend":
        return 6, 2, False
    if tok == "dutzend":
        return 12, 1, False
    if tok == "beide":
        return 2, 1, False
    base: int | None
    digits = tok.replace(".", "")
    if digits.isascii() and digits.isdigit():
        base = int(digits) if len(digits) <= 12 else None
    elif tok in _ARTICLE_ONE:
        base = 1 if nxt == "dutzend" or _token_in(nxt, _PERSON_NOUNS) else None
    else:
        base = parse_number_word(tok)
    if base is None:
        return None, 1, False
    if nxt == "dutzend":
        return base * 12, 2, False
    return base, 1, False


def _mentions(tokens: Sequence[str]) -> list[_Mention]:
    found: list[_Mention] = []
    i = 0
    while i < len(tokens):
        value, width, collective = _read_quantity(tokens, i)
        if value is None:
            i += 1
            continue
        end = i + width
        after = tokens[end] if end < len(tokens) else ""
        prev = tokens[i - 1] if i > 0 else ""
        person = bool(after) and _token_in(after, _PERSON_NOUNS)
        unit = bool(after) and _token_in(after, _UNIT_NOUNS)
        time_like = prev in _TIME_PREPOSITIONS or 1900 <= value <= 2100
        if not collective and (unit or (time_like and not person)):
            i = end
            continue
        found.append(_Mention(value, i, end + (1 if person else 0), person, collective))
        i = end
    return found


def _is_company_size(tokens: Sequence[str], mention: _Mention) -> bool:
    if not mention.person or not _token_in(tokens[mention.end - 1], _COMPANY_NOUNS):
        return False
    before = tokens[max(0, mention.start - 3) : mention.start]
    return any(tok in _COMPANY_CONTEXT for tok in before)


def _singular_companion(det: str, noun: str) -> bool:
    if not _token_in(noun, _PERSON_NOUNS) or noun in ("leute", "leuten", "personen"):
        return False
    if det in _SINGULAR_DET:
        return True
    feminine = noun in _FEMININE_SINGULAR or (noun.endswith("in") and len(noun) > 4)
    return det in _FEMININE_DET and feminine


def _companions_after(tokens: Sequence[str], k: int, mentions: Sequence[_Mention]) -> int | None:
    while k < len(tokens) and tokens[k] in _COMPANION_FILLERS:
        k += 1
    for mention in mentions:
        if mention.start == k and not mention.collective:
            return mention.value
    if k >= len(tokens):
        return None
    if tokens[k] in ("herr", "frau"):
        return 1
    if k + 1 < len(tokens) and _singular_companion(tokens[k], tokens[k + 1]):
        return 1
    return None


def _companions_before(tokens: Sequence[str], k: int, mentions: Sequence[_Mention]) -> int | None:
    """Companions in the tokens ending just before index ``k`` (the conjunction); an attribution between
    them and the conjunction is skipped ("mein Kollege aus dem Vertrieb und ich")."""
    for back in (2, 3):
        if k - back >= 2 and tokens[k - back] in _ATTRIBUTION:
            found = _companions_before_at(tokens, k - back, mentions)
            if found is not None:
                return found
    return _companions_before_at(tokens, k, mentions)


def _companions_before_at(tokens: Sequence[str], k: int, mentions: Sequence[_Mention]) -> int | None:
    for mention in mentions:
        if mention.end == k and not mention.collective:
            return mention.value
    if k >= 2 and tokens[k - 2] in ("herr", "frau"):
        return 1
    if k >= 2 and _singular_companion(tokens[k - 2], tokens[k - 1]):
        return 1
    return None


def _with_self(tokens: Sequence[str], mentions: Sequence[_Mention]) -> int | None:
    """ "ich und zwei Kollegen" -> 3, "mein Kollege und ich" -> 2."""
    for s, tok in enumerate(tokens):
        if tok not in _SELF:
            continue
        if s + 1 < len(tokens) and tokens[s + 1] in _COMPANION_CONJ:
            others = _companions_after(tokens, s + 2, mentions)
            if others is not None:
                return 1 + others
        if s >= 1 and tokens[s - 1] in _COMPANION_CONJ:
            others = _companions_before(tokens, s - 1, mentions)
            if others is not None:
                return 1 + others
    return None


def _combine(tokens: Sequence[str], mentions: list[_Mention]) -> int | None:
    """One number out of several mentions (see parse_participants)."""
    collective = [m.value for m in mentions if m.collective]
    if collective:
        return max(collective)
    plain = [m for m in mentions if not _is_company_size(tokens, m)] or mentions
    if not plain:
        return None
    if "davon" in tokens:
        cut = tokens.index("davon")
        side = [m for m in plain if m.start > cut]
        if not (side and _has(tokens[cut:], _TAKING_PART)):
            side = [m for m in plain if m.end <= cut]
        if side:
            return side[-1].value if side[0].start < cut else side[0].value
    attributed = [m for m in plain if m.end < len(tokens) and tokens[m.end] in _ATTRIBUTION]
    if len(attributed) >= 2:
        return sum(m.value for m in attributed)
    with_noun = [m for m in plain if m.person]
    return max(m.value for m in (with_noun or plain))


def _self_only(tokens: Sequence[str]) -> bool:
    words = tuple(_words(tokens))
    if words in _SELF_ONLY_WHOLE:
        return True
    return _has(tokens, _SELF_ONLY, negation=True)


def _valid_count(value: int | None) -> int | None:
    if value is None or value < 1 or value > MAX_PARTICIPANTS:
        return None
    return value


def parse_participants(text: object) -> int | None:
    """Number of people who are to get started, from a German answer.

    Decision order (first that applies wins):

    1. The speaker plus companions: "ich und mein Kollege" -> 2,
       "ich und zwei Kollegen" -> 3, "zwei Kollegen und ich" -> 3.
       Plural or vague companions ("ich und mein Team") -> ``None``.
    2. Collective numerals: "zu zweit" ... "zu zwölft", "zu zwanzigst" -> n.
    3. Numbers (digits, words, "ein Dutzend" -> 12, "eine Person" -> 1).
       Numbers of time, money or other units ("seit 3 Jahren", "2 Wochen") and
       years are ignored; a company size ("Firma mit 200 Mitarbeitern") is
       ignored when another number is given. With several numbers:
       "N ..., davon M ..." -> N; "2 aus Marketing und 3 aus Vertrieb" -> 5
       (each attributed to a department: summed); ranges and alternatives
       ("10-12", "3 oder 4", "zwischen 10 und 12") -> the *upper* value,
       because the format and the room must fit the largest group.
    4. The speaker alone: "nur ich", "ich allein", "mich", "Einzelperson".

    Vague amounts ("ein paar", "mehrere", "das ganze Team") return ``None``;
    use :func:`parse_group_hint` for those. Values < 1 or > MAX_PARTICIPANTS
    return ``None``.
    """
    tokens = tokenize(text)
    if not tokens:
        return None
    mentions = _mentions(tokens)
    companions = _with_self(tokens, mentions)
    if companions is not None:
        return _valid_count(companions)
    combined = _combine(tokens, mentions)
    if combined is not None:
        return _valid_count(combined)
    return 1 if _self_only(tokens) else None


def parse_group_hint(text: object) -> bool | None:
    """True when the answer says more than one person, False for one, else None.

    Uses :func:`parse_participants` first; for vague answers ("mehrere",
    "ein paar", "das ganze Team", "wir", "nicht nur ich") returns True.
    """
    count = parse_participants(text)
    if count is not None:
        return count > 1
    tokens = tokenize(text)
    if _has(tokens, _phrases("nicht nur", "nicht allein*")):
        return True
    if _self_only(tokens):
        return False
    return True if _has(tokens, _GROUP_WORDS) else None
