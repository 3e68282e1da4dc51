"""Form validation actions: thin adapters from Rasa's forms to the German extraction code.

Every qualification slot has a custom mapping; the ``extract_<slot>`` methods below read the latest user
message (button payload entity ``choice``, the NLU intent and the free text) and turn it into a typed value
with ``advisor.german.extract``. Rules of the game:

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

from advisor.german import extract
from leads.validation import clean_text, normalize_phone, validate_email

UNKNOWN = object()  # the prospect does not know: skip and keep as an open question

QUALIFICATION_SLOTS = [
    "participants",
    "multiple_functions",
    "focus",
    "specific_approach",
    "experience",
    "attitude_formed",
    "decision_made",
    "cross_functional",
    "platform_knowledge",
]
BOOL_SLOTS = {"multiple_functions", "specific_approach", "attitude_formed", "decision_made", "cross_functional",
              "platform_knowledge"}
FOCUS_VALUES = {"overview", "relevance", "next_steps", "strategy"}
EXPERIENCE_VALUES = {"none", "first_steps", "basic"}

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
QUESTION_START = re.compile(
    r"^(was|wie|wer|wen|wem|warum|wieso|weshalb|wo|woher|wann|welche\w*|kann|koennen|koennten|gibt|"
    r"ist|sind|bist|hast|habt|haben sie|darf|duerfen|muss|muessen|erklaer\w*|erzaehl\w*)\b"
)

CHOICE_YES = {"yes", "ja", "true"}
CHOICE_NO = {"no", "nein", "false"}
CHOICE_UNKNOWN = {"unknown", "weiss nicht", "weiß nicht"}

CORRECTION_MARKER = re.compile(
    r"\b(doch|eigentlich|korrektur|korrigier\w*|sondern|ich meinte|wir meinten|falsch|stimmt nicht|sorry|"
    r"aender\w*|änder\w*)\b",
    re.IGNORECASE,
)
COUNT_MARKER = re.compile(
    r"\bzu\s+(zweit|dritt|viert|fuenft|fünft|sechst|siebt|acht|neunt|zehnt|elft|zwoelft|zwölft)\b|"
    r"\b\d+\s*(personen|leute|teilnehm\w*|mitarbeit\w*|kolleg\w*|menschen)\b|"
    r"\b(personen|leute|teilnehmer\w*|kolleg\w*)\b",
    re.IGNORECASE,
)
PLATFORM_MARKER = re.compile(r"\b(facebook|fb|xing|linkedin|instagram|insta|tiktok|twitter|youtube)\b",
                             re.IGNORECASE)


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


def looks_like_question(text: str) -> bool:
    return "?" in text or bool(QUESTION_START.match(extract.normalize(text)))


def leaves_form(tracker: Tracker) -> bool:
    """The message is not an answer: a command, or a question the rules answer. Answers win over an
    intent guess otherwise, so "max@example.org" or "Marketing und Vertrieb" are never taken for chit-chat."""
    return is_command(tracker) or (is_digression(tracker) and looks_like_question(latest_text(tracker)))


# -- interpreting an answer for one criterion -----------------------------------------------------------------
def interpret(slot: str, text: str, intent: str, choice: str | None, entities: dict[str, list[str]]) -> Any:
    """The typed value of ``slot`` in an answer, ``UNKNOWN`` for "weiß nicht", or None if not understood."""
    if choice is not None:
        return _interpret_choice(slot, choice)
    if intent == "unsure":
        return UNKNOWN
    if slot == "participants":
        value = extract.parse_participants(text)
        if value is None:
            for number in entities.get("number", []):
                value = extract.parse_participants(number)
                if value is not None:
                    break
        return float(value) if value is not None else None
    if slot == "focus":
        return extract.parse_focus(text)
    if slot == "experience":
        value = extract.parse_experience(text)
        if value is None and intent == "deny":
            return "none"
        return value
    if slot == "multiple_functions":
        departments = extract.parse_departments(text)
        if len(departments) >= 2:
            return True
        if len(departments) == 1 and extract.parse_yes_no(text) is None:
            return False
    if slot == "platform_knowledge":
        value = extract.parse_platform_knowledge(text)
        if value is not None:
            return value
    if slot == "decision_made":
        norm = extract.normalize(text)
        if re.search(r"\b(erkannt|entschieden|beschlossen|steht fest|muessen wir|wollen wir)\b", norm) and \
                not re.search(r"\b(nicht|noch offen|unentschieden)\b", norm):
            return True
    if slot in BOOL_SLOTS:
        value = extract.parse_yes_no(text)
        if value is None and intent in ("affirm", "deny") and len(text) <= 40:
            value = intent == "affirm"
        if value is None and _says_unknown(text):
            return UNKNOWN
        return value
    return None


def _says_unknown(text: str) -> bool:
    norm = extract.normalize(text)
    return any(p in norm for p in ("weiss nicht", "weiss ich nicht", "keine ahnung", "unklar", "jein",
                                   "teils teils", "noch offen", "vielleicht", "kommt drauf an"))


def _interpret_choice(slot: str, choice: str) -> Any:
    if choice in CHOICE_UNKNOWN:
        return UNKNOWN
    if slot == "participants":
        try:
            value = float(choice)
        except ValueError:
            return None
        return value if 1 <= value <= 10000 else None
    if slot == "focus":
        return choice if choice in FOCUS_VALUES else None
    if slot == "experience":
        return choice if choice in EXPERIENCE_VALUES else None
    if slot in BOOL_SLOTS:
        if choice in CHOICE_YES:
            return True
        if choice in CHOICE_NO:
            return False
    return None


def correction(slot: str, text: str, intent: str, entities: dict[str, list[str]]) -> Any:
    """The corrected value when ``text`` explicitly revises ``slot`` (not the question being asked)."""
    if intent not in ("inform", "deny", "affirm", "nlu_fallback") or not text:
        return None
    if slot == "participants":
        if COUNT_MARKER.search(text):
            value = extract.parse_participants(text)
            return float(value) if value is not None else None
        return None
    if slot == "platform_knowledge":
        if PLATFORM_MARKER.search(text) and re.search(r"\b(kenn\w*|nutz\w*|benutz\w*|verwend\w*|aktiv|privat|"
                                                      r"account|profil|konto)\b", text, re.IGNORECASE):
            return extract.parse_platform_knowledge(text)
        return None
    if not CORRECTION_MARKER.search(text):
        return None
    if slot == "focus":
        return extract.parse_focus(text)
    if slot == "experience":
        return extract.parse_experience(text)
    if slot == "multiple_functions":
        departments = extract.parse_departments(text)
        return True if len(departments) >= 2 else None
    return None


def corrections_from_message(tracker: Tracker, slots: list[str]) -> dict[str, Any]:
    """Slot values that the latest message explicitly corrects (used inside and after the form)."""
    text, (intent, _) = latest_text(tracker), latest_intent(tracker)
    entities = {name: entity_values(tracker, name) for name in ("number", "department", "platform")}
    changes: dict[str, Any] = {}
    for slot in slots:
        value = correction(slot, text, intent, entities)
        if value is not None and value != tracker.get_slot(slot):
            changes[slot] = value
    if "participants" in changes:
        changes.update(implied_by("participants", changes["participants"], tracker))
    return changes


def corrects_another_answer(tracker: Tracker, asked: str) -> bool:
    """The message revises an earlier answer (its extract method has already applied it this turn)."""
    text, (intent, _) = latest_text(tracker), latest_intent(tracker)
    entities = {name: entity_values(tracker, name) for name in ("number", "department", "platform")}
    return any(correction(s, text, intent, entities) is not None for s in QUALIFICATION_SLOTS if s != asked)


def implied_by(slot: str, value: Any, tracker: Tracker) -> dict[str, Any]:
    """Answers implied by another: one person means one functional area; a group must be asked again."""
    if slot != "participants":
        return {}
    if value == 1:
        return {"multiple_functions": False}
    if tracker.get_slot("participants") == 1:  # corrected from one person to a group: ask the areas
        return {"multiple_functions": None}
    return {}


# Slots the extract methods set besides the form's own (rasa-sdk would drop them otherwise).
BOOKKEEPING_SLOTS = {"unknown_criteria", "failed_attempts", "departments", "email_failures", "consent_at"}


class _FormValidation(FormValidationAction):
    """Keeps bookkeeping slots and always names the next slot to ask explicitly."""

    @abstractmethod
    def name(self) -> str:  # abstract, so rasa-sdk does not register this base class as an action
        ...

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
    """Asks the seed's criteria; see module docstring."""

    def name(self) -> str:
        return "validate_qualification_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        # "weiß nicht" answers are skipped; a single person never gets the functional-areas question,
        # because answering "nur ich" sets multiple_functions to False together with participants.
        unknown = set(tracker.get_slot("unknown_criteria") or [])
        return [s for s in domain_slots if s not in unknown]

    async def extract_participants(self, dispatcher, tracker, domain):
        return self._extract("participants", dispatcher, tracker)

    async def extract_multiple_functions(self, dispatcher, tracker, domain):
        result = self._extract("multiple_functions", dispatcher, tracker)
        departments = extract.parse_departments(latest_text(tracker))
        if departments and tracker.get_slot("requested_slot") == "multiple_functions":
            result["departments"] = departments
        return result

    async def extract_focus(self, dispatcher, tracker, domain):
        return self._extract("focus", dispatcher, tracker)

    async def extract_specific_approach(self, dispatcher, tracker, domain):
        return self._extract("specific_approach", dispatcher, tracker)

    async def extract_experience(self, dispatcher, tracker, domain):
        return self._extract("experience", dispatcher, tracker)

    async def extract_attitude_formed(self, dispatcher, tracker, domain):
        return self._extract("attitude_formed", dispatcher, tracker)

    async def extract_decision_made(self, dispatcher, tracker, domain):
        return self._extract("decision_made", dispatcher, tracker)

    async def extract_cross_functional(self, dispatcher, tracker, domain):
        return self._extract("cross_functional", dispatcher, tracker)

    async def extract_platform_knowledge(self, dispatcher, tracker, domain):
        return self._extract("platform_knowledge", dispatcher, tracker)

    def _extract(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        requested = tracker.get_slot("requested_slot")
        if tracker.active_loop_name != "qualification_form" or leaves_form(tracker):
            return {}
        digression = is_digression(tracker)
        text, (intent, _) = latest_text(tracker), latest_intent(tracker)
        entities = {name: entity_values(tracker, name) for name in ("number", "department", "platform")}
        if slot != requested:
            return {} if digression else corrections_from_message(tracker, [slot])
        if choice_of(tracker) is None and corrects_another_answer(tracker, slot):
            # "nein, Facebook kennen wir schon" revises an earlier answer; its "nein" is not for this question
            dispatcher.utter_message(response="utter_criteria_updated")
            return {}
        value = interpret(slot, text, intent, choice_of(tracker), entities)
        if value is UNKNOWN:
            unknown = list(tracker.get_slot("unknown_criteria") or [])
            if slot not in unknown:
                unknown.append(slot)
            return {slot: None, "unknown_criteria": unknown, "failed_attempts": 0}
        if value is not None:
            return {slot: value, "failed_attempts": 0, **implied_by(slot, value, tracker)}
        if digression:
            return {}  # no answer, but a known question or remark: the rules answer it
        failures = int(tracker.get_slot("failed_attempts") or 0) + 1
        if failures >= 2:
            dispatcher.utter_message(response="utter_skip_question")
            unknown = list(tracker.get_slot("unknown_criteria") or [])
            if slot not in unknown:
                unknown.append(slot)
            return {slot: None, "unknown_criteria": unknown, "failed_attempts": 0}
        dispatcher.utter_message(response="utter_not_understood_answer")
        return {slot: None, "failed_attempts": failures}


def _pass_through(slot: str):
    async def validate(self, value, dispatcher, tracker, domain):
        return {slot: value}

    validate.__name__ = f"validate_{slot}"
    return validate


for _slot in QUALIFICATION_SLOTS:
    setattr(ValidateQualificationForm, f"validate_{_slot}", _pass_through(_slot))


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
    norm = extract.normalize(text)
    for field_name, words in FIELD_WORDS.items():
        if any(w.replace("-", "") in norm.replace("-", "") for w in words):
            return field_name
    return None


class ValidateContactForm(_FormValidation):
    """Consent first; then name, company, email (validated), phone (optional, E.164), preferred time, summary."""

    def name(self) -> str:
        return "validate_contact_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        if tracker.get_slot("consent") is False:
            return ["consent"]  # no consent: ask nothing personal, the form ends
        return domain_slots

    def _answer(self, tracker: Tracker, slot: str) -> tuple[str, str | None] | None:
        """(text, choice) when the latest message answers ``slot``; None for digressions/other slots."""
        if tracker.active_loop_name != "contact_form" or tracker.get_slot("requested_slot") != slot:
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
            value = extract.parse_yes_no(text)
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
        if choice == "none" or extract.normalize(text) in ("privat", "keine", "keins", "-", "ich frage privat an"):
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
        norm = extract.normalize(text)
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
        norm = extract.normalize(text)
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
        if tracker.active_loop_name != "contact_form" or tracker.get_slot("requested_slot") != "contact_confirmed":
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
        value = True if choice in CHOICE_YES else extract.parse_yes_no(text)
        if value is None and intent == "affirm":
            value = True
        if value is True:
            return {"contact_confirmed": True}
        dispatcher.utter_message(response="utter_ask_correct_which")
        return {"contact_confirmed": None}


for _slot in ("consent", *CONTACT_FIELDS, "contact_confirmed"):
    setattr(ValidateContactForm, f"validate_{_slot}", _pass_through(_slot))


def _strip_lead_in(text: str, lead_ins: tuple[str, ...]) -> str:
    stripped = text.strip()
    lowered = stripped.lower()
    for lead_in in lead_ins:
        if lowered.startswith(lead_in):
            return stripped[len(lead_in):].strip(" :,.!")
    return stripped.strip(" .!")
