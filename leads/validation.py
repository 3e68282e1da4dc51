"""Friendly validation of contact data typed by prospects (plain Python, no Rasa import).

Every function returns the normalised value or ``None`` when the input cannot be used; the
caller (the contact form) turns ``None`` into a German hint and asks again.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import idna
import phonenumbers

from leads.errors import ConsentInvalid

MAX_EMAIL_LEN = 254
MAX_LOCAL_LEN = 64
MAX_PHONE_INPUT_LEN = 40
MIN_NATIONAL_DIGITS = 6

# RFC 5322 "atext" (ASCII) for the local part; Unicode letters and digits are accepted too (EAI).
_LOCAL_ASCII_EXTRA = set("!#$%&'*+/=?^_`{|}~-")
_TLD_RE = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_PHONE_LABEL_RE = re.compile(
    r"^\s*(?:tel(?:efon)?|phone|mobil(?:nummer)?|handy(?:nummer)?|fon|nummer|rufnummer)\s*[.:]*\s*",
    re.IGNORECASE,
)
_PHONE_ALLOWED_RE = re.compile(r"^[0-9+()\s./\-]+$")
# Terminal escape sequences (ANSI/VT100): CSI "ESC [ … final", OSC "ESC ] … BEL/ST", the 8-bit CSI, and the
# two-character ESC sequences. Removed as a whole, so no "[31m" remnant is left of "\x1b[31m".
_ANSI_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]?"
)
# Bidirectional embedding/override/isolate controls reorder what a reader sees ("Trojan Source"); the
# right-to-left scripts themselves, ZWJ emoji sequences and other format characters stay.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# How far a consent time may lie ahead of this server's clock (Rasa and the action server share a host or
# a synchronised clock; a consent "from the future" is forged).
CONSENT_CLOCK_SKEW = dt.timedelta(minutes=2)


def _is_local_char(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch in _LOCAL_ASCII_EXTRA or ch == "."
    return unicodedata.category(ch)[0] in ("L", "N", "M")


def _normalise_domain(domain: str) -> str | None:
    domain = domain.rstrip(".")
    if not domain or "." not in domain:
        return None
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None
    if len(ascii_domain) > 253:
        return None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not _TLD_RE.match(labels[-1]):
        return None
    for label in labels:
        if not label or len(label) > 63 or label.startswith("-") or label.endswith("-"):
            return None
        if not re.fullmatch(r"[a-z0-9-]+", label):
            return None
    try:
        return idna.decode(ascii_domain)
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def validate_email(text: object) -> str | None:
    """Return a normalised e-mail address or ``None``.

    Trims whitespace, a ``mailto:`` prefix, angle brackets and sentence punctuation at the end
    ("max@firma.de."), lower-cases the domain (umlaut domains via IDNA, kept in Unicode form),
    keeps the local part as typed. Rejects a missing ``@`` or TLD, inner spaces, and more than
    254 characters.
    """
    if not isinstance(text, str):
        return None
    value = unicodedata.normalize("NFC", text).strip()
    if value.lower().startswith("mailto:"):
        value = value[7:].strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    value = value.rstrip(".,;:!?")
    if not value or len(value) > MAX_EMAIL_LEN:
        return None
    if any(ch.isspace() for ch in value) or value.count("@") != 1:
        return None
    local, domain = value.split("@")
    if not local or len(local) > MAX_LOCAL_LEN:
        return None
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return None
    if not all(_is_local_char(ch) for ch in local):
        return None
    norm_domain = _normalise_domain(domain)
    if norm_domain is None:
        return None
    result = f"{local}@{norm_domain}"
    return result if len(result) <= MAX_EMAIL_LEN else None


def normalize_phone(text: object, default_region: str = "DE") -> str | None:
    """Return the number in E.164 (``+491711234567``) or ``None``.

    Not too strict: any *possible* number with at least six national digits is accepted
    ("0171 1234567", "+49 (0)30 123456", "0049 30 123456", "030/123456", "+43 ...", "+41 ...").
    Letters (other than a leading label such as "Tel.:") are refused, so "keine" is not a number.
    """
    if not isinstance(text, str):
        return None
    value = unicodedata.normalize("NFKC", text).strip()
    if not value or len(value) > MAX_PHONE_INPUT_LEN:
        return None
    value = _PHONE_LABEL_RE.sub("", value).strip()
    if not value or not _PHONE_ALLOWED_RE.match(value):
        return None
    if value.count("+") > 1 or ("+" in value and not value.startswith("+")):
        return None
    candidates = [value]
    # "+49 (0)30 ..." and "0049 (0)30 ...": the trunk prefix in brackets must go.
    without_trunk = re.sub(r"\(\s*0\s*\)", " ", value)
    if without_trunk != value:
        candidates.insert(0, without_trunk)
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, default_region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_possible_number(number):
            continue
        if len(str(number.national_number)) < MIN_NATIONAL_DIGITS:
            continue
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def strip_escapes(text: str) -> str:
    """``text`` without terminal escape sequences (``"\\x1b[31mMax"`` -> ``"Max"``)."""
    return _ANSI_RE.sub("", text) if ("\x1b" in text or "\x9b" in text) else text


def clean_value(value: Any) -> Any:
    """Every string inside ``value`` (lists, dicts) cleaned like ``clean_text`` without a length limit and
    without trimming; other values unchanged."""
    if isinstance(value, str):
        text = clean_text(value, None)
        return text if text is not None else ""
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {k: clean_value(v) for k, v in value.items()}
    return value


def check_consent_time(consent_at: dt.datetime, conversation_started: dt.datetime | None,
                       now: dt.datetime) -> dt.datetime:
    """``consent_at`` when it can be true: not after ``now`` (plus ``CONSENT_CLOCK_SKEW``) and not before the
    conversation's first event. Raises ``ConsentInvalid`` otherwise, also when the start is unknown."""
    if conversation_started is None:
        raise ConsentInvalid("the conversation's start is unknown: the consent time cannot be checked")
    if consent_at > now + CONSENT_CLOCK_SKEW:
        raise ConsentInvalid("consent_at lies in the future")
    if consent_at < conversation_started - CONSENT_CLOCK_SKEW:
        raise ConsentInvalid("consent_at lies before the conversation began")
    return consent_at


def clean_text(text: object, max_len: int | None = 200) -> str | None:
    """Clean a free-text value such as a name or company.

    Unicode NFC; line breaks and tabs become spaces; terminal escape sequences, other control
    characters, bidirectional override controls and lone surrogates are removed; emoji (including ZWJ sequences) and right-to-left scripts are kept
    verbatim. Leading/trailing whitespace is trimmed, the result cut to ``max_len`` characters.
    Returns ``None`` when nothing is left.
    """
    if not isinstance(text, str):
        return None
    value = unicodedata.normalize("NFC", strip_escapes(text))
    out = []
    for ch in value:
        cat = unicodedata.category(ch)
        if ch in "\t\n\r\x0b\x0c\x85\u2028\u2029":
            out.append(" ")
        elif cat in ("Cc", "Cs") or ch in _BIDI_CONTROLS:
            continue
        else:
            out.append(ch)
    value = "".join(out).strip()
    if max_len is not None and len(value) > max_len:
        value = value[:max_len].rstrip()
    return value or None
