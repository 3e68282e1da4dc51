"""Form validation actions: thin adapters from Rasa's forms to the German extraction code.

Every qualification slot has a custom mapping; the ``extract_<slot>`` methods below read the latest user
message (button payload entity ``choice``, the NLU intent and the free text) and turn it into a typed value
with ``advisor.german`` (``interpret``/``correction`` read one answer; the criteria come from
``advisor.criteria``). Rules of the game:

* a message whose intent is a digression (a question about a phase, the price, "warum fragen Sie das?",
  "abbrechen", ...) fills nothing, so the form rejects and the rules answer it;
* an answer that cannot be understood is re-asked once with a hint; after the second miss the question is
  skipped ("klären wir im Gespräch") instead of looping;
* "weiß nicht" / "jein" marks the criterion unknown: it is skipped and becomes an open question for the call;
* an explicit correction of an earlier answer ("wir sind doch zu zehnt", "nein, Facebook kennen wir schon")
  updates that slot whichever question is being asked.
"""
from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from advisor import criteria as criteria_table
from advisor import german
from advisor.german.interpret import (
    CHOICE_NO,
    CHOICE_YES,
    UNKNOWN,
    corrections,
    corrects_another,
    implied_by,
    interpret,
    looks_like_question,
)
from leads.validation import clean_text, normalize_phone, validate_email

QUALIFICATION_SLOTS = list(criteria_table.NAMES)

# Intents that are never an answer to a form question: the form rejects and a rule answers them.
DIGRESSION_INTENTS = {
    "ask_phase_model", "ask_phase_information", "ask_phase_strategy", "ask_phase_operations",
    "ask_bottom_up", "ask_dive_in", "ask_early_starter", "ask_seminar_workshop_difference", "ask_seminar",
    "ask_workshop", "ask_price", "ask_consultant", "ask_capabilities", "faq", "explain", "cancel",
    "request_human", "request_callback", "bot_challenge", "out_of_scope", "greet", "goodbye", "thank",
    "request_data_deletion", "ask_privacy", "request_recommendation", "ask_question",
}
DIGRESSION_CONFIDENCE = 0.6
COMMAND_INTENTS = {"cancel", "request_data_deletion", "request_human", "request_callback", "goodbye", "explain"}

ENTITY_NAMES = ("number", "department", "platform")


# -- reading the latest message ---------------------------------------------------------------------------
def latest_intent(tracker: Tracker) -> tuple[str, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name") or "", float(intent.get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def choice_of(tracker: Tracker) -> str | None:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "choice" and entity.get("value") is not None:
            return str(entity["value"]).strip().lower()
    return None


def entity_values(tracker: Tracker, name: str) -> list[str]:
    return [str(e.get("value")) for e in tracker.latest_message.get("entities") or [] if e.get("entity") == name]


def is_digression(tracker: Tracker) -> bool:
    intent, confidence = latest_intent(tracker)
    return intent in DIGRESSION_INTENTS and confidence >= DIGRESSION_CONFIDENCE and choice_of(tracker) is None


def is_command(tracker: Tracker) -> bool:
    """"abbrechen", "Rückruf", "löschen", ...: these win even over an answer in the same message."""
    intent, confidence = latest_intent(tracker)
    return intent in COMMAND_INTENTS and confidence >= DIGRESSION_CONFIDENCE and choice_of(tracker) is None


def leaves_form(tracker: Tracker) -> bool:
    """The message is not an answer: a command, or a question the rules answer. Answers win over an
    intent guess otherwise, so "max@example.org" or "Marketing und Vertrieb" are never taken for chit-chat."""
    return is_command(tracker) or (is_digression(tracker) and looks_like_question(latest_text(tracker)))


def message_entities(tracker: Tracker) -> dict[str, list[str]]:
    return {name: entity_values(tracker, name) for name in ENTITY_NAMES}


def corrections_from_message(tracker: Tracker, slots: list[str]) -> dict[str, Any]:
    """Slot values that the latest message explicitly corrects (used inside and after the form)."""
    return corrections(latest_text(tracker), latest_intent(tracker)[0], message_entities(tracker),
                       tracker.slots, slots)


# Slots the extract methods set besides the form's own (rasa-sdk would drop them otherwise).
BOOKKEEPING_SLOTS = {"unknown_criteria", "failed_attempts", "departments", "email_failures", "consent_at"}


def _pass_through(slot: str):
    async def validate(self, value, dispatcher, tracker, domain):
        return {slot: value}

    validate.__name__ = f"validate_{slot}"
    return validate


def _extract_from_table(slot: str):
    async def extract(self, dispatcher, tracker, domain):
        return self._extract(slot, dispatcher, tracker)

    extract.__name__ = f"extract_{slot}"
    return extract


class _FormValidation(FormValidationAction):
    """Keeps bookkeeping slots and always names the next slot to ask explicitly."""

    SLOTS: tuple[str, ...] = ()
    """The form's slots; each gets a pass-through ``validate_<slot>`` (the extract methods validate)."""
    EXTRACT_BY_CONVENTION = False

    @abstractmethod
    def name(self) -> str:  # abstract, so rasa-sdk does not register this base class as an action
        ...

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # rasa-sdk looks up ``validate_<slot>`` by name: every slot of the form gets a pass-through one
        # (the extract methods already validated the value) unless the class defines its own.
        # With ``EXTRACT_BY_CONVENTION`` every slot also gets ``extract_<slot>`` -> ``self._extract(slot, ...)``.
        super().__init_subclass__(**kwargs)
        for slot in cls.SLOTS:
            if not hasattr(cls, f"validate_{slot}"):
                setattr(cls, f"validate_{slot}", _pass_through(slot))
            if cls.EXTRACT_BY_CONVENTION and not hasattr(cls, f"extract_{slot}"):
                setattr(cls, f"extract_{slot}", _extract_from_table(slot))

    async def get_validation_events(self, dispatcher, tracker, domain):
        events = await super().get_validation_events(dispatcher, tracker, domain)
        validated = {e["name"] for e in events}
        extra = {k: v for k, v in tracker.slots_to_validate().items()
                 if k in BOOKKEEPING_SLOTS and k not in validated}
        return events + [SlotSet(k, v) for k, v in extra.items()]

    async def next_requested_slot(self, dispatcher, tracker, domain):
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        missing = (slot for slot in required if tracker.slots.get(slot) is None)
        return SlotSet(REQUESTED_SLOT, next(missing, None))


class ValidateQualificationForm(_FormValidation):
    """Asks the criteria of ``advisor.criteria`` in table order; see module docstring.

    rasa-sdk looks up ``extract_<slot>`` and ``validate_<slot>`` by name: ``__getattr__`` answers both for
    every criterion of the table, so adding a criterion needs no new method here.
    """

    SLOTS = criteria_table.NAMES
    EXTRACT_BY_CONVENTION = True

    def name(self) -> str:
        return "validate_qualification_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        # "weiß nicht" answers are skipped; a single person never gets the functional-areas question,
        # because answering "nur ich" sets multiple_functions to False together with participants.
        unknown = set(tracker.get_slot("unknown_criteria") or [])
        return [s for s in domain_slots if s not in unknown]

    async def extract_multiple_functions(self, dispatcher, tracker, domain):
        result = self._extract("multiple_functions", dispatcher, tracker)
        departments = german.parse_departments(latest_text(tracker))
        if departments and tracker.get_slot("requested_slot") == "multiple_functions":
            result["departments"] = departments
        return result

    def _extract(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        requested = tracker.get_slot("requested_slot")
        if tracker.active_loop_name != self.form_name() or leaves_form(tracker):
            return {}
        digression = is_digression(tracker)
        text, (intent, _) = latest_text(tracker), latest_intent(tracker)
        entities = message_entities(tracker)
        if slot != requested:
            return {} if digression else corrections_from_message(tracker, [slot])
        if choice_of(tracker) is None and corrects_another(text, intent, entities, slot):
            # "nein, Facebook kennen wir schon" revises an earlier answer; its "nein" is not for this question
            dispatcher.utter_message(response="utter_criteria_updated")
            return {}
        value = interpret(slot, text, intent, choice_of(tracker), entities)
        if value is UNKNOWN:
            return {slot: None, "unknown_criteria": _with_unknown(tracker, slot), "failed_attempts": 0}
        if value is not None:
            return {slot: value, "failed_attempts": 0,
                    **implied_by(slot, value, tracker.get_slot("participants"))}
        if digression:
            return {}  # no answer, but a known question or remark: the rules answer it
        failures = int(tracker.get_slot("failed_attempts") or 0) + 1
        if failures >= 2:
            dispatcher.utter_message(response="utter_skip_question")
            return {slot: None, "unknown_criteria": _with_unknown(tracker, slot), "failed_attempts": 0}
        dispatcher.utter_message(response="utter_not_understood_answer")
        return {slot: None, "failed_attempts": failures}


def _with_unknown(tracker: Tracker, slot: str) -> list[str]:
    unknown = list(tracker.get_slot("unknown_criteria") or [])
    if slot not in unknown:
        unknown.append(slot)
    return unknown


# -- contact form ---------------------------------------------------------------------------------------------
CONTACT_FIELDS = ["contact_name", "company", "email", "phone", "preferred_contact"]
FIELD_WORDS = {
    "contact_name": ("name",),
    "company": ("firma", "unternehmen", "company", "organisation"),
    "email": ("mail", "e-mail", "email", "adresse"),
    "phone": ("telefon", "nummer", "handy", "mobil", "phone"),
    "preferred_contact": ("zeit", "erreichbar", "uhrzeit", "wann", "kanal", "termin"),
}
NO_VALUE_WORDS = ("keine", "kein", "nein", "lieber nicht", "nicht angeben", "ohne", "none", "-", "privat")


def field_from_text(text: str) -> str | None:
    norm = german.normalize(text)
    for field_name, words in FIELD_WORDS.items():
        if any(w.replace("-", "") in norm.replace("-", "") for w in words):
            return field_name
    return None


class ValidateContactForm(_FormValidation):
    """Consent first; then name, company, email (validated), phone (optional, E.164), preferred time, summary."""

    SLOTS = ("consent", *CONTACT_FIELDS, "contact_confirmed")

    def name(self) -> str:
        return "validate_contact_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        if tracker.get_slot("consent") is False:
            return ["consent"]  # no consent: ask nothing personal, the form ends
        return domain_slots

    def _answer(self, tracker: Tracker, slot: str) -> tuple[str, str | None] | None:
        """(text, choice) when the latest message answers ``slot``; None for digressions/other slots."""
        if tracker.active_loop_name != self.form_name() or tracker.get_slot("requested_slot") != slot:
            return None
        if leaves_form(tracker):
            return None
        intent, _ = latest_intent(tracker)
        if intent == "correct_contact":
            return None
        return latest_text(tracker).strip(), choice_of(tracker)

    async def extract_consent(self, dispatcher, tracker, domain):
        answer = self._answer(tracker, "consent")
        if answer is None:
            return {}
        text, choice = answer
        intent, _ = latest_intent(tracker)
        value = None
        if choice in CHOICE_YES:
            value = True
        elif choice in CHOICE_NO:
            value = False
        if value is None:
            value = german.parse_yes_no(text)
        if value is None and intent in ("affirm", "deny"):
            value = intent == "affirm"
        if value is None:
            dispatcher.utter_message(response="utter_not_understood_answer")
            return {"consent": None}
        from datetime import datetime, timezone

        return {"consent": value, "consent_at": datetime.now(timezone.utc).isoformat() if value else None}

    async def extract_contact_name(self, dispatcher, tracker, domain):
        answer = self._answer(tracker, "contact_name")
        if answer is None:
            return {}
        name = clean_text(_strip_lead_in(answer[0], ("ich heiße", "ich heisse", "mein name ist", "ich bin",
                                                     "hier ist", "name:")), 300)
        if not name:
            dispatcher.utter_message(response="utter_invalid_name")
            return {"contact_name": None}
        return {"contact_name": name}

    async def extract_company(self, dispatcher, tracker, domain):
        answer = self._answer(tracker, "company")
        if answer is None:
            return {}
        text, choice = answer
        if choice == "none" or german.normalize(text) in ("privat", "keine", "keins", "-", "ich frage privat an"):
            return {"company": "–"}
        company = clean_text(_strip_lead_in(text, ("wir sind die firma", "wir sind", "die firma", "firma",
                                                   "unternehmen:", "ich arbeite bei", "bei der", "bei")), 300)
        return {"company": company or "–"}

    async def extract_email(self, dispatcher, tracker, domain):
        answer = self._answer(tracker, "email")
        if answer is None:
            return {}
        text, _ = answer
        candidates = entity_values(tracker, "email") + [text] + text.split()
        for candidate in candidates:
            email = validate_email(candidate.strip(" <>.,;"))
            if email:
                return {"email": email, "email_failures": 0}
        norm = german.normalize(text)
        if "keine" in norm and ("mail" in norm or norm == "keine"):
            return {"email": "–"}
        failures = int(tracker.get_slot("email_failures") or 0) + 1
        dispatcher.utter_message(response="utter_email_alternative" if failures >= 2 else "utter_invalid_email")
        return {"email": None, "email_failures": failures}

    async def extract_phone(self, dispatcher, tracker, domain):
        answer = self._answer(tracker, "phone")
        if answer is None:
            return {}
        text, choice = answer
        norm = german.normalize(text)
        no_email = tracker.get_slot("email") in (None, "–")
        if choice == "none" or (any(norm.startswith(w) for w in NO_VALUE_WORDS) and not re.search(r"\d{4}", text)):
            if no_email:
                dispatcher.utter_message(response="utter_need_email_or_phone")
                return {"phone": None}
            return {"phone": "–"}
        for candidate in entity_values(tracker, "phone") + [text]:
            phone = normalize_phone(candidate)
            if phone:
                return {"phone": phone}
        dispatcher.utter_message(response="utter_invalid_phone")
        return {"phone": None}

    async def extract_preferred_contact(self, dispatcher, tracker, domain):
        answer = self._answer(tracker, "preferred_contact")
        if answer is None:
            return {}
        text, choice = answer
        value = clean_text(choice if choice else text, 300)
        return {"preferred_contact": value or "egal"}

    async def extract_contact_confirmed(self, dispatcher, tracker, domain):
        if tracker.active_loop_name != self.form_name() or tracker.get_slot("requested_slot") != "contact_confirmed":
            return {}
        intent, _ = latest_intent(tracker)
        text, choice = latest_text(tracker), choice_of(tracker)
        if intent == "correct_contact" or (choice is None and intent in ("deny", "inform")):
            target = next(iter(entity_values(tracker, "field")), None) or field_from_text(text)
            if target in CONTACT_FIELDS:
                return {target: None, "contact_confirmed": None}
            dispatcher.utter_message(response="utter_ask_correct_which")
            return {"contact_confirmed": None}
        if leaves_form(tracker):
            return {}
        value = True if choice in CHOICE_YES else german.parse_yes_no(text)
        if value is None and intent == "affirm":
            value = True
        if value is True:
            return {"contact_confirmed": True}
        dispatcher.utter_message(response="utter_ask_correct_which")
        return {"contact_confirmed": None}



def _strip_lead_in(text: str, lead_ins: tuple[str, ...]) -> str:
    stripped = text.strip()
    lowered = stripped.lower()
    for lead_in in lead_ins:
        if lowered.startswith(lead_in):
            return stripped[len(lead_in):].strip(" :,.!")
    return stripped.strip(" .!")
