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
    latest_text,
    remaining_questions,
    slot_events,
)
from actions.leads_service import LeadService
from advisor.german.interpret import Reading
from advisor.german.meta import meta_question
from advisor.offer import Offer, current_offer, format_mentioned, question_topics
from advisor.recommendation import Criteria, recommend
from config import get_settings
from leads import LeadRejected, SaveOutcome

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
# Contact data and consent are not carried over either: a new session shows nothing typed in an earlier one
# (anyone who knows the conversation id could start it) and asks for consent again before a callback.
NOT_CARRIED_OVER = {"requested_slot", "privacy_url", "consultant_contact", "data_deleted_at", "failed_attempts",
                    "email_failures", "consent", "consent_at", "contact_confirmed", *CONTACT_FIELDS}


class ActionSessionStart(Action):
    """Start a session and give the responses the configured privacy URL and contact."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        settings = get_settings()
        if not any(e.get("event") == "user" for e in tracker.events):
            # the first reply says it is a digital assistant, whatever the first message is
            dispatcher.utter_message(text=texts.DISCLOSURE.format(name=current_offer_now().consultant.name))
        events: list[EventType] = [SessionStarted()]
        # carry over the slots of the previous session (session_config: carry_over_slots_to_new_session)
        for key, value in tracker.slots.items():
            if value is not None and key not in NOT_CARRIED_OVER:
                events.append(SlotSet(key, value))
        events += [
            SlotSet("privacy_url", settings.privacy_url),
            SlotSet("consultant_contact", settings.consultant_contact_text),
            SlotSet("consultant_name", current_offer_now().consultant.name),
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


def current_offer_now() -> Offer:
    """The consultant's offer (offer.yml, re-read when it changed; checked when the action server starts)."""
    return current_offer(get_settings().offer_file)


# retrieval keys of the faq intent that are answered from the offer file, with the topics each may cover
OFFER_FAQ_TOPICS = {
    "dates_location": ("dates", "duration", "online", "place"),
    "in_house": ("in_house",),
    "funding": ("funding",),
}
# questions that are not listed in the consultant's brief (small talk, the bot itself)
NOT_A_PROSPECT_QUESTION = {"greet", "thank", "ask_question", "out_of_scope", "ask_capabilities", "bot_challenge",
                           "nlu_fallback", None}
MAX_RECORDED_QUESTIONS = 30
MAX_QUESTION_CHARS = 200


def _faq_key(tracker: Tracker) -> str | None:
    selector = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
    response = (selector.get("response") or {}).get("utter_action") or ""
    return response.removeprefix("utter_faq/") or None


def _typed_text(tracker: Tracker) -> str:
    """The prospect's message, or "" when it was a button payload ("/ask_price")."""
    text = (tracker.latest_message.get("text") or "").strip()
    return "" if text.startswith("/") else text


def offer_topics(intent: str | None, faq_key: str | None, text: str) -> list[str] | None:
    """Which offer topics the question is about (None: no offer question)."""
    found = question_topics(text)
    if intent == "ask_price":
        topics = [t for t in found if t in ("price", "first_call", "funding")] or ["price"]
        return topics + [t for t in found if t in ("duration", "dates") and t not in topics]
    if intent == "faq" and faq_key in OFFER_FAQ_TOPICS:
        allowed = OFFER_FAQ_TOPICS[faq_key]
        return [t for t in found if t in allowed] or [allowed[0]]
    return None


def record_question(tracker: Tracker, entry: dict) -> SlotSet:
    """Add one question or objection of the prospect to the ``prospect_questions`` slot (for the brief)."""
    previous = list(tracker.get_slot("prospect_questions") or [])
    entry = {key: value for key, value in entry.items() if value not in (None, "", [])}
    if entry.get("text"):
        entry["text"] = entry["text"][:MAX_QUESTION_CHARS]
    updated = (previous + [entry])[-MAX_RECORDED_QUESTIONS:]
    tracker.slots["prospect_questions"] = updated
    return SlotSet("prospect_questions", updated)


def _times_asked(tracker: Tracker, topic: str, fmt: str | None) -> int:
    return sum(1 for q in tracker.get_slot("prospect_questions") or []
               if isinstance(q, dict) and q.get("kind") == "question" and topic in (q.get("topics") or [])
               and q.get("format") == fmt)


def _last_bot_texts(tracker: Tracker, limit: int = 6) -> set[str]:
    bot = [e.get("text") for e in tracker.events if e.get("event") == "bot" and e.get("text")]
    return set(bot[-limit:])


def answer_offer_question(dispatcher: CollectingDispatcher, tracker: Tracker, topics: list[str]) -> list[EventType]:
    """Answer from the offer file. The first time a topic is asked: the full answer; again: one short line
    and a next step (callback), worded differently each time, so no text comes twice in a row."""
    offer = current_offer_now()
    text = _typed_text(tracker)
    fmt = format_mentioned(text)
    today = datetime.now(timezone.utc).date()
    recent = _last_bot_texts(tracker)
    lead_saved = tracker.get_slot("lead_saved") is True
    next_step = [] if lead_saved else [{"title": texts.BUTTON_CALLBACK, "payload": "/request_callback"},
                                       {"title": texts.BUTTON_QUESTION, "payload": "/ask_question"}]
    for topic in topics:
        asked = _times_asked(tracker, topic, fmt)
        if asked == 0:
            dispatcher.utter_message(text=texts.offer_answer(offer, topic, fmt, today))
            continue
        answer = texts.offer_short_answer(offer, topic, fmt, today, asked, lead_saved)
        if answer in recent:
            answer = texts.offer_short_answer(offer, topic, fmt, today, asked + 1, lead_saved)
        dispatcher.utter_message(text=answer, buttons=next_step)
    return [record_question(tracker, {"kind": "question", "topics": topics, "format": fmt, "text": text})]


def answer_question(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                    in_form: bool) -> list[EventType]:
    """Answer a question: offer questions from the offer file, the others with their response (inside a
    form without the response's buttons: the rules ask "weitermachen?" next). Records it for the brief."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    faq_key = _faq_key(tracker) if intent == "faq" else None
    topics = offer_topics(intent, faq_key, _typed_text(tracker))
    if topics is not None:
        return answer_offer_question(dispatcher, tracker, topics)
    response = f"utter_faq/{faq_key}" if faq_key else DIGRESSION_RESPONSES.get(intent)
    if in_form:
        utter_text_only(dispatcher, domain, response or "utter_capabilities")
    else:
        dispatcher.utter_message(response=response or "utter_capabilities")
    if intent in NOT_A_PROSPECT_QUESTION or (intent == "faq" and not faq_key):
        return []
    topic = f"faq/{faq_key}" if faq_key else intent
    return [record_question(tracker, {"kind": "question", "topics": [topic], "text": _typed_text(tracker)})]


class ActionAnswerDigression(Action):
    """Answer a question asked in the middle of a form (the rules then ask whether to continue)."""

    def name(self) -> str:
        return "action_answer_digression"

    async def run(self, dispatcher, tracker, domain):
        return answer_question(dispatcher, tracker, domain, in_form=True)


class ActionAnswerOffer(Action):
    """Price and the other practical questions outside the forms, answered from the offer file."""

    def name(self) -> str:
        return "action_answer_offer"

    async def run(self, dispatcher, tracker, domain):
        return answer_question(dispatcher, tracker, domain, in_form=False)


class ActionAnswerFaq(Action):
    """FAQ outside the forms: dates, place, online, in-house and funding from the offer file, the other keys
    with their retrieval response (utter_faq/...)."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(self, dispatcher, tracker, domain):
        return answer_question(dispatcher, tracker, domain, in_form=False)


class ActionExplain(Action):
    """ "Warum fragen Sie das?": explain why the current question matters."""

    def name(self) -> str:
        return "action_explain"

    async def run(self, dispatcher, tracker, domain):
        requested = tracker.get_slot("requested_slot")
        kind = meta_question(latest_text(tracker))
        if kind:  # "wie viele Fragen noch?", "kommen Sie zum Punkt" (advisor.german.meta)
            dispatcher.utter_message(text=texts.progress(remaining_questions(tracker, domain), impatient=kind == "impatient"))
            return []
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
    dispatcher.utter_message(text=texts.NEXT_STEPS.format(consultant=current_offer_now().consultant.name),
                             buttons=buttons)
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
        events, reading = apply_stated_facts(dispatcher, tracker)
        if events is None:
            if tracker.get_slot("recommendation") and reading.restated:
                # "Wir haben doch noch gar keine Strategie": already so in the recommendation - say it again
                dispatcher.utter_message(text=texts.ALREADY_KNOWN)
                return present_recommendation(dispatcher, tracker)
            # taken for an answer, but it states nothing: not understood (a second miss offers a callback)
            return await ActionFallback().run(dispatcher, tracker, domain)
        if tracker.get_slot("recommendation"):
            return events + [record_objection(tracker)] + present_recommendation(dispatcher, tracker)
        dispatcher.utter_message(response="utter_start_qualification")
        return events + [FollowupAction("qualification_form")]


def apply_stated_facts(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> tuple[list[EventType] | None, Reading]:
    """Slot events for the facts and corrections in the latest message (None when it states none) and the
    reading itself; says what was noted or corrected and updates ``tracker.slots`` for what follows."""
    reading = corrections_from_message(tracker)
    unknown = list(tracker.get_slot("unknown_criteria") or [])
    changes = slot_events(reading.changes, unknown)
    if not changes:
        return None, reading
    for key, value in changes.items():
        tracker.slots[key] = value
    if reading.corrected:
        dispatcher.utter_message(text=texts.corrected_facts(reading.corrected))
    summary = texts.noted_facts({k: v for k, v in reading.added.items() if k in changes})
    if summary:
        dispatcher.utter_message(text=summary)
    return [SlotSet(k, v) for k, v in changes.items()], reading


def record_objection(tracker: Tracker) -> SlotSet:
    """A correction after the recommendation is an objection the consultant should know about."""
    return record_question(tracker, {"kind": "objection", "text": _typed_text(tracker),
                                     "against": tracker.get_slot("recommendation")})


class ActionResetQualification(Action):
    """Start the questions afresh (after a recommendation, "Welches Format passt?" asks again) — unless the
    message changes an answer ("Die Anwenderkenntnisse haben wir aber nicht. Passt dann eher ein Seminar?"):
    then the recommendation is recomputed with the change and the other answers kept."""

    def name(self) -> str:
        return "action_reset_qualification"

    async def run(self, dispatcher, tracker, domain):
        if not tracker.get_slot("recommendation"):
            return []
        events, reading = apply_stated_facts(dispatcher, tracker)
        if events is not None:
            return (events + [record_objection(tracker)] + present_recommendation(dispatcher, tracker)
                    + [FollowupAction("action_listen")])
        if reading.restated:
            # "Die Anwenderkenntnisse haben wir aber nicht. Passt dann eher ein Seminar?" - already counted:
            # say so and show the recommendation again instead of starting the questions afresh
            dispatcher.utter_message(text=texts.ALREADY_KNOWN)
            return ([record_objection(tracker)] + present_recommendation(dispatcher, tracker)
                    + [FollowupAction("action_listen")])
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
        try:
            outcome = await asyncio.to_thread(service.save_from_slots, tracker.sender_id, _channel(tracker),
                                              dict(tracker.slots), conversation_started_at(tracker))
        except LeadRejected as exc:  # a forged or corrupted call: nothing is stored, the consent is asked again
            logger.warning("lead_refused conversation_id=%s error=%s", tracker.sender_id, type(exc).__name__)
            dispatcher.utter_message(text=texts.LEAD_REFUSED.format(
                contact=get_settings().consultant_contact_text, consultant=current_offer_now().consultant.name))
            return [SlotSet(s, None) for s in ("consent", "consent_at", "contact_confirmed")]
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
            dispatcher.utter_message(text=texts.DELETION_FAILED.format(
                contact=get_settings().consultant_contact_text, consultant=current_offer_now().consultant.name))
            return []
        dispatcher.utter_message(response="utter_data_deleted")
        # the marker tells the tracker store (rasa_addons.tracker_store) to drop the stored events
        return [Restarted(), SlotSet("data_deleted_at", datetime.now(timezone.utc).isoformat())]


def conversation_started_at(tracker: Tracker) -> datetime | None:
    """When the conversation's first event (as Rasa sent it) happened; None without timestamps."""
    stamps = [e.get("timestamp") for e in tracker.events or [] if isinstance(e, dict)]
    stamps = [s for s in stamps if isinstance(s, (int, float)) and not isinstance(s, bool) and s == s]
    try:
        return datetime.fromtimestamp(min(stamps), timezone.utc) if stamps else None
    except (OverflowError, OSError, ValueError):
        return None


def _channel(tracker: Tracker) -> str:
    try:
        return tracker.get_latest_input_channel() or "unknown"
    except Exception:  # noqa: BLE001
        return "unknown"


def _clear_contact_slots() -> list[EventType]:
    return [SlotSet(s, None) for s in ("consent", "consent_at", *CONTACT_FIELDS, "contact_confirmed")]
