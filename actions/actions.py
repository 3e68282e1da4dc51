"""Thin rasa-sdk actions: read slots, call the plain-Python domain logic, send German messages.

The action server is started with ``rasa run actions --actions actions.actions``; this module imports the
form validation actions so that they are registered too.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    EventType,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import texts
from actions.forms import (  # noqa: F401  (registers the form validation actions)
    CONTACT_FIELDS,
    QUALIFICATION_SLOTS,
    ValidateContactForm,
    ValidateQualificationForm,
    corrections_from_message,
    slot_events,
)
from actions.leads_service import LeadService
from advisor.recommendation import Criteria, recommend
from config import get_settings
from leads import SaveOutcome

logger = logging.getLogger(__name__)

# Which response answers which question (used when a question interrupts a form).
DIGRESSION_RESPONSES = {
    "ask_phase_model": "utter_phase_model",
    "ask_phase_information": "utter_phase_information",
    "ask_phase_strategy": "utter_phase_strategy",
    "ask_phase_operations": "utter_phase_operations",
    "ask_bottom_up": "utter_bottom_up",
    "ask_dive_in": "utter_dive_in",
    "ask_early_starter": "utter_early_starter",
    "ask_seminar_workshop_difference": "utter_seminar_workshop_difference",
    "ask_seminar": "utter_seminar",
    "ask_workshop": "utter_workshop",
    "ask_price": "utter_price",
    "ask_consultant": "utter_consultant",
    "ask_capabilities": "utter_capabilities",
    "bot_challenge": "utter_bot_challenge",
    "ask_privacy": "utter_privacy",
    "out_of_scope": "utter_out_of_scope",
}


def utter_text_only(dispatcher: CollectingDispatcher, domain: DomainDict, response: str) -> None:
    """Send a response's text without its buttons: inside a form the next message asks how to go on, and
    the answer's own follow-up buttons ("Format finden", ...) would lead elsewhere."""
    variants = (domain.get("responses") or {}).get(response) or []
    texts_ = [v.get("text") for v in variants if v.get("text")]
    if texts_:
        dispatcher.utter_message(text=texts_[0])
    else:
        dispatcher.utter_message(response=response)


# slots a new session starts without (data_deleted_at would make the tracker store delete again)
NOT_CARRIED_OVER = {"requested_slot", "privacy_url", "consultant_contact", "data_deleted_at", "failed_attempts",
                    "email_failures"}


class ActionSessionStart(Action):
    """Start a session and give the responses the configured privacy URL and contact."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        settings = get_settings()
        if not any(e.get("event") == "user" for e in tracker.events):
            dispatcher.utter_message(text=texts.DISCLOSURE)  # the first reply says it is a digital assistant
        events: list[EventType] = [SessionStarted()]
        # carry over the slots of the previous session (session_config: carry_over_slots_to_new_session)
        for key, value in tracker.slots.items():
            if value is not None and key not in NOT_CARRIED_OVER:
                events.append(SlotSet(key, value))
        events += [
            SlotSet("privacy_url", settings.privacy_url),
            SlotSet("consultant_contact", settings.consultant_contact_text),
            ActionExecuted("action_listen"),
        ]
        return events


MISS_INTENTS = {"nlu_fallback", "out_of_scope"}


class ActionFallback(Action):
    """First miss: ask to rephrase. Second miss in a row: offer a callback with the consultant."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher, tracker, domain):
        previous_user_intents = [
            e.get("parse_data", {}).get("intent", {}).get("name")
            for e in tracker.events
            if e.get("event") == "user"
        ]
        # gibberish often lands in out_of_scope: that counts as a miss too
        second_miss = len(previous_user_intents) >= 2 and previous_user_intents[-2] in MISS_INTENTS
        if second_miss:
            dispatcher.utter_message(response="utter_fallback_offer_callback")
        else:
            dispatcher.utter_message(response="utter_default")
        return []


class ActionAnswerDigression(Action):
    """Answer a question asked in the middle of a form (the rules then ask whether to continue)."""

    def name(self) -> str:
        return "action_answer_digression"

    async def run(self, dispatcher, tracker, domain):
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        response = DIGRESSION_RESPONSES.get(intent)
        if intent == "faq":
            selector = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
            response = (selector.get("response") or {}).get("utter_action")
        utter_text_only(dispatcher, domain, response or "utter_capabilities")
        return []


class ActionExplain(Action):
    """ "Warum fragen Sie das?": explain why the current question matters."""

    def name(self) -> str:
        return "action_explain"

    async def run(self, dispatcher, tracker, domain):
        requested = tracker.get_slot("requested_slot")
        name = f"utter_explain_{requested}"
        if requested and name in domain.get("responses", {}):
            dispatcher.utter_message(response=name)
        elif tracker.active_loop_name == "contact_form":
            dispatcher.utter_message(response="utter_privacy")
        else:
            dispatcher.utter_message(response="utter_explain_generic")
        return []


def criteria_from_slots(tracker: Tracker) -> Criteria:
    return Criteria.from_slots({slot: tracker.get_slot(slot) for slot in QUALIFICATION_SLOTS})


def present_recommendation(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Send the recommendation in short messages: format, why (or what is open), phase, next steps."""
    result = recommend(criteria_from_slots(tracker))
    dispatcher.utter_message(text=texts.FORMAT_HEADLINE[result.variant])
    if result.format == "undecided":
        dispatcher.utter_message(text=f"{result.summary}\n{texts.DECIDING_INTRO} {result.deciding_question}")
    else:
        reasons = [r.answer_text for r in result.top_reasons(2)]
        if reasons:
            dispatcher.utter_message(text=f"{texts.WHY_INTRO}\n{texts.bullet_list(reasons, limit=2)}")
    if result.prerequisite_missing:
        dispatcher.utter_message(text=result.prerequisite_advice)
    if result.early_starter:
        dispatcher.utter_message(text=result.early_starter_advice)
    dispatcher.utter_message(text=result.phase_reason)
    buttons = [{"title": texts.BUTTON_CALLBACK, "payload": "/request_callback"}]
    if result.format in texts.BUTTON_MORE:
        buttons.append({"title": texts.BUTTON_MORE[result.format], "payload": f"/ask_{result.format}"})
    else:
        buttons.append({"title": "Seminar/Workshop?", "payload": "/ask_seminar_workshop_difference"})
    buttons.append({"title": texts.BUTTON_QUESTION, "payload": "/ask_question"})
    dispatcher.utter_message(text=texts.NEXT_STEPS, buttons=buttons)
    return [SlotSet("recommendation", result.format), SlotSet("phase", result.phase)]


class ActionRecommend(Action):
    def name(self) -> str:
        return "action_recommend"

    async def run(self, dispatcher, tracker, domain):
        return present_recommendation(dispatcher, tracker)


class ActionUpdateCriteria(Action):
    """Facts stated outside the form ("wir sind doch zu zehnt", "Hallo, wir sind zu dritt aus dem Vertrieb"):
    keep them; with a recommendation already given, recompute it; otherwise start the questions, which then
    skip what is known."""

    def name(self) -> str:
        return "action_update_criteria"

    async def run(self, dispatcher, tracker, domain):
        events = apply_stated_facts(dispatcher, tracker)
        if events is None:
            if tracker.get_slot("recommendation") and corrections_from_message(tracker).restated:
                # "Wir haben doch noch gar keine Strategie": already so in the recommendation - say it again
                dispatcher.utter_message(text=texts.ALREADY_KNOWN)
                return present_recommendation(dispatcher, tracker)
            dispatcher.utter_message(response="utter_offer_help")
            return []
        if tracker.get_slot("recommendation"):
            return events + present_recommendation(dispatcher, tracker)
        dispatcher.utter_message(response="utter_start_qualification")
        return events + [FollowupAction("qualification_form")]


def apply_stated_facts(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """Slot events for the facts and corrections in the latest message (None when it states none); says
    what was noted or corrected and updates ``tracker.slots`` for what follows."""
    reading = corrections_from_message(tracker)
    unknown = list(tracker.get_slot("unknown_criteria") or [])
    changes = slot_events(reading.changes, unknown)
    if not changes:
        return None
    for key, value in changes.items():
        tracker.slots[key] = value
    if reading.corrected:
        dispatcher.utter_message(text=texts.corrected_facts(reading.corrected))
    summary = texts.noted_facts({k: v for k, v in reading.added.items() if k in changes})
    if summary:
        dispatcher.utter_message(text=summary)
    return [SlotSet(k, v) for k, v in changes.items()]


class ActionResetQualification(Action):
    """Start the questions afresh (after a recommendation, "Welches Format passt?" asks again) — unless the
    message changes an answer ("Die Anwenderkenntnisse haben wir aber nicht. Passt dann eher ein Seminar?"):
    then the recommendation is recomputed with the change and the other answers kept."""

    def name(self) -> str:
        return "action_reset_qualification"

    async def run(self, dispatcher, tracker, domain):
        if not tracker.get_slot("recommendation"):
            return []
        events = apply_stated_facts(dispatcher, tracker)
        if events is not None:
            return events + present_recommendation(dispatcher, tracker) + [FollowupAction("action_listen")]
        slots = QUALIFICATION_SLOTS + ["departments", "unknown_criteria", "recommendation", "phase", "settled_early"]
        return [SlotSet(slot, None) for slot in slots] + [SlotSet("failed_attempts", 0)]


class ActionHandoff(Action):
    """A person is asked for: say how the consultant takes over (the contact form follows)."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(response="utter_handoff")
        return []


class ActionSubmitLead(Action):
    """Store the lead (only with consent) and queue the brief for the consultant."""

    def name(self) -> str:
        return "action_submit_lead"

    async def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("consent") is not True:
            dispatcher.utter_message(response="utter_no_consent")
            return _clear_contact_slots()
        service = LeadService.instance()
        outcome = await asyncio.to_thread(service.save_from_slots, tracker.sender_id, _channel(tracker),
                                          dict(tracker.slots))
        if outcome is SaveOutcome.STORED:
            dispatcher.utter_message(response="utter_lead_saved")
        else:
            dispatcher.utter_message(response="utter_lead_pending")
        return [SlotSet("lead_saved", True), SlotSet("contact_confirmed", None)]


class ActionDeleteData(Action):
    """Delete this conversation's lead and stored events (the tracker store removes the events)."""

    def name(self) -> str:
        return "action_delete_data"

    async def run(self, dispatcher, tracker, domain):
        service = LeadService.instance()
        try:
            await asyncio.to_thread(service.delete_conversation, tracker.sender_id)
        except Exception:  # noqa: BLE001 - the user gets a clear answer, the operator a log line
            logger.exception("deleting data failed for conversation %s", tracker.sender_id)
            dispatcher.utter_message(text=texts.DELETION_FAILED.format(contact=get_settings().consultant_contact_text))
            return []
        dispatcher.utter_message(response="utter_data_deleted")
        # the marker tells the tracker store (rasa_addons.tracker_store) to drop the stored events
        return [Restarted(), SlotSet("data_deleted_at", datetime.now(timezone.utc).isoformat())]


def _channel(tracker: Tracker) -> str:
    try:
        return tracker.get_latest_input_channel() or "unknown"
    except Exception:  # noqa: BLE001
        return "unknown"


def _clear_contact_slots() -> list[EventType]:
    return [SlotSet(s, None) for s in ("consent", "consent_at", *CONTACT_FIELDS, "contact_confirmed")]
