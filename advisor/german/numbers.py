"""German number words ("fuenfundzwanzig" -> 25)."""
from __future__ import annotations

from advisor.german.text import normalize

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
