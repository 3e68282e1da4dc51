"""The lead store's front door: one lead per conversation (upsert), the consent gate, and queries.

* One lead per conversation (Rasa ``sender_id``), updated in place (upsert), never duplicated.
* One contact per person: leads with the same e-mail address (any case) share a ``Contact``
  holding the newest answers (``leads.contacts``); every conversation keeps its own lead row
  with its own consent, and the brief of a later one says "Aktualisierung".
* Nothing is stored without consent: ``save_lead`` raises ``ConsentMissing`` without
  ``consent_at``/``consent_version``, ``LeadRejected`` for invalid contact data.
* ``save_lead`` queues the notifications (e-mail always, CRM webhook when configured) in the
  same transaction, so a stored lead is always announced and an unchanged lead never twice.
* If the database is unreachable, the lead goes to the spool (``SaveOutcome.SPOOLED``) and is
  written later by ``flush_spool`` (at the start of every save, by the outbox worker, by
  ``leads flush``); every other method raises ``StorageUnavailable`` then.
* The schema is created by Alembic (``migrations/``) on first use.

The outbox queue lives in ``leads.outbox``, erasure in ``leads.erasure``, the spool in
``leads.spool``; this class opens the transactions and delegates. Logs carry ids and error
classes only, never personal data.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from config import Settings, get_settings
from leads import contacts, outbox
from leads.db import make_engine, storage_errors, upgrade_database
from leads.erasure import Erasure, RasaEvents
from leads.errors import ConsentMissing, LeadNotFound, StorageUnavailable
from leads.models import LEAD_STATUSES, Contact, Lead, OutboxItem, SaveOutcome, utcnow
from leads.spool import LeadSpool, lead_entry, read_lead_entry
from leads.values import (
    contact_values,
    content_hash,
    criteria_values,
    reason_text,
    sender_id,
    to_utc,
    verbatim,
)

log = logging.getLogger(__name__)

DEFAULT_CLAIM_LEASE = dt.timedelta(minutes=10)
DEFAULT_ERASURE_RECHECK_SECONDS = 120


class LeadRepository:
    """Storage of leads, their outbox and erasure of conversations.

    ``url`` defaults to ``settings.leads_database_url``; ``tracker_store_url`` (Rasa's SQL
    tracker store) to ``settings.tracker_store_database_url``.
    Thread-safe; several processes may share one database.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        tracker_store_url: str | None = None,
        settings: Settings | None = None,
        spool_dir: Path | str | None = None,
        erasure_recheck_seconds: int = DEFAULT_ERASURE_RECHECK_SECONDS,
        claim_lease: dt.timedelta = DEFAULT_CLAIM_LEASE,
    ) -> None:
        self.settings = settings or get_settings()
        self.url = url or self.settings.leads_database_url
        self.tracker_store_url = tracker_store_url or self.settings.tracker_store_database_url
        self.spool = LeadSpool(spool_dir or self.settings.spool_dir)
        self.claim_lease = claim_lease
        self.engine = make_engine(self.url)
        self.events = RasaEvents(self.tracker_store_url,
                                 engine=self.engine if self.tracker_store_url == self.url else None)
        self.erasure = Erasure(self.transaction, self.spool, self.events,
                               dt.timedelta(seconds=erasure_recheck_seconds))
        self._schema_ready = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<LeadRepository {make_url(self.url).render_as_string(hide_password=True)}>"

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        self.engine.dispose()
        self.events.close()

    def ensure_schema(self) -> None:
        """Run ``alembic upgrade head`` once per repository (idempotent, race-safe)."""
        if self._schema_ready:
            return
        with self._lock:
            if not self._schema_ready:
                with storage_errors():
                    upgrade_database(self.engine)
                self._schema_ready = True

    def session(self) -> Session:
        self.ensure_schema()
        return Session(self.engine, future=True, expire_on_commit=False)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in a transaction, committed at the end; an outage raises ``StorageUnavailable``."""
        with storage_errors(), self.session() as s, s.begin():
            yield s

    # ------------------------------------------------------------------ saving

    def save_lead(self, conversation_id: str, **lead: Any) -> Lead:
        """Create or update the one lead of ``conversation_id`` and queue its notifications.

        Keyword arguments as for ``prepare_lead``, which validates them (and raises).
        Returns the lead; ``lead.storage_status`` is ``SaveOutcome.STORED``, or
        ``SaveOutcome.SPOOLED`` when the database was unreachable and the lead waits in the
        spool (``lead.id`` is then None).
        """
        data = self.prepare_lead(conversation_id, **lead)
        as_of = utcnow()
        try:
            self.flush_spool()
            stored = self._upsert(data, as_of)
        except StorageUnavailable as exc:
            self.spool.append(lead_entry(data, as_of))
            log.warning("lead_spooled conversation_id=%s reason=%s", data["conversation_id"], exc.reason)
            spooled = Lead(**data, content_hash=content_hash(data), version=None,
                           created_at=as_of, updated_at=as_of)
            spooled.storage_status = SaveOutcome.SPOOLED
            return spooled
        stored.storage_status = SaveOutcome.STORED
        return stored

    def prepare_lead(
        self,
        conversation_id: str,
        *,
        channel: str | None = None,
        contact: Mapping[str, Any],
        criteria: Mapping[str, Any] | None = None,
        recommendation: str | None = None,
        phase: str | None = None,
        reasons: Iterable[Any] = (),
        open_questions: Iterable[Any] = (),
        consent_at: dt.datetime | str | float | None,
        consent_version: str | None,
        consent_text: str | None = None,
    ) -> dict[str, Any]:
        """Validate and normalise a lead (no database access): the consent gate first.

        ``contact`` keys: name (or contact_name), company, email, phone, preferred_contact;
        "–"/"-"/"" mean "none". The e-mail address and phone number are normalised
        (``validate_email``, ``normalize_phone`` to E.164); invalid values raise
        ``LeadRejected``, a missing ``consent_at``/``consent_version`` ``ConsentMissing``.
        """
        if consent_at is None or consent_at is False or consent_at == "":
            raise ConsentMissing("consent_at is required: nothing personal is stored without consent")
        consent = to_utc(consent_at, "consent_at")
        if not consent_version or not str(consent_version).strip():
            raise ConsentMissing("consent_version is required")
        return {
            "conversation_id": sender_id(conversation_id),
            "channel": verbatim(channel),
            **contact_values(contact),
            "criteria": criteria_values(criteria),
            "recommendation": verbatim(recommendation),
            "phase": verbatim(phase),
            "reasons": [reason_text(r) for r in (reasons or [])],
            "open_questions": [str(q) for q in (open_questions or [])],
            "consent_at": consent,
            "consent_version": str(consent_version),
            "consent_text_hash": (
                hashlib.sha256(consent_text.encode("utf-8")).hexdigest() if consent_text else None
            ),
        }

    def _upsert(self, data: Mapping[str, Any], as_of: dt.datetime) -> Lead:
        digest = content_hash(data)
        for attempt in range(3):
            try:
                with self.transaction() as s:
                    contacts.lock(s, data["email"], as_of)  # the person's saves take turns
                    lead = s.execute(
                        select(Lead).where(Lead.conversation_id == data["conversation_id"]).with_for_update()
                    ).scalar_one_or_none()
                    if lead is None:
                        lead = Lead(**data, content_hash=digest, version=1, created_at=as_of, updated_at=as_of)
                        s.add(lead)
                        s.flush()
                        contacts.link(s, lead)
                        self._enqueue(s, lead)
                    elif lead.updated_at > as_of:
                        pass  # a newer save already won (e.g. a late spool entry): keep it
                    elif lead.content_hash == digest:
                        lead.consent_at = data["consent_at"]
                        lead.consent_text_hash = data["consent_text_hash"]
                        lead.updated_at = as_of
                    else:
                        for key, value in data.items():
                            setattr(lead, key, value)
                        lead.content_hash = digest
                        lead.version = (lead.version or 0) + 1
                        lead.updated_at = as_of
                        s.flush()
                        contacts.link(s, lead)
                        self._enqueue(s, lead)
                return lead
            except IntegrityError:
                # two writers inserted the same conversation (or the same new contact) at once:
                # the loser updates
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ outbox (leads.outbox)

    def _enqueue(self, s: Session, lead: Lead) -> int:
        return outbox.enqueue(s, lead, webhook=bool(self.settings.crm_webhook_url))

    def enqueue_notifications(self, lead: Lead, *, session: Session | None = None) -> int:
        """Queue the brief e-mail (always) and the CRM webhook (when CRM_WEBHOOK_URL is set)
        for the lead's current version. Returns the number of new rows (0: already queued)."""
        if session is not None:
            return self._enqueue(session, lead)
        with self.transaction() as s:
            current = s.get(Lead, lead.id)
            if current is None:
                raise LeadNotFound("lead not found")
            return self._enqueue(s, current)

    def due_outbox(self, now: dt.datetime | None = None, limit: int = 100) -> list[tuple[int, str]]:
        """``(id, kind)`` of rows that may be sent now (due, or with an expired claim)."""
        with self.transaction() as s:
            return outbox.due(s, now or utcnow(), self.claim_lease, limit)

    def claim_outbox(self, item_id: int, now: dt.datetime | None = None) -> OutboxItem | None:
        """Atomically take one row for sending; None if another worker has it (or it is done)."""
        with self.transaction() as s:
            return outbox.claim(s, item_id, now or utcnow(), self.claim_lease)

    def mark_sent(self, item: OutboxItem, now: dt.datetime | None = None) -> bool:
        """Mark a claimed row sent and drop its payload copy of the personal data."""
        with self.transaction() as s:
            return outbox.mark_sent(s, item, now or utcnow())

    def mark_failed_attempt(self, item: OutboxItem, error: str, *, retry_at: dt.datetime | None) -> str:
        """Release a claimed row after a failed send: ``pending`` until ``retry_at``, or
        ``failed`` for good when ``retry_at`` is None."""
        with self.transaction() as s:
            return outbox.mark_failed_attempt(s, item, error, retry_at=retry_at)

    def retry_failed(self, now: dt.datetime | None = None) -> int:
        """Put rows that gave up (status failed) back into the queue, attempts reset."""
        with self.transaction() as s:
            return outbox.retry_failed(s, now or utcnow())

    def outbox_items(self, lead_id: int | None = None) -> list[OutboxItem]:
        with self.transaction() as s:
            return outbox.items(s, lead_id)

    # ------------------------------------------------------------------ spool (leads.spool)

    def flush_spool(self) -> int:
        """Write spooled leads to the database (upsert, idempotent). Returns how many.

        Raises ``StorageUnavailable`` if it is still unreachable (the rest stays spooled)."""
        if not self.spool.has_entries():
            return 0
        self.ensure_schema()

        def handle(entry: dict[str, Any]) -> None:
            self._upsert(*read_lead_entry(entry))

        flushed = self.spool.drain(handle)
        if flushed:
            log.info("lead_spool_flushed count=%d", flushed)
        return flushed

    def spooled_count(self) -> int:
        return len(self.spool.entries())

    # ------------------------------------------------------------------ reading

    def get(self, lead_id: int) -> Lead | None:
        with self.transaction() as s:
            return s.get(Lead, lead_id)

    def get_by_conversation(self, conversation_id: str) -> Lead | None:
        with self.transaction() as s:
            return s.execute(
                select(Lead).where(Lead.conversation_id == conversation_id)
            ).scalar_one_or_none()

    def list_leads(self, limit: int | None = None) -> list[Lead]:
        with self.transaction() as s:
            stmt = select(Lead).order_by(Lead.created_at, Lead.id)
            if limit is not None:
                stmt = stmt.limit(limit)
            return list(s.execute(stmt).scalars())

    def set_status(self, lead_id: int, status: str) -> Lead:
        """Set the consultant's status of a lead (one of ``LEAD_STATUSES``)."""
        if status not in LEAD_STATUSES:
            raise ValueError(f"unknown lead status {status!r}")
        with self.transaction() as s:
            lead = s.get(Lead, lead_id)
            if lead is None:
                raise LeadNotFound("lead not found")
            lead.status = status
            return lead

    # ------------------------------------------------------------------ contacts (leads.contacts)

    def get_contact(self, ident: int | str) -> Contact | None:
        """A contact by id or e-mail address (any case)."""
        with self.transaction() as s:
            return contacts.find(s, str(ident))

    def list_contacts(self) -> list[Contact]:
        with self.transaction() as s:
            return list(s.execute(select(Contact).order_by(Contact.created_at, Contact.id)).scalars())

    def contact_conversations(self, contact_id: int) -> list[Lead]:
        """The contact's leads, one per conversation, oldest first."""
        with self.transaction() as s:
            return contacts.conversations(s, contact_id)

    def earlier_conversations(self, lead: Lead) -> list[Lead]:
        """The leads of the same person whose conversations started before ``lead``'s."""
        with self.transaction() as s:
            current = s.get(Lead, lead.id) if lead.id is not None else None
            return contacts.earlier(s, current) if current is not None else []

    # ------------------------------------------------------------------ erasure (leads.erasure)

    def delete_conversation(self, conversation_id: str, *, now: dt.datetime | None = None) -> bool:
        """Erase the conversation's lead, outbox rows, spooled copies and Rasa's stored events
        (again after ``erasure_recheck_seconds``). True if anything was found."""
        return self.erasure.conversation(conversation_id, now=now)

    def delete_by_email(self, email: str, *, now: dt.datetime | None = None) -> int:
        """Erase every lead with this e-mail address (and their conversations). Returns the
        number of conversations erased."""
        return self.erasure.by_email(email, now=now)

    def purge_older_than(self, days: float, *, now: dt.datetime | None = None) -> int:
        """Erase leads not updated for ``days`` days (with everything stored about their
        conversations). Returns the number of leads erased."""
        return self.erasure.older_than(days, now=now)

    def delete_tracker_events(
        self, conversation_ids: Iterable[str], *, until: dt.datetime | None = None
    ) -> int:
        """Delete Rasa's stored events of these conversations; only those up to ``until`` if
        given. Quietly 0 when the tracker store has none."""
        return self.events.delete(conversation_ids, until=until)

    def process_erasures(self, now: dt.datetime | None = None) -> int:
        """Repeat due event deletions (see ``ErasureRequest``). Returns events deleted."""
        return self.erasure.process_due(now)

