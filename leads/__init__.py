"""Lead storage, validation, briefing and notification (plain Python, no Rasa import).

Public API::

    from leads import LeadRepository, validate_email, normalize_phone, build_brief
    from leads.notify import process_outbox, OutboxWorker
"""
from leads.briefing import build_brief
from leads.models import CRITERIA_KEYS, ErasureRequest, Lead, OutboxItem
from leads.repository import PENDING, STORED, LeadRepository, upgrade_database
from leads.validation import clean_text, normalize_phone, validate_email

__all__ = [
    "CRITERIA_KEYS",
    "ErasureRequest",
    "Lead",
    "LeadRepository",
    "OutboxItem",
    "PENDING",
    "STORED",
    "build_brief",
    "clean_text",
    "normalize_phone",
    "upgrade_database",
    "validate_email",
]
