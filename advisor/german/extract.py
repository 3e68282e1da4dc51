"""German free-text extraction for the answers of the qualification form.

Pure Python: no Rasa import, no third-party dependency.

Every public function is *total*: it accepts any input (also non-``str``), never
raises and returns ``None`` (or an empty list) when the answer is unclear. The
form then asks again or leaves the criterion open for the consultant's call.

How matching works
------------------
1. :func:`normalize` folds the text (NFC, lower case, ä->ae, ö->oe, ü->ue,
   ß->ss, collapsed whitespace), so "Müller"/"Mueller" and "weiß"/"weiss"
   match alike. Input longer than :data:`MAX_TEXT_CHARS` is truncated first
   (a form answer is a sentence, not an essay; this bounds the work).
2. The text is split into tokens: words, numbers, single punctuation marks.
   Letter runs of three or more are squashed ("jaaa" -> "ja").
3. Phrases are matched on tokens. A phrase is a space-separated sequence of
   token patterns written in the folded spelling: ``x*`` matches tokens that
   start with ``x``, ``*x`` tokens that end with ``x``, ``*x*`` tokens that
   contain ``x``, ``?`` any one token, anything else the exact token.
4. Most matches are *negation-aware*: a match is ignored when a negator
   ("kein", "nicht", "nichts", "nie", "ohne") stands up to three tokens before
   it, or when one follows it within three tokens, in the same clause
   (clauses end at punctuation, "aber", "sondern", "jedoch").

No regular expression here can backtrack catastrophically; the tokenizer is
linear, so hostile input (10,000 characters, emoji, RTL text, HTML, SQL) is
handled in bounded time.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "EXPERIENCE_VALUES",
    "FOCUS_VALUES",
    "MAX_PARTICIPANTS",
    "MAX_TEXT_CHARS",
    "normalize",
    "parse_departments",
    "parse_experience",
    "parse_focus",
    "parse_group_hint",
    "parse_number_word",
    "parse_participants",
    "parse_platform_knowledge",
    "parse_platforms",
    "parse_yes_no",
    "tokenize",
]

MAX_TEXT_CHARS = 2_000
"""Only the first MAX_TEXT_CHARS characters of an answer are analysed."""

MAX_PARTICIPANTS = 10_000
"""Participant counts above this are absurd and returned as ``None``."""

FOCUS_VALUES = ("overview", "relevance", "next_steps", "strategy")
EXPERIENCE_VALUES = ("none", "first_steps", "basic")

# ---------------------------------------------------------------------------
# Normalisation and tokens
# ---------------------------------------------------------------------------

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# ASCII digits (optionally with German thousands dots), letter runs, or one
# single non-space, non-word character. Linear: no nested quantifiers.
_TOKEN_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?![0-9])|[0-9]+|[^\W\d_]+|[^\w\s]|_")
_SQUASH_RE = re.compile(r"(.)\1{2,}")
_CLAUSE_BREAKS = frozenset({",", ";", ".", "!", "?", ":", "aber", "sondern", "jedoch"})
_NEGATORS = frozenset(
    {
        "kein", "keine", "keinen", "keinem", "keiner", "keines", "keinerlei",
        "nicht", "nichts", "nie", "niemals", "ohne",
    }
)
_NEGATION_WINDOW = 3


def normalize(text: object) -> str:
    """Fold ``text`` for matching; returns ``""`` for non-strings.

    NFC, lower case, ä->ae, ö->oe, ü->ue, ß->ss, invisible format characters
    (zero-width, bidi controls, soft hyphen) removed, whitespace collapsed and
    punctuation stripped at both edges ("Ja!" -> "ja"). Symbols such as emoji
    are kept.
    """
    if not isinstance(text, str) or not text:
        return ""
    folded = unicodedata.normalize("NFC", text).lower().translate(_FOLD)
    visible = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return _strip_edge_punctuation(" ".join(visible.split()))


def _strip_edge_punctuation(text: str) -> str:
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(text[end - 1]).startswith("P"):
        end -= 1
    return text[start:end].strip()


def tokenize(text: object) -> list[str]:
    """Tokens of the normalised text (at most :data:`MAX_TEXT_CHARS` analysed)."""
    if not isinstance(text, str):
        return []
    tokens = _TOKEN_RE.findall(normalize(text[:MAX_TEXT_CHARS]))
    return [_SQUASH_RE.sub(r"\1", tok) if tok[:1].isalpha() else tok for tok in tokens]


def _words(tokens: Sequence[str]) -> list[str]:
    return [tok for tok in tokens if tok[:1].isalnum()]


# ---------------------------------------------------------------------------
# Phrase matching
# ---------------------------------------------------------------------------

_Part = tuple[str, str]
_Phrase = tuple[_Part, ...]


def _compile_part(pattern: str) -> _Part:
    if pattern == "?":
        return ("any", "")
    if len(pattern) > 2 and pattern.startswith("*") and pattern.endswith("*"):
        return ("in", pattern[1:-1])
    if len(pattern) > 1 and pattern.endswith("*"):
        return ("pre", pattern[:-1])
    if len(pattern) > 1 and pattern.startswith("*"):
        return ("suf", pattern[1:])
    return ("eq", pattern)


def _phrases(*phrases: str) -> tuple[_Phrase, ...]:
    return tuple(tuple(_compile_part(p) for p in phrase.split()) for phrase in phrases)


def _part_ok(token: str, part: _Part) -> bool:
    mode, text = part
    if mode == "eq":
        return token == text
    if mode == "pre":
        return token.startswith(text)
    if mode == "suf":
        return token.endswith(text)
    if mode == "in":
        return text in token
    return True


def _match_at(tokens: Sequence[str], index: int, phrase: _Phrase) -> bool:
    if index + len(phrase) > len(tokens):
        return False
    return all(_part_ok(tokens[index + k], part) for k, part in enumerate(phrase))


def _starts(tokens: Sequence[str], phrase: _Phrase) -> Iterator[int]:
    """Indices where ``phrase`` matches; the first part is tested inline (hot loop)."""
    mode, text = phrase[0]
    rest = phrase[1:]
    last = len(tokens) - len(phrase)
    for i, tok in enumerate(tokens):
        if i > last:
            return
        if mode == "eq":
            ok = tok == text
        elif mode == "pre":
            ok = tok.startswith(text)
        elif mode == "suf":
            ok = tok.endswith(text)
        else:
            ok = mode == "any" or text in tok
        if ok and (not rest or _match_at(tokens, i + 1, rest)):
            yield i


def _token_in(token: str, phrases: Iterable[_Phrase]) -> bool:
    """True when ``token`` alone matches one of the one-token ``phrases``."""
    return any(len(p) == 1 and _part_ok(token, p[0]) for p in phrases)


def _negated(tokens: Sequence[str], start: int, end: int) -> bool:
    """A negator up to three tokens before ``start`` or after ``end``, same clause."""
    for k in range(start - 1, max(-1, start - 1 - _NEGATION_WINDOW), -1):
        if tokens[k] in _CLAUSE_BREAKS:
            break
        if tokens[k] in _NEGATORS:
            return True
    for k in range(end, min(len(tokens), end + _NEGATION_WINDOW)):
        if tokens[k] in _CLAUSE_BREAKS:
            break
        if tokens[k] in _NEGATORS:
            return True
    return False


def _iter_hits(
    tokens: Sequence[str], phrases: Iterable[_Phrase], negation: bool
) -> Iterator[tuple[int, int]]:
    for phrase in phrases:
        for start in _starts(tokens, phrase):
            end = start + len(phrase)
            if not (negation and _negated(tokens, start, end)):
                yield start, end


def _hits(
    tokens: Sequence[str], phrases: Iterable[_Phrase], *, negation: bool = False
) -> list[tuple[int, int]]:
    """(start, end) of every match; with ``negation`` negated matches are dropped."""
    return list(_iter_hits(tokens, phrases, negation))


def _has(tokens: Sequence[str], phrases: Iterable[_Phrase], *, negation: bool = False) -> bool:
    return next(_iter_hits(tokens, phrases, negation), None) is not None


def _clauses(tokens: Sequence[str]) -> list[list[str]]:
    clauses: list[list[str]] = [[]]
    for tok in tokens:
        if tok in _CLAUSE_BREAKS:
            clauses.append([])
        else:
            clauses[-1].append(tok)
    return [c for c in clauses if c]


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

_UNIT_PREFIX = {
    "ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fuenf": 5, "funf": 5,
    "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
}
_SIMPLE_NUMBERS = {
    "eins": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "fuenf": 5, "funf": 5,
    "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11,
    "zwoelf": 12, "zwolf": 12, "dreizehn": 13, "vierzehn": 14, "fuenfzehn": 15,
    "funfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18,
    "neunzehn": 19, "zwanzig": 20, "dreissig": 30, "vierzig": 40,
    "fuenfzig": 50, "funfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80,
    "neunzig": 90,
}
_TENS = {k: v for k, v in _SIMPLE_NUMBERS.items() if v >= 20}


def _below_100(word: str) -> int | None:
    if word in _SIMPLE_NUMBERS:
        return _SIMPLE_NUMBERS[word]
    unit, sep, tens = word.partition("und")
    if sep and unit in _UNIT_PREFIX and tens in _TENS:
        return _UNIT_PREFIX[unit] + _TENS[tens]
    return None


def _below_1000(word: str) -> int | None:
    head, sep, rest = word.partition("hundert")
    if not sep:
        return _below_100(word)
    factor = 1 if head in ("", "ein") else _UNIT_PREFIX.get(head)
    rest = rest.removeprefix("und")
    remainder = 0 if not rest else _below_100(rest)
    if factor is None or remainder is None:
        return None
    return factor * 100 + remainder


def parse_number_word(word: object) -> int | None:
    """German number word (folded) 1..999,999 -> int: "fuenfundzwanzig" -> 25.

    The article forms "ein"/"eine" are not numbers here (see parse_participants).
    """
    if not isinstance(word, str):
        return None
    word = normalize(word)
    if not word or len(word) > 60 or not word.isalpha():
        return None
    head, sep, rest = word.partition("tausend")
    if not sep:
        return _below_1000(word)
    factor = 1 if head in ("", "ein") else _below_1000(head)
    rest = rest.removeprefix("und")
    remainder = 0 if not rest else _below_1000(rest)
    if factor is None or remainder is None:
        return None
    return factor * 1000 + remainder


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
    """Companions in the tokens ending just before index ``k`` (the conjunction)."""
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
    "fifty fifty", "🤷*",
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
    "nicht korrekt", "mitnichten",
)
_YES_WORDS = frozenset(
    {
        "ja", "jo", "joa", "jap", "japp", "jup", "jep", "jepp", "jawohl", "jaja", "yes",
        "yep", "yeah", "klar", "genau", "stimmt", "richtig", "korrekt", "absolut",
        "definitiv", "natuerlich", "selbstverstaendlich", "durchaus", "gerne", "gern",
        "ok", "okay", "okey", "passt", "logo", "logisch", "sicher", "sicherlich",
        "bestimmt", "freilich", "exakt", "zweifellos", "schon", "sowieso",
        "👍", "✅", "✔",
    }
)
_NO_WORDS = frozenset(
    {
        "nein", "ne", "nee", "noe", "nope", "no", "nix", "nichts", "nicht", "kein", "keine",
        "keinen", "keiner", "keinerlei", "nie", "niemals", "kaum", "negativ", "👎", "❌",
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
        "keinem", "keiner", "keines", "keinerlei", "nie", "niemals", "kaum", "👎", "❌",
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
    positive = _has(tokens, _YES_PHRASES_ANYWHERE)
    negative = any(tok in _NO_ANYWHERE for tok in tokens)
    if positive and not negative:
        return True, True
    if negative and not positive:
        return False, True
    return None, positive and negative


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
    canonical = _canonical(tokens, FOCUS_VALUES)
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
            "erste* schritt*", "ausprobier*", "probier*", "rumprobiert", "herumprobiert",
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
    ("none", _phrases("keine", "kein", "nichts", "nein", "nie", "null", "nix", "kaum"), False),
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
            taken[start] = (order, name)
    return _unique(name for _start, (_order, name) in sorted(taken.items()))


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
