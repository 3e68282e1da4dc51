"""Button payloads (``/intent{"entity": value}``) and the entities a message carries, checked by type and range.

A payload is machine text, never something the prospect wrote: ``/inform{"participants": -5}`` must not be read
by the German reader as "5 Personen". Anyone can send any payload (REST, socket.io, messengers), so its
entities are untrusted JSON values: ``valid_entities`` keeps only known entity types whose value has the
expected type and range (a table, one rule per entity) and drops everything else; the form then asks again as
for any answer it did not understand.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from advisor.criteria import BOOL_NAMES, MAX_PARTICIPANTS

__all__ = ["ENTITY_RULES", "PAYLOAD_PREFIX", "is_payload", "valid_entities", "valid_entity_value"]

PAYLOAD_PREFIX = "/"
_CHOICE = re.compile(r"^[^\W_][\w \-]{0,39}$")  # "yes", "first_steps", "4", "per e-mail"
MAX_ENTITY_CHARS = 254  # the longest e-mail address; names and areas are shorter


def is_payload(text: Any) -> bool:
    """Whether a message's text is a button payload (or looks like one): never read as free text."""
    return isinstance(text, str) and text.lstrip().startswith(PAYLOAD_PREFIX)


def _plain_text(value: Any, max_chars: int = MAX_ENTITY_CHARS) -> str | None:
    """A short string without control characters (Unicode letters, umlauts and emoji are fine)."""
    if not isinstance(value, str) or not value.strip() or len(value) > max_chars:
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        return None
    return value


def _count(value: Any) -> float | None:
    """A number of participants: a whole number from 1 to MAX_PARTICIPANTS (never a bool)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not re.fullmatch(r"\s*\d{1,6}\s*", value):
            return None
        value = int(value)
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value != int(value):
        return None
    return float(value) if 1 <= value <= MAX_PARTICIPANTS else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _choice(value: Any) -> str | None:
    """A button's choice: a short lower-case text of letters, digits, spaces, "-" and "_" ("yes",
    "first_steps", "4", "per e-mail"); integers as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if _CHOICE.match(value) else None


ENTITY_RULES: dict[str, Callable[[Any], Any]] = {
    "choice": _choice,
    "participants": _count,
    **{name: _bool for name in sorted(BOOL_NAMES)},
    "email": _plain_text,
    "phone": lambda v: _plain_text(v, 40),
    "field": lambda v: _plain_text(v, 40),
    "number": lambda v: _plain_text(v, 40),
    "department": lambda v: _plain_text(v, 80),
    "platform": lambda v: _plain_text(v, 80),
}
"""Entity type -> check returning the value to use, or None when the value is not acceptable. Types not in
the table are ignored."""


def valid_entity_value(entity: Any, value: Any) -> Any:
    """The checked value of one entity, or None (unknown entity type, wrong type or out of range)."""
    rule = ENTITY_RULES.get(entity) if isinstance(entity, str) else None
    return None if rule is None else rule(value)


def valid_entities(entities: Any) -> list[dict[str, Any]]:
    """The entities of a message that pass ``ENTITY_RULES``, as ``{"entity": ..., "value": ...}`` (the other
    keys of Rasa's entity dicts are not needed by the actions)."""
    if not isinstance(entities, list):
        return []
    found = []
    for item in entities:
        if not isinstance(item, dict):
            continue
        value = valid_entity_value(item.get("entity"), item.get("value"))
        if value is not None:
            found.append({"entity": item["entity"], "value": value})
    return found
