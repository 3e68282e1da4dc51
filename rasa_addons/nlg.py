"""Responses from the domain, with contact data masked where it is shown back.

The summary before confirming ("Bitte prüfen Sie Ihre Angaben …") shows the e-mail address as ``e•••@firma.de``
and the phone number by its last four digits: whoever reads along (or continues a known conversation id) does
not learn them, and the prospect still recognises their own. What the prospect typed is escaped for the output
channel before it is put into a response (``advisor.markup``): the widget renders Markdown, and a name must
never become a link. Configured in endpoints.yml as
``nlg: type: rasa_addons.nlg.PrivacyNLG`` (rendered by tooling/runtime_config.py).
"""
from __future__ import annotations

from typing import Any, Optional

from rasa.core.nlg import TemplatedNaturalLanguageGenerator

from advisor.german.pii import mask_email, mask_phone
from advisor.markup import escape_slots

MASKED_RESPONSES = {"utter_ask_contact_confirmed"}


class PrivacyNLG(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Any = None, domain: Any = None) -> None:
        super().__init__(domain.responses if domain is not None else {})

    async def generate(self, utter_action: str, tracker: Any, output_channel: str,
                       **kwargs: Any) -> Optional[dict[str, Any]]:
        slots = tracker.current_slot_values()
        if utter_action in MASKED_RESPONSES:
            slots = {**slots, "email": mask_email(slots.get("email")), "phone": mask_phone(slots.get("phone"))}
        slots = escape_slots(slots, output_channel)
        return self.generate_from_slots(utter_action, slots, output_channel, **kwargs)
