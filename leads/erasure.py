"""Erasure of conversations: leads, outbox rows, spooled copies and Rasa's stored events.

The one module that knows Rasa's events table (``rasa/core/tracker_store.py``:
``SQLTrackerStore.SQLEvent``): the action server, ``leads``, ``deploy/purge_conversations.py`` and
the tracker store in ``rasa_addons/tracker_store.py`` all delete events through it.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import delete, func, inspect, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import column, table

from leads import contacts
from leads.db import open_existing, storage_errors
from leads.models import ErasureRequest, Lead, OutboxItem, utcnow
from leads.spool import LeadSpool
from leads.validation import validate_email
from leads.values import to_utc

log = logging.getLogger(__name__)

EVENTS_TABLE = "events"
EVENTS = table(EVENTS_TABLE, column("sender_id"), column("timestamp"))  # the columns erasure needs
BATCH = 500


# --------------------------------------------------------------------------- Rasa's events


def delete_events(
    conn: Connection | Session, conversation_ids: Iterable[str], *, until: dt.datetime | None = None
) -> int:
    """Delete the stored events of these conversations (only those up to ``until`` if given),
    on an open connection or ORM session of the tracker store. Returns the rows deleted."""
    ids = list(dict.fromkeys(conversation_ids))
    total = 0
    for start in range(0, len(ids), BATCH):
        stmt = delete(EVENTS).where(EVENTS.c.sender_id.in_(ids[start:start + BATCH]))
        if until is not None:
            stmt = stmt.where(or_(EVENTS.c.timestamp.is_(None), EVENTS.c.timestamp <= until.timestamp()))
        total += conn.execute(stmt).rowcount or 0
    return total


class RasaEvents:
    """Rasa's tracker store seen from outside Rasa. The engine (or ``engine``, when the tracker
    store shares the lead database) is opened on first use; a missing SQLite file is never
    created, and a database without the events table (yet) has nothing to delete."""

    def __init__(self, url: str, *, engine: Engine | None = None) -> None:
        self.url = url
        self._engine = engine
        self._owns_engine = engine is None
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _events(self) -> Iterator[Connection | None]:
        """A transaction on the tracker store; None when there are no events to touch."""
        with self._lock:
            if self._engine is None:
                self._engine = open_existing(self.url)
            engine = self._engine
        if engine is None:
            yield None
            return
        with storage_errors(), engine.begin() as conn:
            yield conn if inspect(conn).has_table(EVENTS_TABLE) else None

    def delete(self, conversation_ids: Iterable[str], *, until: dt.datetime | None = None) -> int:
        """Delete the conversations' stored events (only up to ``until`` if given)."""
        ids = list(dict.fromkeys(conversation_ids))
        if not ids:
            return 0
        with self._events() as conn:
            return 0 if conn is None else delete_events(conn, ids, until=until)

    def purge_inactive(self, cutoff: float, *, dry_run: bool = False, keep: Iterable[str] = ()) -> int:
        """Erase every conversation whose newest event is older than ``cutoff`` (epoch seconds), except
        those in ``keep`` (conversations with a lead). Returns the number of conversations (only counted
        with ``dry_run``)."""
        kept = set(keep)
        with self._events() as conn:
            if conn is None:
                return 0
            stale = [sender for sender in conn.execute(
                select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id)
                .having(func.max(EVENTS.c.timestamp) < cutoff)
            ).scalars() if sender not in kept]
            if not dry_run:
                delete_events(conn, stale)
            return len(stale)

    def close(self) -> None:
        if self._owns_engine and self._engine is not None:
            self._engine.dispose()


# --------------------------------------------------------------------------- conversations


def _delete_leads(s: Session, lead_ids: list[int]) -> None:
    """Delete the leads with their outbox rows; their contacts are recomputed from the leads left,
    and deleted with their last lead."""
    if not lead_ids:
        return
    contact_ids = list(s.execute(select(Lead.contact_id).where(Lead.id.in_(lead_ids))).scalars())
    s.execute(delete(OutboxItem).where(OutboxItem.lead_id.in_(lead_ids))
              .execution_options(synchronize_session=False))
    s.execute(delete(Lead).where(Lead.id.in_(lead_ids)).execution_options(synchronize_session=False))
    contacts.forget(s, contact_ids)


class Erasure:
    """Erasing conversations everywhere they are stored. ``transaction`` opens a session in a
    transaction on the lead database (``LeadRepository.transaction``)."""

    def __init__(
        self,
        transaction: Callable[[], AbstractContextManager[Session]],
        spool: LeadSpool,
        events: RasaEvents,
        recheck: dt.timedelta,
    ) -> None:
        self.transaction = transaction
        self.spool = spool
        self.events = events
        self.recheck = recheck

    def conversation(self, conversation_id: str, *, now: dt.datetime | None = None) -> bool:
        """Erase the conversation's lead, its outbox rows, spooled copies and Rasa's stored
        events. Events are deleted once more after ``recheck`` (Rasa re-writes the running
        session's events after an action). True if anything was found."""
        now = now or utcnow()
        spooled = self.spool.remove(lambda e: e.get("lead", {}).get("conversation_id") == conversation_id)
        with self.transaction() as s:
            ids = list(s.execute(select(Lead.id).where(Lead.conversation_id == conversation_id)).scalars())
            _delete_leads(s, ids)
            s.add(ErasureRequest(conversation_id=conversation_id, requested_at=now,
                                 due_at=now + self.recheck, attempts=0))
        events = self.events.delete([conversation_id])
        log.info("conversation_erased conversation_id=%s leads=%d spooled=%d events=%d",
                 conversation_id, len(ids), spooled, events)
        return bool(ids or spooled or events)

    def by_email(self, email: str, *, now: dt.datetime | None = None) -> int:
        """Erase every conversation with a lead of this e-mail address (case-insensitive).
        Returns the number of conversations erased."""
        normalised = validate_email(email) or (email or "").strip()
        if not normalised:
            return 0
        key = normalised.lower()
        conversations = {
            e["lead"]["conversation_id"]
            for e in self.spool.entries()
            if isinstance(e.get("lead"), dict) and (e["lead"].get("email") or "").lower() == key
        }
        with self.transaction() as s:
            conversations.update(s.execute(
                select(Lead.conversation_id).where(or_(Lead.email == normalised, func.lower(Lead.email) == key))
            ).scalars())
        for conversation_id in sorted(conversations):
            self.conversation(conversation_id, now=now)
        return len(conversations)

    def older_than(self, days: float, *, now: dt.datetime | None = None) -> int:
        """Erase leads not updated for ``days`` days (with outbox rows, spooled copies and the
        conversations' events). Returns the number of leads erased."""
        if days < 0:
            raise ValueError("days must not be negative")
        now = now or utcnow()
        cutoff = now - dt.timedelta(days=days)
        with self.transaction() as s:
            rows = s.execute(select(Lead.id, Lead.conversation_id).where(Lead.updated_at < cutoff)).all()
            _delete_leads(s, [row.id for row in rows])
            s.execute(delete(ErasureRequest).where(ErasureRequest.due_at < cutoff))

        def old(entry: dict[str, Any]) -> bool:
            return to_utc(entry.get("saved_at"), "saved_at") < cutoff

        spooled = self.spool.remove(old)
        self.events.delete(row.conversation_id for row in rows)
        log.info("leads_purged count=%d spooled=%d", len(rows), spooled)
        return len(rows) + spooled

    def process_due(self, now: dt.datetime | None = None) -> int:
        """Repeat due event deletions (see ``ErasureRequest``). Returns events deleted."""
        now = now or utcnow()
        with self.transaction() as s:
            due = list(s.execute(select(ErasureRequest).where(ErasureRequest.due_at <= now)
                                 .order_by(ErasureRequest.id)).scalars())
        total = 0
        for request in due:
            total += self.events.delete([request.conversation_id], until=request.requested_at)
            with self.transaction() as s:
                s.execute(delete(ErasureRequest).where(ErasureRequest.id == request.id))
        return total
