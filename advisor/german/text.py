"""Normalisation, tokens and negation-aware phrase matching: the engine under every German parser.

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

MAX_TEXT_CHARS = 2_000
"""Only the first MAX_TEXT_CHARS characters of an answer are analysed (bounds the work)."""

# ---------------------------------------------------------------------------
# Normalisation and tokens
# ---------------------------------------------------------------------------

UMLAUT_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# ASCII digits (optionally with German thousands dots), letter runs, or one
# single non-space, non-word character. Linear: no nested quantifiers.
_TOKEN_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?![0-9])|[0-9]+|[^\W\d_]+|[^\w\s]|_")
_SQUASH_RE = re.compile(r"(.)\1{2,}")
_CLAUSE_BREAKS = frozenset({",", ";", ".", "!", "?", ":", "aber", "sondern", "jedoch"})
_NEGATORS = frozenset(
    {
        "kein", "keine", "keinen", "keinem", "keiner", "keines", "keinerlei",
        "nicht", "nichts", "nie", "niemals", "ohne", "niemand", "niemanden", "nirgends",
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
    folded = unicodedata.normalize("NFC", text).lower().translate(UMLAUT_FOLD)
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


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
