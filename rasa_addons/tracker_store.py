"""SQL tracker store that keeps no personal data it may not keep, and can forget a conversation.

Privacy (see README "Privacy" and ``rasa_addons.privacy``):

* Events saved while the prospect has not consented are stored **redacted**: e-mail addresses, phone numbers,
  names and companies typed in a message are replaced by ``[entfernt]`` in the user text, the parse data and
  the entities (intents, actions and the other slots stay, so the conversation resumes after a restart).
  The original events are kept only in this process's memory (``PendingOriginals``, at most two hours) so the
  running dialogue can still use them: "Ich bin Jana Roth, 0171 …" typed before the callback request fills
  the contact form once consent is given. Another replica or a restarted server sees the redacted text and
  the form simply asks again.
* When consent is refused or the contact form is cancelled, the stored events of the whole conversation are
  scrubbed (every answer given in the contact form replaced, the contact slots' values removed, personal data
  in every text blanked), the in-memory originals are dropped, and the contact slots and consent are reset so
  a later callback request asks for consent again and shows nothing of before.
* After consent, events are stored as they are: the prospect agreed to the storage of the conversation.

Deletion on request: ``action_delete_data`` deletes the lead and returns a ``Restarted`` event plus a
``data_deleted_at`` marker slot. Deleting the event rows from the action server would not work: right after
the action, Rasa saves the tracker and, finding fewer rows than events, writes the whole conversation back.
So the deletion happens here, in the save itself: when the marker is among the new events, every stored event
of the conversation is removed (``leads.erasure``, the one place that deletes events) and only what follows
the marker is kept.
Configured in endpoints.yml as ``type: rasa_addons.tracker_store.DeletableSQLTrackerStore``.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from typing import Any, Optional

import sqlalchemy
from rasa.core.agent import Agent
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from leads.erasure import delete_events
from rasa_addons import logs, privacy, resilience, speedups
from rasa_addons.errors import TrackerStoreUnavailable

resilience.install()  # action server down: an apology instead of silence (rasa_addons/resilience.py)
logs.install()  # no prospect text in Rasa's structlog events (rasa_addons/logs.py)
speedups.install()  # the Rasa server imports this module at start-up (endpoints.yml tracker_store type)
logger = logging.getLogger(__name__)

DELETION_MARKER_SLOT = "data_deleted_at"


def _key(data: dict[str, Any]) -> tuple[str, Any]:
    return str(data.get("event")), data.get("timestamp")


class PendingOriginals:
    """Unredacted copies of events stored redacted, in memory only, per conversation (bounded, expiring)."""

    def __init__(self, max_conversations: int = 5000, ttl_seconds: float = 2 * 3600) -> None:
        self.max_conversations = max_conversations
        self.ttl_seconds = ttl_seconds
        self._data: OrderedDict[str, tuple[float, dict[tuple[str, Any], dict[str, Any]]]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, sender_id: str, original: dict[str, Any]) -> None:
        with self._lock:
            _, entries = self._data.pop(sender_id, (0.0, {}))
            entries[_key(original)] = original
            self._data[sender_id] = (time.monotonic(), entries)
            while len(self._data) > self.max_conversations:
                self._data.popitem(last=False)

    def restore(self, sender_id: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        with self._lock:
            found = self._data.get(sender_id)
            if found is None:
                return events
            if time.monotonic() - found[0] > self.ttl_seconds:
                del self._data[sender_id]
                return events
            entries = found[1]
        return [entries.get(_key(e), e) for e in events]

    def forget(self, sender_id: str) -> None:
        with self._lock:
            self._data.pop(sender_id, None)


#: what SQLAlchemy raises when the database cannot be reached (connection refused, dropped, timed out)
DATABASE_DOWN = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError, sqlalchemy.exc.DisconnectionError)


def _no_silent_fallback() -> None:
    """Rasa's Agent wraps every tracker store in ``FailSafeTrackerStore``: a failed read becomes a new, empty
    conversation and a failed save goes to memory, both silently. This store is used as it is, so the
    channels can tell the prospect (rasa_addons.limits.guard_messages) and nothing is lost unnoticed."""
    if getattr(Agent._create_tracker_store, "_ours", False):
        return
    original = Agent._create_tracker_store

    def create(store: Any, domain: Any) -> Any:
        if isinstance(store, DeletableSQLTrackerStore):
            store.domain = domain
            return store
        return original(store, domain)

    create._ours = True  # type: ignore[attr-defined]
    Agent._create_tracker_store = staticmethod(create)  # type: ignore[method-assign]


class DeletableSQLTrackerStore(SQLTrackerStore):
    originals = PendingOriginals()

    def reachable(self) -> bool:
        """Whether the database answers (the health endpoint, rasa_addons.channels)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(sqlalchemy.text("SELECT 1"))
            return True
        except DATABASE_DOWN:
            return False

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        try:
            return await self._retrieve_events(sender_id, fetch_events_from_all_sessions)
        except DATABASE_DOWN as exc:
            logger.error("tracker store unreachable while reading conversation %s: %s", sender_id,
                         type(exc).__name__)
            raise TrackerStoreUnavailable(sender_id) from None

    async def keys(self) -> Any:
        try:
            return await super().keys()
        except DATABASE_DOWN:
            raise TrackerStoreUnavailable("keys") from None

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await self._save(tracker)
        except DATABASE_DOWN as exc:
            logger.error("tracker store unreachable while saving conversation %s: %s", tracker.sender_id,
                         type(exc).__name__)
            raise TrackerStoreUnavailable(tracker.sender_id) from None

    async def _retrieve_events(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            rows = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            ).all()
            events = self.originals.restore(sender_id, [json.loads(row.data) for row in rows])
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    async def _save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
        marker = next(
            (i for i, e in enumerate(new_events)
             if isinstance(e, SlotSet) and e.key == DELETION_MARKER_SLOT and e.value),
            None,
        )
        if marker is not None:
            keep = new_events[marker + 1:]
            self.originals.forget(tracker.sender_id)
            with self.session_scope() as session:
                deleted = delete_events(session, [tracker.sender_id])
                self._insert(session, tracker.sender_id, [privacy.redact_event(e.as_dict()) for e in keep], keep)
                session.commit()
            logger.info("deleted %d stored events of conversation %s on request", deleted, tracker.sender_id)
            return

        if privacy.erasure_trigger(e.as_dict() for e in new_events):
            await self._erase_personal_data(tracker, len(new_events))
            return

        # before consent: redact what is stored, keep the original in memory for the running dialogue
        state = privacy.ConsentTracker()
        first_new = len(tracker.events) - len(new_events)
        rows: list[dict[str, Any]] = []
        for index, event in enumerate(tracker.events):
            data = event.as_dict()
            if index >= first_new:
                if state.consent:
                    rows.append(data)
                else:
                    redacted = privacy.redact_event(data)
                    if redacted != data:
                        self.originals.put(tracker.sender_id, data)
                    rows.append(redacted)
            state.step(data)
        with self.session_scope() as session:
            self._insert(session, tracker.sender_id, rows, new_events)
            session.commit()
        logger.debug("tracker of conversation %s stored", tracker.sender_id)

    async def _erase_personal_data(self, tracker: DialogueStateTracker, new_count: int) -> None:
        """Consent refused or contact form cancelled: reset the contact slots (also for the running
        tracker) and scrub every stored event of the conversation."""
        first_new = len(tracker.events) - new_count
        known = privacy.contact_values(e.as_dict() for e in tracker.events)
        for slot in privacy.RESET_SLOTS:
            if slot in tracker.slots and tracker.get_slot(slot) not in (None, 0, 0.0):
                tracker.update(SlotSet(slot, None))
        self.originals.forget(tracker.sender_id)
        new_events = list(tracker.events)[first_new:]
        with self.session_scope() as session:
            stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=True).all()
            stored_data = [json.loads(row.data) for row in stored]
            known += [v for v in privacy.contact_values(stored_data) if v not in known]
            state = privacy.ConsentTracker()
            changed = 0
            for row, data in zip(stored, stored_data, strict=True):
                scrubbed = privacy.scrub_event(data, known, in_contact_form=state.active_loop == "contact_form")
                state.step(data)
                if scrubbed != data:
                    row.data = json.dumps(scrubbed)
                    changed += 1
            rows = []
            for event in new_events:
                data = event.as_dict()
                rows.append(privacy.scrub_event(data, known, in_contact_form=state.active_loop == "contact_form"))
                state.step(data)
            self._insert(session, tracker.sender_id, rows, new_events)
            session.commit()
        logger.info("personal data erased from conversation %s (consent refused or contact cancelled): "
                    "%d stored events scrubbed", tracker.sender_id, changed)

    def _insert(self, session: Any, sender_id: str, rows: list[dict[str, Any]], events: list[Event]) -> None:
        for data, event in zip(rows, events, strict=True):
            session.add(
                self.SQLEvent(
                    sender_id=sender_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                )
            )


_no_silent_fallback()
