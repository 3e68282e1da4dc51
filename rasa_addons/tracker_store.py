"""SQL tracker store that can forget a conversation.

When a prospect asks in the chat to delete their data, ``action_delete_data`` deletes the lead and returns
a ``Restarted`` event plus a ``data_deleted_at`` marker slot. Deleting the event rows from the action server
would not work: right after the action, Rasa saves the tracker and, finding fewer rows than events, writes
the whole conversation back. So the deletion happens here, in the save itself: when the marker is among the
new events, every stored event of the conversation is removed (``leads.erasure``, the one place that deletes
events) and only what follows the marker is kept.
Configured in endpoints.yml as ``type: rasa_addons.tracker_store.DeletableSQLTrackerStore``.
"""
from __future__ import annotations

import json
import logging

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from leads.erasure import delete_events
from rasa_addons import resilience, speedups

resilience.install()  # action server down: an apology instead of silence (rasa_addons/resilience.py)
speedups.install()  # the Rasa server imports this module at start-up (endpoints.yml tracker_store type)
logger = logging.getLogger(__name__)

DELETION_MARKER_SLOT = "data_deleted_at"


class DeletableSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
        marker = next(
            (i for i, e in enumerate(new_events)
             if isinstance(e, SlotSet) and e.key == DELETION_MARKER_SLOT and e.value),
            None,
        )
        if marker is None:
            return await super().save(tracker)
        keep = new_events[marker + 1:]
        with self.session_scope() as session:
            deleted = delete_events(session, [tracker.sender_id])
            for event in keep:
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        logger.info("deleted %d stored events of conversation %s on request", deleted, tracker.sender_id)
