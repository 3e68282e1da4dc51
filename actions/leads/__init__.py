"""Lead storage, validation, briefing and notification (plain Python, no Rasa import).

Public API::

    from actions.leads import LeadRepository, validate_email, normalize_phone, build_brief
    from actions.leads.notify import process_outbox, OutboxWorker
"""
from actions.leads.briefing import build_brief
from actions.leads.models import CRITERIA_KEYS, ErasureRequest, Lead, OutboxItem
from actions.leads.repository import PENDING, STORED, LeadRepository, upgrade_database
from actions.leads.validation import clean_text, normalize_phone, validate_email

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
