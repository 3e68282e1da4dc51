"""A new session carries over the answers, but never contact data or consent (README "Privacy")."""
from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionSessionStart
from tests.support.trackers import make_tracker, slot_events


def test_new_session_forgets_contact_data_and_consent(domain):
    tracker = make_tracker(slots={"participants": 3.0, "consent": True, "consent_at": "2026-12-01T10:00:00+00:00",
                                  "contact_name": "Erika Musterfrau", "email": "erika@example.org",
                                  "phone": "+491712345678", "company": "Musterwerk AG", "lead_saved": True})
    events = asyncio.run(ActionSessionStart().run(CollectingDispatcher(), tracker, domain))
    carried = slot_events(events)
    assert carried["participants"] == 3.0 and carried["lead_saved"] is True
    for slot in ("consent", "consent_at", "contact_name", "email", "phone", "company"):
        assert slot not in carried
