"""Coercion of what a conversation hands over into storable lead values (no database access)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from leads.errors import LeadRejected
from leads.models import CRITERIA_KEYS, UTC
from leads.validation import normalize_phone, validate_email

MAX_CONVERSATION_ID_LEN = 512
PLACEHOLDERS = {"", "-", "–", "—"}
CONTACT_ALIASES = {"contact_name": "name"}
CONTACT_FIELDS = ("name", "company", "email", "phone", "preferred_contact")
# What the consultant receives: an unchanged hash of these means nothing new to send.
CONTENT_FIELDS = (
    "channel", "name", "company", "email", "phone", "preferred_contact", "criteria",
    "recommendation", "phase", "reasons", "open_questions", "consent_version",
)


def verbatim(value: Any) -> str | None:
    """Store text as given; only what no database can hold (NUL, lone surrogates) is dropped.
    A placeholder ("", "-", "–", "—") means none."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if "\x00" in text or any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        text = "".join(ch for ch in text if ch != "\x00" and unicodedata.category(ch) != "Cs")
    return None if text.strip() in PLACEHOLDERS else text


def _plain(value: Any) -> Any:
    """A dataclass instance as a dict; anything else unchanged."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data (dataclasses become objects, the rest falls back to str)."""
    return json.loads(json.dumps(_plain(value), ensure_ascii=False, default=str))


def reason_text(reason: Any) -> str:
    """A recommendation reason (text, ``Reason``-like object or mapping) as the German sentence."""
    if isinstance(reason, str):
        return reason
    text = getattr(reason, "text", None)
    if isinstance(text, str) and text:
        return text
    reason = _plain(reason)
    if isinstance(reason, Mapping):
        answer = reason.get("answer_text") or reason.get("text") or ""
        target = reason.get("points_to")
        labels = {"seminar": "Seminar", "workshop": "Workshop"}
        if target:
            return f"{answer} (spricht für: {labels.get(str(target), str(target))})".strip()
        return str(answer)
    return str(reason)


def to_utc(value: Any, name: str) -> dt.datetime:
    """A timestamp (datetime, ISO string or epoch seconds) as aware UTC datetime; naive is UTC."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = dt.datetime.fromtimestamp(float(value), UTC)
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise LeadRejected(f"{name} is not an ISO timestamp") from None
    else:
        raise LeadRejected(f"{name} must be a datetime")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def sender_id(value: Any) -> str:
    """The conversation id, which must be a usable Rasa ``sender_id``."""
    if not isinstance(value, str) or not value.strip():
        raise LeadRejected("conversation_id is required")
    if len(value) > MAX_CONVERSATION_ID_LEN or "\x00" in value:
        raise LeadRejected("conversation_id is not a valid Rasa sender id")
    return value


def _normalised(value: str | None, normalise: Callable[[str], str | None], what: str) -> str | None:
    if value is None:
        return None
    result = normalise(value)
    if result is None:
        raise LeadRejected(f"contact {what}")
    return result


def contact_values(contact: Mapping[str, Any] | None) -> dict[str, str | None]:
    """Name, company, e-mail (``validate_email``), phone (E.164) and preferred contact; slot
    names (``contact_name``) are accepted. An invalid e-mail address or phone number is refused."""
    fields = {CONTACT_ALIASES.get(key, key): value for key, value in dict(contact or {}).items()}
    values = {key: verbatim(fields.get(key)) for key in CONTACT_FIELDS}
    values["email"] = _normalised(values["email"], validate_email, "email is not a valid e-mail address")
    values["phone"] = _normalised(values["phone"], normalize_phone, "phone is not a valid phone number")
    return values


def criteria_values(criteria: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every key of ``CRITERIA_KEYS`` (None when not given) plus any further ones, as JSON data."""
    given = dict(criteria or {})
    values = {key: jsonable(given.get(key)) for key in CRITERIA_KEYS}
    for key, value in given.items():
        if key not in values:
            values[str(key)] = jsonable(value)
    return values


def content_hash(data: Mapping[str, Any]) -> str:
    """What the consultant receives; an unchanged hash means nothing new to send."""
    payload = {key: data.get(key) for key in CONTENT_FIELDS}
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
