"""Form validation actions: thin adapters from Rasa's forms to the German reading code.

Every qualification slot has a custom mapping. For each user message the form reads the message once with
``advisor.german.interpret.read_message`` (a button's ``choice`` or the typed text, against the answers so
far) and fills:

* the asked criterion from the answer;
* every other criterion the message states and that is still open ("wir sind zu viert aus Marketing und
  Vertrieb" answers three questions at once): the form then says what it noted and asks only what is missing;
* explicit corrections of earlier answers ("wir sind doch zu zehnt") — a correction needs a changed value and
  a correction word, and it is confirmed ("Danke, das habe ich korrigiert").

Rules of the game:

* a message whose intent is a digression (a question about a phase, the price, "warum fragen Sie das?",
  "abbrechen", ...) fills nothing, so the form rejects and the rules answer it;
* an answer that cannot be understood is re-asked once with a hint; after the second miss the question is
  skipped ("klären wir im Gespräch") instead of looping;
* "weiß nicht" / "jein" (from the text, never from an intent guess) marks the criterion unknown: it is
  skipped and becomes an open question for the call;
* questions that can no longer change the format are not asked ("Ihre Antworten sind schon eindeutig");
  those the phase or the workshop prerequisite needs are;
* a criterion is asked only where it applies (the table's ``ask_if``: "breiter angehen?" only after first
  steps, the parts of a strategy only when there is one).
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

from actions import texts
from advisor import criteria as criteria_table
from advisor import german
from advisor.german.interpret import (
    ASKED_WITH,
    CHOICE_NO,
    CHOICE_YES,
    UNKNOWN,
    Reading,
    applicable,
    confirmations_of,
    implied_by,
    looks_like_question,
    read_message,
)
from advisor.payload import is_payload, valid_entities
from advisor.recommendation import BASICS_CRITERIA as PHASE_BASICS
from advisor.recommendation import Criteria, format_settled
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


# -- reading the latest message ---------------------------------------------------------------------------
def latest_intent(tracker: Tracker) -> tuple[str, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name") or "", float(intent.get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    """What the prospect typed; "" for a button payload ("/inform{…}"), which is never read as free text
    (only its checked entities count, see ``advisor.payload``)."""
    text = tracker.latest_message.get("text")
    return "" if not isinstance(text, str) or is_payload(text) else text


def latest_entities(tracker: Tracker) -> list[dict[str, Any]]:
    """The latest message's entities that pass their type and range check (anyone can send any payload)."""
    return valid_entities(tracker.latest_message.get("entities"))


def choice_of(tracker: Tracker) -> str | None:
    for entity in latest_entities(tracker):
        if entity["entity"] == "choice":
            return entity["value"]
    return None


def entity_values(tracker: Tracker, name: str) -> list[str]:
    return [str(e["value"]) for e in latest_entities(tracker) if e["entity"] == name]


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


def reading_of(tracker: Tracker, asked: str | None, *, volunteered: bool = False) -> Reading:
    """The latest message read against the answers so far (see ``advisor.german.interpret``)."""
    answers = {slot: tracker.get_slot(slot) for slot in (*QUALIFICATION_SLOTS, "departments")}
    unknown = set(tracker.get_slot("unknown_criteria") or [])
    if is_payload(tracker.latest_message.get("text")) and choice_of(tracker) is None:
        # a payload without a valid choice answers only through a checked entity named like the question
        stated = [e["value"] for e in latest_entities(tracker) if asked and e["entity"] == asked]
        return Reading(answer=stated[0] if stated else None)
    return read_message(latest_text(tracker), asked, choice_of(tracker), answers, unknown, volunteered=volunteered)


def corrections_from_message(tracker: Tracker) -> Reading:
    """The latest message outside the form: new facts, and changed values of earlier answers (a fact the
    prospect volunteers is meant as a correction)."""
    return reading_of(tracker, None, volunteered=True)


def slot_events(changes: dict[str, Any], unknown: list[str]) -> dict[str, Any]:
    """Slot values for ``changes``; "weiß nicht" answers go to ``unknown_criteria`` instead."""
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if value is UNKNOWN:
            if name not in unknown:
                unknown = [*unknown, name]
            values["unknown_criteria"] = unknown
        else:
            values[name] = value
    return values


# Slots the extract methods set besides the form's own (rasa-sdk would drop them otherwise).
BOOKKEEPING_SLOTS = {"unknown_criteria", "failed_attempts", "departments", "email_failures", "consent_at",
                     "settled_early", "pending_fact", "confirm_question", "fact_confirmation"}
# A changed earlier answer read without a correction word is confirmed before it is stored: the form asks
# CONFIRM_SLOT (utter_ask_fact_confirmation shows ``confirm_question`` with Ja/Nein) while ``pending_fact``
# holds {"name": criterion, "value": new value}.
CONFIRM_SLOT = "fact_confirmation"
# Criteria a message may fill besides the asked one (rasa-sdk keeps them because they are form slots).
FACT_SLOTS = (*QUALIFICATION_SLOTS, "departments")


def _pass_through(slot: str):
    async def validate(self, value, dispatcher, tracker, domain):
        return {slot: value}

    validate.__name__ = f"validate_{slot}"
    return validate


class _FormValidation(FormValidationAction):
    """Keeps bookkeeping slots and always names the next slot to ask explicitly."""

    SLOTS: tuple[str, ...] = ()
    """The form's slots; each gets a pass-through ``validate_<slot>`` (the extract methods validate)."""
    READS: frozenset[str] = frozenset()
    """Slots one reading of a message fills besides the asked one; kept even when the form no longer asks
    them (a fact stated for a question that is skipped)."""

    @abstractmethod
    def name(self) -> str:  # abstract, so rasa-sdk does not register this base class as an action
        ...

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # rasa-sdk looks up ``validate_<slot>`` by name: every slot of the form gets a pass-through one
        # (the extraction already validated the value) unless the class defines its own.
        super().__init_subclass__(**kwargs)
        for slot in cls.SLOTS:
            if not hasattr(cls, f"validate_{slot}"):
                setattr(cls, f"validate_{slot}", _pass_through(slot))

    async def get_validation_events(self, dispatcher, tracker, domain):
        events = await super().get_validation_events(dispatcher, tracker, domain)
        validated = {e["name"] for e in events}
        extra = {k: v for k, v in tracker.slots_to_validate().items()
                 if (k in BOOKKEEPING_SLOTS or k in self.READS) and k not in validated}
        return events + [SlotSet(k, v) for k, v in extra.items()]

    async def next_requested_slot(self, dispatcher, tracker, domain):
        if tracker.get_slot("pending_fact"):
            return SlotSet(REQUESTED_SLOT, CONFIRM_SLOT)
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        missing = (slot for slot in required if tracker.slots.get(slot) is None)
        return SlotSet(REQUESTED_SLOT, next(missing, None))


class ValidateQualificationForm(_FormValidation):
    """Asks the criteria of ``advisor.criteria`` in table order; see module docstring.

    rasa-sdk calls ``extract_<slot>`` for every slot of the form; the first call for a message reads it
    (``_read``) and returns everything the message fills, the others return nothing new.
    """

    SLOTS = criteria_table.NAMES
    READS = frozenset(FACT_SLOTS)

    def name(self) -> str:
        return "validate_qualification_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        # "weiß nicht" answers are skipped, and so is what does not apply (a single person is not asked
        # about functional areas; "breiter angehen?" only after first steps; strategy parts only with one)
        return qualification_questions(tracker, domain_slots)

    async def get_validation_events(self, dispatcher, tracker, domain):
        events = await super().get_validation_events(dispatcher, tracker, domain)
        if tracker.get_slot("settled_early"):
            return events
        answers = {slot: tracker.get_slot(slot) for slot in QUALIFICATION_SLOTS}
        for event in events:  # the answers of this message count already
            if event.get("name") in answers:
                answers[event["name"]] = event.get("value")
        if settled_questions(answers, set(tracker.get_slot("unknown_criteria") or [])):
            dispatcher.utter_message(response="utter_format_settled")
            events.append(SlotSet("settled_early", True))
        return events

    async def get_extraction_events(self, dispatcher, tracker, domain):
        # one reading per message fills every slot it can (rasa-sdk would call one method per slot)
        return [SlotSet(k, v) for k, v in self._read(dispatcher, tracker).items()]

    def _read(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        if tracker.active_loop_name not in (self.form_name(), None):
            return {}
        # the message that started the form ("…, was passt?"): Rasa validates it with or without the new
        # active loop, but never with a requested slot yet
        activating = tracker.active_loop_name is None or tracker.get_slot("requested_slot") is None
        # "…, passt das dann überhaupt?" inside the form asks what fits again: read it like an answer
        asks_again = latest_intent(tracker)[0] == "request_recommendation"
        if is_command(tracker) if activating or asks_again else leaves_form(tracker):
            return {}
        requested = None if activating else tracker.get_slot("requested_slot")
        digression = is_digression(tracker)
        if requested == CONFIRM_SLOT:
            confirmed = self._confirmed(dispatcher, tracker)
            if confirmed is not None:
                return confirmed
            requested = None  # neither yes nor no: the earlier answer stays, the message is read as it is
        reading = reading_of(tracker, requested)
        unknown = list(tracker.get_slot("unknown_criteria") or [])
        result = slot_events(reading.changes, unknown)
        unknown = result.get("unknown_criteria", unknown)
        if reading.corrected:
            dispatcher.utter_message(text=texts.corrected_facts(reading.corrected))
        added = {k: v for k, v in reading.added.items() if v is not UNKNOWN}
        if not set(added) - set(ASKED_WITH.get(requested or "", ())):
            added = {}  # only what belongs to the answer itself ("nur ich" -> one area): nothing to note
        if added and requested and reading.answer not in (None, UNKNOWN):
            added = {requested: reading.answer, **added}  # "Notiert: 4 Personen aus …" names the answer too
        summary = texts.noted_facts(added)
        if summary:
            dispatcher.utter_message(text=summary)
        result.update(self._ask_to_confirm(tracker, reading))
        if requested is None:
            return result
        value = reading.answer
        if value is UNKNOWN:
            return {**result, requested: None, "unknown_criteria": _append(unknown, requested),
                    "failed_attempts": 0}
        if value is not None:
            implied = implied_by(requested, value, tracker.get_slot("participants"))
            return {**implied, **result, requested: value, "failed_attempts": 0}
        if reading.changes or reading.contradicted or reading.unsure:
            return result  # the message said something else (or is confirmed first): no miss
        if reading.restated:
            dispatcher.utter_message(text=texts.ALREADY_KNOWN)  # "hab ich doch gesagt": no miss either
            return {**result, requested: None}
        if digression:
            return result
        failures = int(tracker.get_slot("failed_attempts") or 0) + 1
        if failures >= 2:
            dispatcher.utter_message(response="utter_skip_question")
            return {requested: None, "unknown_criteria": _append(unknown, requested), "failed_attempts": 0}
        dispatcher.utter_message(response="utter_not_understood_answer")
        return {requested: None, "failed_attempts": failures}


    @staticmethod
    def _ask_to_confirm(tracker: Tracker, reading: Reading) -> dict[str, Any]:
        """A changed earlier answer without a correction word: keep the old one and ask (never store a
        guess)."""
        pending = confirmations_of(reading)
        if not pending:
            return {"pending_fact": None, "confirm_question": None, CONFIRM_SLOT: None} \
                if tracker.get_slot("pending_fact") else {}
        (name, value), *more = pending.items()
        earlier = {n: tracker.get_slot(n) for n in pending if tracker.get_slot(n) is not None}
        question = texts.confirm_change(pending, earlier)
        fact: dict[str, Any] = {"name": name, "value": value}
        if more:
            fact["more"] = dict(more)  # several facts in one message: one question, one answer for all
        return {"pending_fact": fact, "confirm_question": question, CONFIRM_SLOT: None}

    @staticmethod
    def _confirmed(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any] | None:
        """The answer to "Habe ich richtig verstanden …?": Ja stores the pending value (and says so), Nein
        keeps the earlier answer; None when the message is neither."""
        pending = tracker.get_slot("pending_fact") or {}
        choice = choice_of(tracker)
        if choice in CHOICE_YES:
            yes = True
        elif choice in CHOICE_NO:
            yes = False
        else:
            yes = german.parse_yes_no(latest_text(tracker))
            yes = yes if isinstance(yes, bool) else None
        if yes is None:
            return None
        cleared = {"pending_fact": None, "confirm_question": None, CONFIRM_SLOT: None}
        facts = {pending.get("name"): pending.get("value"), **(pending.get("more") or {})}
        facts = {n: v for n, v in facts.items() if n in FACT_SLOTS}
        if not yes or not facts:
            earlier = any(tracker.get_slot(n) is not None for n in facts)
            dispatcher.utter_message(text=texts.KEPT_ANSWER if earlier else texts.NOT_TAKEN)
            return cleared
        implied = implied_by("participants", facts["participants"], tracker.get_slot("participants")) \
            if "participants" in facts else {}
        # an unsure new fact is noted, only a changed earlier answer is "korrigiert"
        changed = {n: v for n, v in facts.items() if tracker.get_slot(n) is not None}
        new = {n: v for n, v in facts.items() if n not in changed}
        for said, group in ((texts.corrected_facts, changed), (texts.noted_facts, new)):
            if group:
                dispatcher.utter_message(text=said(group))
        return {**implied, **cleared, **facts}


def qualification_questions(tracker: Tracker, domain_slots: list[str]) -> list[str]:
    """The qualification form's questions for this conversation, answered or not (``required_slots``)."""
    unknown = set(tracker.get_slot("unknown_criteria") or [])
    answers = {slot: tracker.get_slot(slot) for slot in QUALIFICATION_SLOTS}
    skipped = settled_questions(answers, unknown)
    return [s for s in domain_slots if s not in unknown and s not in skipped and applicable(s, answers)]


def remaining_questions(tracker: Tracker, domain: DomainDict) -> int | None:
    """How many questions the active form still asks, the current one included (None outside a form).
    An estimate for "wie viele Fragen noch?": a later answer can make a question apply or drop."""
    form = tracker.active_loop_name
    required = list((domain.get("forms") or {}).get(form or "", {}).get("required_slots") or [])
    if not required:
        return None
    if form == "qualification_form":
        required = qualification_questions(tracker, required)
    return sum(1 for slot in required if tracker.get_slot(slot) is None or slot == tracker.get_slot("requested_slot"))


def settled_questions(answers: dict[str, Any], unknown: set[str]) -> set[str]:
    """Scoring questions not asked any more because no answer to them could change the format
    (``advisor.recommendation.format_settled``). Questions the phase or the prerequisite needs are always
    asked."""
    open_scoring = {s for s in criteria_table.SCORING if answers.get(s) is None and s not in unknown
                    and s not in PHASE_BASICS}
    if not open_scoring or not format_settled(Criteria.from_slots(answers)):
        return set()
    return open_scoring


def _append(unknown: list[str], slot: str) -> list[str]:
    return unknown if slot in unknown else [*unknown, slot]


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

    def _with_extras(self, tracker: Tracker, slot: str, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` plus the other contact fields the same message states ("Max Muster, max@example.org,
        0171 2345678" answers three questions)."""
        if values.get(slot) is None:
            return values
        return {**contact_extras(tracker, latest_text(tracker), slot), **values}

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
            # partial or conditional consent ("speichern ja, weitergeben nein") gives no value: ask again
            value = german.read_contact(text, "consent").get("consent")
        if value is None and len(text) <= 25:
            value = german.parse_yes_no(text)
            if value is None and intent in ("affirm", "deny"):
                value = intent == "affirm"
        if value is None:
            dispatcher.utter_message(response="utter_not_understood_answer")
            return {"consent": None}
        from datetime import datetime, timezone

        result: dict[str, Any] = {"consent": value,
                                  "consent_at": datetime.now(timezone.utc).isoformat() if value else None}
        if value:
            result.update(contact_given_before(tracker))
        return result

    async def extract_contact_name(self, dispatcher, tracker, domain):
        answer = self._answer(tracker, "contact_name")
        if answer is None:
            return {}
        name = clean_text(_strip_lead_in(answer[0], ("ich heiße", "ich heisse", "mein name ist", "ich bin",
                                                     "hier ist", "name:")), 300)
        mixed = "@" in answer[0] or bool(re.search(r"\d{5}", answer[0]))  # more than a name in it
        read = german.read_contact(answer[0], "contact_name").get("contact_name") if mixed else None
        if read:
            name = clean_text(str(read), 300)
        elif mixed:
            name = ""  # an address or a number, but no name
        if not name:
            dispatcher.utter_message(response="utter_invalid_name")
            return {"contact_name": None}
        return self._with_extras(tracker, "contact_name", {"contact_name": name})

    async def extract_company(self, dispatcher, tracker, domain):
        answer = self._answer(tracker, "company")
        if answer is None:
            return {}
        text, choice = answer
        if choice == "none" or german.normalize(text) in ("privat", "keine", "keins", "-", "ich frage privat an"):
            return {"company": "–"}
        read = german.read_contact(text, "company").get("company")
        company = clean_text(str(read), 300) if read else clean_text(_strip_lead_in(
            text, ("wir sind die firma", "wir sind", "die firma", "firma", "unternehmen:", "ich arbeite bei",
                   "bei der", "bei")), 300)
        return self._with_extras(tracker, "company", {"company": company or "–"})

    async def extract_email(self, dispatcher, tracker, domain):
        answer = self._answer(tracker, "email")
        if answer is None:
            return {}
        text, _ = answer
        read = german.read_contact(text, "email").get("email")
        # typed addresses keep their local part as written; spelled-out ones ("anna punkt meyer at gmx punkt
        # de") come from the reader
        candidates = entity_values(tracker, "email") + [text] + text.split() + ([read] if read else [])
        for candidate in candidates:
            email = validate_email(candidate.strip(" <>.,;"))
            if email:
                return self._with_extras(tracker, "email", {"email": email, "email_failures": 0})
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
        refused = german.read_contact(text, "phone").get("no_phone") is True  # "Lieber keine Nummer"
        if choice == "none" or refused or (any(norm.startswith(w) for w in NO_VALUE_WORDS)
                                           and not re.search(r"\d{4}", text)):
            if no_email:
                dispatcher.utter_message(response="utter_need_email_or_phone")
                return {"phone": None}
            return {"phone": "–"}
        read = german.read_contact(text, "phone").get("phone")
        for candidate in ([read] if read else []) + entity_values(tracker, "phone") + [text]:
            phone = normalize_phone(candidate)
            if phone:
                return self._with_extras(tracker, "phone", {"phone": phone})
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



_CONTACT_FACTS = ("contact_name", "company", "email", "phone")


def contact_extras(tracker: Tracker, text: str, asked: str | None) -> dict[str, Any]:
    """Contact fields still empty that ``text`` states (never the one being asked)."""
    facts = german.read_contact(text, asked)
    extras: dict[str, Any] = {}
    for name in _CONTACT_FACTS:
        value = facts.get(name)
        if name == asked or not value or tracker.get_slot(name) not in (None, ""):
            continue
        if name == "email":
            value = validate_email(str(value))
        elif name == "phone":
            value = normalize_phone(str(value))
        else:
            value = clean_text(str(value), 300)
        if value:
            extras[name] = value
    if facts.get("no_phone") and asked != "phone" and tracker.get_slot("phone") is None \
            and (extras.get("email") or tracker.get_slot("email") not in (None, "–")):
        extras["phone"] = "–"
    return extras


def contact_given_before(tracker: Tracker) -> dict[str, Any]:
    """After consent: contact data the prospect typed earlier in this conversation ("Ich bin Jana Roth,
    0171 …" in the first message) fills the form, so nothing is asked twice. Read only now — before consent
    nothing personal is put into slots."""
    found: dict[str, Any] = {}
    for event in tracker.events:
        if event.get("event") == "session_started":
            found = {}
        if event.get("event") != "user" or not event.get("text") or is_payload(event["text"]):
            continue
        earlier = contact_extras(tracker, str(event["text"]), None)
        if len(str(earlier.get("company", "")).split()) < 2:
            earlier.pop("company", None)  # "unsere Kanzlei" in passing is no company name: ask for it
        found.update(earlier)
    latest = latest_text(tracker)
    found.update(contact_extras(tracker, latest, "consent"))
    return {k: v for k, v in found.items() if tracker.get_slot(k) in (None, "")}


def _strip_lead_in(text: str, lead_ins: tuple[str, ...]) -> str:
    stripped = text.strip()
    lowered = stripped.lower()
    for lead_in in lead_ins:
        if lowered.startswith(lead_in):
            return stripped[len(lead_in):].strip(" :,.!")
    return stripped.strip(" .!")
