"""SQLAlchemy models of the lead store (2.0-style usage on SQLAlchemy 1.4; no Rasa import).

The schema is created and changed only by the Alembic migrations in ``migrations/``;
``Base.metadata`` is their ``target_metadata``.
"""
from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Text,
)
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

from advisor.criteria import STORED_KEYS

UTC = dt.timezone.utc

#: Every qualification slot stored in ``leads.criteria``: derived from the one criteria table.
CRITERIA_KEYS: tuple[str, ...] = STORED_KEYS

#: The consultant's status of a lead (changed in the workspace); every lead starts as "neu".
LEAD_STATUSES = ("neu", "kontaktiert", "Termin", "gewonnen", "verloren")

OUTBOX_KINDS = ("email", "webhook")
# pending -> sending (claimed by one worker) -> sent | pending (retry later) | failed;
# superseded: a newer version of the lead was queued before this one went out.
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "superseded")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
Base = declarative_base(metadata=metadata)


class SaveOutcome(str, Enum):
    """Where a saved lead is: in the database, or in the local spool because the database was
    unreachable (written later by ``flush_spool``). The one save status; failures are exceptions
    (``leads.errors``). A str-Enum: ``SaveOutcome.SPOOLED == "pending"`` (the historic word)."""

    STORED = "stored"
    SPOOLED = "pending"

    def __str__(self) -> str:  # logs show the value, as before the redesign
        return self.value


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so values are stored as naive
    UTC and handed back with ``tzinfo=UTC``. Naive input is taken as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


class Contact(Base):
    """One person, keyed by the lower-cased e-mail address: the current answers over all their conversations.

    Every conversation keeps its own ``Lead`` row (with its own consent); the contact holds the newest
    value of each contact field and each answer (a conversation stored later wins, an answer it left open keeps
    the earlier one). It is recomputed from its leads whenever one is saved or erased, and deleted with its
    last lead (``leads.contacts``). Leads without an e-mail address have no contact.
    """

    __tablename__ = "contacts"

    id = Column(Integer, primary_key=True)
    email_key = Column(Text, nullable=False, unique=True)  # lower-case e-mail address
    email = Column(Text, nullable=False)  # as the newest conversation gave it
    name = Column(Text)
    company = Column(Text)
    phone = Column(Text)
    preferred_contact = Column(Text)
    criteria = Column(JSON, nullable=False, default=dict)  # newest answer per criterion
    recommendation = Column(Text)  # of the newest conversation
    phase = Column(Text)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "company": self.company,
            "phone": self.phone,
            "preferred_contact": self.preferred_contact,
            "criteria": dict(self.criteria or {}),
            "recommendation": self.recommendation,
            "phase": self.phase,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
        }

    def __repr__(self) -> str:  # no personal data in reprs
        return f"<Contact id={self.id}>"


class Lead(Base):
    """One conversation (Rasa ``sender_id``), updated in place; linked to its person's ``Contact``
    when it has an e-mail address."""

    __tablename__ = "leads"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(Text, nullable=False, unique=True)
    contact_id = Column(Integer, ForeignKey("contacts.id"), index=True)  # None without e-mail
    channel = Column(Text)
    name = Column(Text)
    company = Column(Text)
    email = Column(Text, index=True)
    phone = Column(Text)  # E.164
    preferred_contact = Column(Text)
    criteria = Column(JSON, nullable=False, default=dict)
    recommendation = Column(Text)  # seminar | workshop | undecided
    phase = Column(Text)  # information | strategy | operations
    reasons = Column(JSON, nullable=False, default=list)  # list of German strings
    open_questions = Column(JSON, nullable=False, default=list)
    consent_at = Column(UTCDateTime, nullable=False)
    consent_version = Column(Text, nullable=False)
    consent_text_hash = Column(Text)  # sha256 of the consent text shown, if given
    content_hash = Column(Text, nullable=False)  # sha256 of what the consultant gets
    version = Column(Integer, nullable=False, default=1)  # +1 whenever the content changes
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    status = Column(Text, nullable=False, default="neu", server_default="neu", index=True)  # LEAD_STATUSES

    #: Not a column: set by LeadRepository.save_lead; a lead read from the database is stored.
    storage_status: SaveOutcome = SaveOutcome.STORED

    @property
    def pending(self) -> bool:
        """True while the lead waits in the spool."""
        return self.storage_status == SaveOutcome.SPOOLED

    def to_dict(self) -> dict[str, Any]:
        """The lead as JSON-ready data (CRM webhook, `leads export`)."""
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "contact_id": self.contact_id,
            "channel": self.channel,
            "name": self.name,
            "company": self.company,
            "email": self.email,
            "phone": self.phone,
            "preferred_contact": self.preferred_contact,
            "recommendation": self.recommendation,
            "phase": self.phase,
            "status": self.status,
            "reasons": list(self.reasons or []),
            "open_questions": list(self.open_questions or []),
            "criteria": dict(self.criteria or {}),
            "consent_at": _iso(self.consent_at),
            "consent_version": self.consent_version,
            "version": self.version,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
        }

    def __repr__(self) -> str:  # no personal data in reprs (they end up in logs)
        return f"<Lead id={self.id} version={self.version} status={self.storage_status}>"


class OutboxItem(Base):
    """A notification to send (brief by e-mail, JSON to the CRM webhook), retried until sent."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("kind IN ('email', 'webhook')", name="kind"),
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'superseded')", name="status"
        ),
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id = Column(Integer, primary_key=True)
    lead_id = Column(
        Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = Column(Text, nullable=False)
    payload = Column(JSON, nullable=False)  # snapshot; emptied once sent (data minimisation)
    dedup_key = Column(Text, nullable=False, unique=True)  # kind:lead-id:version:content-hash
    status = Column(Text, nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime, nullable=False, default=utcnow)
    claimed_at = Column(UTCDateTime)
    claim_token = Column(Text)
    last_error = Column(Text)  # exception class and SMTP/HTTP code only, never personal data
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = Column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxItem id={self.id} kind={self.kind} status={self.status}>"


class ErasureRequest(Base):
    """Deletion of a conversation's tracker events, repeated once the current turn is over.

    Rasa's SQL tracker store re-writes the events of the running session when it saves the
    tracker after an action, so events deleted from inside an action come back. The worker
    deletes them again (only events up to ``requested_at``) once ``due_at`` has passed.
    """

    __tablename__ = "erasure_requests"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(Text, nullable=False, index=True)
    requested_at = Column(UTCDateTime, nullable=False)
    due_at = Column(UTCDateTime, nullable=False, index=True)
    attempts = Column(Integer, nullable=False, default=0)
