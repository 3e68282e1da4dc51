"""Adapter between the conversation (slot values) and the lead storage and hand-off.

One instance per action-server process: it owns the repository (database engine) and the outbox worker
that mails the consultant's brief and calls the CRM webhook in the background.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from actions.forms import CONTACT_FIELDS, QUALIFICATION_SLOTS
from advisor.recommendation import Criteria, recommend
from config import get_settings
from leads import LeadRepository, SaveOutcome

logger = logging.getLogger(__name__)



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
    def save_from_slots(self, conversation_id: str, channel: str, slots: dict[str, Any]) -> SaveOutcome:
        """Save (or update) the conversation's lead; ``SaveOutcome.SPOOLED`` when the database was unreachable.
        Invalid values raise ``LeadRejected``."""
        criteria = {slot: slots.get(slot) for slot in QUALIFICATION_SLOTS}
        result = recommend(Criteria.from_slots(criteria))
        criteria["departments"] = slots.get("departments") or []
        criteria["unknown_criteria"] = slots.get("unknown_criteria") or []
        # what the prospect asked and objected in the chat (set by the answer actions), for the brief
        criteria["prospect_questions"] = [q for q in slots.get("prospect_questions") or [] if isinstance(q, dict)]
        lead = self.repository.save_lead(
            conversation_id,
            channel=channel,
            contact={key: slots.get(key) for key in CONTACT_FIELDS},
            criteria=criteria,
            recommendation=slots.get("recommendation") or result.format,
            phase=slots.get("phase") or result.phase,
            reasons=[r.brief_text for r in result.reasons],
            open_questions=list(result.open_questions),
            consent_at=slots.get("consent_at"),
            consent_version=self.settings.consent_version,
        )
        logger.info("lead_saved conversation_id=%s status=%s", conversation_id, lead.storage_status)
        try:
            self._ensure_worker().wake()
        except Exception:  # noqa: BLE001 - the lead is stored; the outbox retries later
            logger.exception("outbox worker could not be woken for conversation %s", conversation_id)
        return lead.storage_status

    def delete_conversation(self, conversation_id: str) -> bool:
        return self.repository.delete_conversation(conversation_id)
