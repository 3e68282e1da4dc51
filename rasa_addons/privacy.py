"""What of a conversation's events may be stored in clear text (used by ``rasa_addons.tracker_store``).

Works on Rasa's serialised events (``event.as_dict()``, the JSON in the tracker store's ``data`` column), so
it is plain Python and testable without a Rasa server.

* ``redact_event`` — before consent: personal data the prospect typed (e-mail, phone, name, company) is blanked
  in the user message (text, parse data, entities), in bot messages, in the contact slots and in the recorded
  questions (``prospect_questions``). Intents, entity types, actions and every other slot stay, so the
  stored conversation still resumes the dialogue after a restart.
* ``scrub_event`` — after a refusal or a cancelled contact form: additionally every answer given inside the
  contact form is replaced as a whole, and the contact slots' values are removed from the stored events.
* ``ConsentTracker`` — walks the events and says, for each, whether consent was given at that point.
* ``erasure_trigger`` — whether the newly added events refuse consent or cancel the contact form.
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from typing import Any

from advisor.german.pii import PLACEHOLDER, redact
from advisor.offer import OfferError, load_offer
from config import get_settings

CONTACT_FIELDS = ("contact_name", "company", "email", "phone", "preferred_contact")
#: contact slots whose values identify a person (searched for in texts; "vormittags" identifies no one)
IDENTIFYING_FIELDS = ("contact_name", "company", "email", "phone")
#: slots reset when consent is refused or the contact form is cancelled (a later callback starts afresh)
RESET_SLOTS = ("consent", "consent_at", *CONTACT_FIELDS, "contact_confirmed", "email_failures")
#: slots holding typed text that may contain personal data
TEXT_SLOTS = ("prospect_questions",)
#: responses/actions that mean "nothing personal is kept"
ERASURE_ACTIONS = {"utter_contact_cancelled", "utter_no_consent"}


@functools.lru_cache(maxsize=1)
def consultant_values() -> tuple[str, ...]:
    """The consultant's own name, company, e-mail and phone (offer.yml): they identify no prospect, so the bot's
    texts keep them ("Ich bin der digitale Assistent von Dr. Anna Beispiel")."""
    try:
        consultant = load_offer(get_settings().offer_file).consultant
    except (OfferError, OSError):
        return ()
    return tuple(v for v in (consultant.name, consultant.company, consultant.email, consultant.phone) if v)


def _walk_strings(value: Any, known: Iterable[object], keep: Iterable[str] = ()) -> Any:
    if isinstance(value, str):
        return redact(value, known, keep)
    if isinstance(value, list):
        return [_walk_strings(v, known, keep) for v in value]
    if isinstance(value, dict):
        return {k: _walk_strings(v, known, keep) for k, v in value.items()}
    return value


def _redact_user(data: dict[str, Any], known: list[object], whole: bool) -> None:
    text = data.get("text")
    if isinstance(text, str):
        data["text"] = PLACEHOLDER if whole and text.strip() else redact(text, known)
    parse = data.get("parse_data")
    if isinstance(parse, dict):
        if "text" in parse:
            parse["text"] = data.get("text")
        entities = []
        for entity in parse.get("entities") or []:
            if not isinstance(entity, dict):
                continue
            entity = dict(entity)
            if whole or entity.get("entity") in ("email", "phone"):
                entity["value"] = PLACEHOLDER
            elif isinstance(entity.get("value"), str):
                entity["value"] = redact(entity["value"], known)
            entity.pop("text", None)
            entities.append(entity)
        parse["entities"] = entities
        # the intent ranking and the response selector hold no typed text
    if data.get("metadata"):
        data["metadata"] = _walk_strings(data["metadata"], known)


def redact_event(data: dict[str, Any], known: Iterable[object] = (), *, scrub: bool = False,
                 in_contact_form: bool = False) -> dict[str, Any]:
    """A copy of the serialised event without personal data (see the module docstring)."""
    known = [k for k in known if isinstance(k, str)]
    out = copy.deepcopy(data)
    kind = out.get("event")
    if kind == "user":
        _redact_user(out, known, whole=scrub and in_contact_form)
    elif kind == "bot":
        keep = consultant_values()
        if isinstance(out.get("text"), str):
            out["text"] = redact(out["text"], known, keep)
        if out.get("data"):
            out["data"] = _walk_strings(out["data"], known, keep)
    elif kind == "slot":
        name = out.get("name")
        if name in CONTACT_FIELDS and out.get("value") not in (None, "–"):
            out["value"] = None if scrub else PLACEHOLDER
        elif name in TEXT_SLOTS:
            out["value"] = _walk_strings(out.get("value"), known)
    return out


def scrub_event(data: dict[str, Any], known: Iterable[object] = (), *, in_contact_form: bool = False) -> dict[str, Any]:
    return redact_event(data, known, scrub=True, in_contact_form=in_contact_form)


class ConsentTracker:
    """Follows consent and the active form through serialised events, one ``step`` at a time."""

    def __init__(self) -> None:
        self.consent = False
        self.active_loop: str | None = None

    def step(self, data: dict[str, Any]) -> None:
        kind = data.get("event")
        if kind == "slot" and data.get("name") == "consent":
            self.consent = data.get("value") is True
        elif kind == "active_loop":
            self.active_loop = data.get("name")
        elif kind in ("restart", "session_started"):
            self.consent, self.active_loop = False, None


def contact_values(events: Iterable[dict[str, Any]]) -> list[str]:
    """Every value a contact slot had in these events (to find them in texts)."""
    values = []
    for data in events:
        if data.get("event") == "slot" and data.get("name") in IDENTIFYING_FIELDS:
            value = data.get("value")
            if isinstance(value, str) and value not in values and value not in ("–", PLACEHOLDER):
                values.append(value)
    return values


def erasure_trigger(events: Iterable[dict[str, Any]]) -> bool:
    """The events refuse consent (``consent`` set to False) or cancel the contact form."""
    for data in events:
        kind = data.get("event")
        if kind == "slot" and data.get("name") == "consent" and data.get("value") is False:
            return True
        if kind == "action" and data.get("name") in ERASURE_ACTIONS:
            return True
        if kind == "bot" and (data.get("metadata") or {}).get("utter_action") in ERASURE_ACTIONS:
            return True
    return False
