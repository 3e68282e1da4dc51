"""Personal data in typed German text: find it, blank it out, mask it for display.

Used where a message must be kept without the contact data in it (the tracker store before consent, after a
refusal or a cancelled contact form) and where a value is shown back (the summary before confirming).
Detection is deliberately wider than ``read_contact``: an address-like run, any run of six or more digits,
the name and company the message states, and the values the caller already knows (the contact slots) are
blanked. A false positive costs a word in a stored transcript; a miss would keep personal data.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from advisor.german.contact import _EMAIL_RE, _SPELLED_AT, read_contact

PLACEHOLDER = "[entfernt]"

# anything that looks like an address, also spelled out ("anna at firma punkt de")
_ADDRESS_LIKE = re.compile(r"[\w.+\-'%]+\s*(?:@|\(at\)|\[at\]|\s(?:at|ät)\s)\s*[\w\-]+(?:\s*(?:\.|\(punkt\)|\s(?:punkt|dot)\s)\s*"
                           r"[\w\-]+)+", re.IGNORECASE)
# six or more digits with the usual separators: phone numbers in any spelling (also fax, IBAN parts)
_DIGIT_RUN = re.compile(r"\+?\(?\d(?:[\d \u00a0()/.\-]*\d){5,}")
_MIN_KNOWN = 3  # shorter known values ("–", "Jo") are not searched for


def _known_patterns(known: Iterable[object]) -> list[re.Pattern[str]]:
    patterns = []
    for value in known:
        if not isinstance(value, str):
            continue
        value = value.strip()
        if len(value) < _MIN_KNOWN or value in ("egal",):
            continue
        patterns.append(re.compile(re.escape(value), re.IGNORECASE))
        # the parts of a name or company ("Anna Müller" also as "Müller")
        for word in re.findall(r"[^\W\d_][\w\-']{2,}", value):
            if word.lower() not in _COMMON_WORDS:
                patterns.append(re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE))
    return patterns


# words of company names that identify no one (kept so a redacted text stays readable)
_COMMON_WORDS = {"gmbh", "ag", "kg", "ohg", "gbr", "ug", "und", "der", "die", "das", "von", "vom", "mbh", "co",
                 "e.v", "ev", "stiftung", "verein", "firma", "praxis", "kanzlei", "haftungsbeschränkt"}


def contains_personal(text: str, known: Iterable[object] = ()) -> bool:
    return redact(text, known) != text


def redact(text: str, known: Iterable[object] = (), keep: Iterable[str] = ()) -> str:
    """``text`` with e-mail addresses, phone-like numbers, the name and company it states and every ``known``
    value replaced by ``[entfernt]``. ``keep``: values that identify no prospect and stay (the consultant's own
    name, company, address and number in the bot's texts)."""
    if not isinstance(text, str) or not text:
        return text
    kept = [k for k in keep if isinstance(k, str) and len(k.strip()) >= _MIN_KNOWN and k in text]
    if kept:
        marks = {f"\x00{i}\x00": value for i, value in enumerate(kept)}
        for mark, value in marks.items():
            text = text.replace(value, mark)
        value = redact(text, known)
        for mark, original in marks.items():
            value = value.replace(mark, original)
        return value
    value = _EMAIL_RE.sub(PLACEHOLDER, text)
    value = _ADDRESS_LIKE.sub(PLACEHOLDER, value)
    value = _DIGIT_RUN.sub(PLACEHOLDER, value)
    facts = read_contact(text, None)
    names = [facts.get("contact_name"), facts.get("company")]
    if value != text:
        # a message with an address or number is contact data: a bare name beside it counts ("Max Muster, …")
        names.append(read_contact(text, "contact_name").get("contact_name"))
    for pattern in _known_patterns([*names, *known]):
        value = pattern.sub(PLACEHOLDER, value)
    if _SPELLED_AT.search(value) and "@" in value:  # a lone "@" left over
        value = value.replace("@", " ")
    return value


# --------------------------------------------------------------------------- masking for display


def mask_email(email: object) -> str:
    """``erika@beispiel.de`` -> ``e•••@beispiel.de`` (the domain is kept: it is the company's, and a typo in it
    is the common mistake)."""
    if not isinstance(email, str) or "@" not in email:
        return email if isinstance(email, str) else ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def mask_phone(phone: object) -> str:
    """``+491712345678`` -> ``•••5678`` (the last four digits)."""
    if not isinstance(phone, str):
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 6:
        return phone  # "–" (none given)
    return f"•••{digits[-4:]}"
