"""The action server or the tracker store down is no silent gap in the conversation (issue 14, faults).

The tracker store: rasa_addons.tracker_store raises ``TrackerStoreUnavailable`` instead of Rasa's silent
fallback to memory; rasa_addons.limits.guard_messages answers it with ``storage_apology``.


Rasa 3.6 raises ``RasaException`` from ``RemoteAction.run`` when the action server cannot be reached (or
answers with an error); the processor logs it and the prospect gets no answer at all. ``install`` wraps
``RemoteAction.run``: such a failure becomes a German apology naming how to reach the consultant (from
offer.yml), the action's other events are dropped as before, and the next message tries the action server
again, so the conversation continues once it is back. Rejections (``ActionExecutionRejection``, a form's
normal control flow) pass through unchanged.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import BotUttered
from rasa.shared.exceptions import RasaException

from advisor.offer import current_offer
from config import get_settings
from rasa_addons import texts

logger = logging.getLogger(__name__)


def apology(text: Any = None) -> str:
    """The German apology naming how to reach the consultant (``text``: which one, default action server)."""
    text = text or texts.action_server_unavailable
    try:
        consultant = current_offer(get_settings().offer_file).consultant
        return text(consultant.name, consultant.email, consultant.phone or None)
    except Exception:  # the apology must never fail itself
        logger.exception("offer not readable for the apology")
        return text("unser Team", "die auf der Website genannte Adresse", None)


def storage_apology() -> str:
    """The answer when the conversation cannot be read or saved (tracker store down)."""
    return apology(texts.storage_unavailable)


def install() -> None:
    if getattr(RemoteAction.run, "_resilient", False):
        return
    original = RemoteAction.run

    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except RasaException:
            logger.error("action server unavailable for %s: answered with an apology", self.name())
            return [BotUttered(apology(), metadata={"utter_action": "action_server_unavailable"})]

    run._resilient = True  # type: ignore[attr-defined]
    RemoteAction.run = run  # type: ignore[method-assign]
