"""Adapter between the conversation (slot values) and the lead storage and hand-off.

One instance per action-server process: it owns the repository (database engine) and the outbox worker
that mails the consultant's brief and calls the CRM webhook in the background.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from actions.forms import CONTACT_FIELDS, QUALIFICATION_SLOTS
from advisor.recommendation import Criteria, recommend
from config import get_settings
from leads import ConsentInvalid, LeadRepository, SaveOutcome, StorageUnavailable
from leads.validation import check_consent_time, clean_text, clean_value
from leads.values import to_utc

logger = logging.getLogger(__name__)

# Free-text contact fields: cleaned of control characters and terminal escapes before they are stored (the
# e-mail address and phone number are validated by the repository).
TEXT_CONTACT_FIELDS = ("contact_name", "company", "preferred_contact")
MAX_CONTACT_CHARS = 300


class LeadService:
    _instance: LeadService | None = None
    _instance_lock = threading.Lock()

    def __init__(self, repository: LeadRepository | None = None) -> None:
        self.settings = get_settings()
        self.repository = repository or LeadRepository(settings=self.settings)
        self._worker = None

    @classmethod
    def instance(cls) -> LeadService:
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    @classmethod
    def reset(cls) -> None:
        """Forget the process-wide instance (tests change the environment between cases)."""
        with cls._instance_lock:
            if cls._instance is not None:
                cls._instance.stop()
            cls._instance = None

    # -- outbox --------------------------------------------------------------------------------------------
    def _ensure_worker(self):
        if self._worker is None:
            from leads.notify import OutboxWorker

            self._worker = OutboxWorker(self.repository, self.settings)
            self._worker.start()
        return self._worker

    def start_worker(self) -> None:
        """Start the outbox worker now (the action server does this at start-up)."""
        self._ensure_worker()

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    # -- leads ---------------------------------------------------------------------------------------------
    def save_from_slots(self, conversation_id: str, channel: str, slots: dict[str, Any],
                        started_at: dt.datetime | None = None) -> SaveOutcome:
        """Save (or update) the conversation's lead; ``SaveOutcome.SPOOLED`` when the database was unreachable.

        Re-checks what it stores, whoever called: the consent time must lie between the conversation's first
        event (``started_at``) and now (``ConsentInvalid`` otherwise), free text is cleaned of control
        characters and terminal escapes. Invalid values raise ``LeadRejected``."""
        consent_at = self._checked_consent(conversation_id, slots.get("consent_at"), started_at)
        slots = {**slots, **{key: clean_text(slots.get(key), MAX_CONTACT_CHARS) for key in TEXT_CONTACT_FIELDS
                             if isinstance(slots.get(key), str)}}
        criteria = {slot: slots.get(slot) for slot in QUALIFICATION_SLOTS}
        result = recommend(Criteria.from_slots(criteria))
        criteria["departments"] = clean_value(slots.get("departments") or [])
        criteria["unknown_criteria"] = slots.get("unknown_criteria") or []
        # what the prospect asked and objected in the chat (set by the answer actions), for the brief
        criteria["prospect_questions"] = [clean_value(q) for q in slots.get("prospect_questions") or []
                                          if isinstance(q, dict)]
        lead = self.repository.save_lead(
            conversation_id,
            channel=channel,
            contact={key: slots.get(key) for key in CONTACT_FIELDS},
            criteria=criteria,
            recommendation=slots.get("recommendation") or result.format,
            phase=slots.get("phase") or result.phase,
            reasons=[r.brief_text for r in result.reasons],
            open_questions=list(result.open_questions),
            consent_at=consent_at,
            consent_version=self.settings.consent_version,
        )
        logger.info("lead_saved conversation_id=%s status=%s", conversation_id, lead.storage_status)
        try:
            self._ensure_worker().wake()
        except Exception:  # noqa: BLE001 - the lead is stored; the outbox retries later
            logger.exception("outbox worker could not be woken for conversation %s", conversation_id)
        return lead.storage_status

    def _checked_consent(self, conversation_id: str, value: Any, started_at: dt.datetime | None) -> Any:
        """The consent time when it can be true (see ``check_consent_time``); a missing one is left to the
        repository's consent gate (``ConsentMissing``).

        A consent given in an earlier session of the conversation lies before the events Rasa sends (the
        slots are carried over): it counts when the stored lead of this conversation has that very consent
        time (it was checked when the lead was first stored)."""
        if value in (None, "", False):
            return value
        consent = to_utc(value, "consent_at")
        now = dt.datetime.now(dt.timezone.utc)
        try:
            return check_consent_time(consent, started_at, now)
        except ConsentInvalid:
            if consent <= now and self._stored_consent(conversation_id) == consent:
                return consent
            raise

    def _stored_consent(self, conversation_id: str) -> dt.datetime | None:
        try:
            lead = self.repository.get_by_conversation(conversation_id)
        except StorageUnavailable:
            return None
        return to_utc(lead.consent_at, "consent_at") if lead is not None and lead.consent_at else None

    def delete_conversation(self, conversation_id: str) -> bool:
        return self.repository.delete_conversation(conversation_id)
