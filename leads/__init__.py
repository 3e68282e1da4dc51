"""The lead store: everything the assistant keeps about a prospect, and everything it sends about them.

The package owns the lead database (models, Alembic migrations via ``leads.db``), the upsert of one
lead per conversation behind the consent gate (``leads.repository``), one contact per e-mail address
(``leads.contacts``), the spool for database outages
(``leads.spool``), the outbox queue and its sending by SMTP and CRM webhook (``leads.outbox``,
``leads.notify``), the erasure of conversations including Rasa's stored events (``leads.erasure``),
the consultant's brief (``leads.briefing``), validation of contact data (``leads.validation``,
``leads.values``) and the operator's ``leads`` command (``leads.cli``). Failures are types
(``leads.errors``); the one save status is ``SaveOutcome``.

Plain Python: no module here imports ``rasa``, ``rasa_sdk``, ``actions`` or ``rasa_addons`` (the
Rasa side imports this package, never the other way round), nor ``advisor`` beyond what it truly
needs (the brief reads the criteria table and recomputes the recommendation); settings come from ``config``.

    from leads import LeadRepository, SaveOutcome, StorageUnavailable, build_brief
    from leads.notify import process_outbox, OutboxWorker
"""
from leads.briefing import build_brief
from leads.db import upgrade_database
from leads.errors import (
    ConsentInvalid,
    ConsentMissing,
    LeadNotFound,
    LeadRejected,
    LeadStorageError,
    NotConfigured,
    StorageUnavailable,
)
from leads.models import CRITERIA_KEYS, Contact, ErasureRequest, Lead, OutboxItem, SaveOutcome
from leads.repository import LeadRepository
from leads.validation import clean_text, normalize_phone, validate_email

__all__ = [
    "CRITERIA_KEYS",
    "ConsentInvalid",
    "ConsentMissing",
    "Contact",
    "ErasureRequest",
    "Lead",
    "LeadNotFound",
    "LeadRejected",
    "LeadRepository",
    "LeadStorageError",
    "NotConfigured",
    "OutboxItem",
    "SaveOutcome",
    "StorageUnavailable",
    "build_brief",
    "clean_text",
    "normalize_phone",
    "upgrade_database",
    "validate_email",
]
