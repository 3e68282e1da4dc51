"""Which way a message goes when it states facts about the prospect: into the qualification, or not.

An intent classifier trained on short examples reads "Hallo! Wir möchten Social Media breiter angehen und
suchen das passende Format." as a greeting and "Wir sind ein Team und wollen eine Strategie entwickeln. Passt
da ein Workshop?" as a question about workshops. A person hears a prospect who says where they stand and
wants to know what fits. ``route`` arbitrates: a message that states at least one criterion
(``advisor.german.facts``) becomes

* ``request_recommendation`` when it also asks what fits ("passt", "welches Format", "was empfehlen Sie",
  "können Sie uns helfen");
* ``request_callback`` when it asks to be called back (the facts are kept in the conversation);
* ``inform`` when the intent was only a guess that carries no question of its own (greeting, fallback,
  out of scope, a bare yes/no, thanks);

and every other intent stays (a price question with a head count is still a price question).

A message without facts that speaks of the prospect's own start in social media and asks what fits ("Wir
überlegen, mit Instagram anzufangen. Was würden Sie empfehlen?") asks for a recommendation too, when the
classifier only guessed (fallback, out of scope, a greeting, a general question).

A message without facts that asks about the conversation itself ("wie viele Fragen kommen noch?", "kommen
Sie zum Punkt": ``advisor.german.meta``) becomes ``explain`` unless the classifier heard a command
(cancel, call back, a human, deletion): inside a form its action says how many questions are left.

A short message without facts and without a question that clearly says yes or no ("ok mach mal", "jo,
passt", "nee, lass mal") becomes ``affirm`` / ``deny`` when the classifier only guessed (fallback, out of
scope, thanks): the yes/no words decide, not the classifier's closest example.

Pure Python: no Rasa import.
"""
from __future__ import annotations

from advisor.criteria import NAMES
from advisor.german.answers import _yes_no_signal
from advisor.german.facts import read_facts
from advisor.german.meta import meta_question
from advisor.german.text import _has, _phrases, tokenize

__all__ = ["route", "stated_criteria"]

# intents that carry no request of their own: the facts are the message
WEAK_INTENTS = frozenset({
    "greet", "nlu_fallback", "out_of_scope", "affirm", "deny", "thank", "unsure", "inform", "ask_question",
    "ask_capabilities",
})
# questions about the formats and the method: with facts and "what fits?" they ask for a recommendation
FORMAT_QUESTION_INTENTS = frozenset({
    "ask_seminar", "ask_workshop", "ask_seminar_workshop_difference", "ask_phase_strategy",
    "ask_phase_information", "ask_phase_model", "ask_early_starter", "ask_consultant", "ask_capabilities",
    "ask_question", "greet", "nlu_fallback", "out_of_scope", "inform", "request_recommendation", "faq",
})
_WHAT_FITS = _phrases(
    "passt", "passen", "passend*", "geeignet*", "eignet", "eignen", "empfehl*", "welches format",
    "welche* format*", "was ist besser", "besser geeignet", "das richtige", "richtige format", "helfen",
    "hilfe", "unterstuetz*", "anbieten", "angebot", "in frage", "infrage", "sinnvoll*", "raten",
    "ratschlag", "beraten", "sollten wir", "soll ich", "sollen wir", "fragen uns", "frage mich",
    "ueberlegen", "herausfinden", "klaeren", "suchen",
)


# what the prospect wants done wins over a remark about the questions ("zu viele Fragen, ich breche ab")
COMMAND_INTENTS = frozenset({
    "cancel", "request_human", "request_callback", "request_data_deletion", "action_delete_data", "goodbye",
})

_CALLBACK = _phrases("rueckruf*", "zurueckrufen", "zurueck rufen", "rufen sie mich", "ruf mich", "rufen mich",
                     "ruft mich", "anrufen", "meldet sich", "melden sie sich", "kontaktier*")


# guesses a clear yes or no overrides; "unsure", commands and questions keep their intent
YES_NO_OVERRIDABLE = frozenset({"nlu_fallback", "out_of_scope", "thank", "inform", "ask_question"})
MAX_YES_NO_TOKENS = 6


def _clear_yes_no(text: str) -> str | None:
    if "?" in text:
        return None
    tokens = [tok for tok in tokenize(text) if tok not in {",", ".", "!", ";", ":", "-"}]
    if not tokens or len(tokens) > MAX_YES_NO_TOKENS:
        return None
    value, found = _yes_no_signal(tokens)
    if not found or value is None:
        return None
    return "affirm" if value else "deny"


# the prospect speaks of their own start ("wir überlegen, ob wir mit Instagram anfangen")
_OWN_START = _phrases("wir", "uns", "unser*", "ich", "mein*", "mich")
_SOCIAL_TOPIC = _phrases("social media", "social-media", "soziale* medien", "soziale* netzwerk*", "plattform*",
                         "instagram", "insta", "facebook", "linkedin", "xing", "tiktok", "youtube", "twitter",
                         "pinterest", "kanal", "kanaele", "online-marketing", "onlinemarketing")
_START = _phrases("anfang*", "anzufangen", "einsteig*", "einzusteigen", "einstieg*", "start*", "beginn*",
                  "loslegen", "ueberleg*", "aufbauen", "aufzubauen", "angehen", "nutzen", "einsetzen")
GUESS_INTENTS = frozenset({"nlu_fallback", "out_of_scope", "greet", "ask_question", "inform"})


def _asks_fit_for_own_start(tokens: list[str]) -> bool:
    return _has(tokens, _WHAT_FITS) and _has(tokens, _OWN_START) and _has(tokens, _SOCIAL_TOPIC) \
        and _has(tokens, _START)


def stated_criteria(text: str) -> dict:
    """The criteria a message states by itself (no question asked), without contact data."""
    return {k: v for k, v in read_facts(text, None).items() if k in NAMES}


def route(intent: str, text: str) -> str:
    """The intent a message should be handled as (see module docstring)."""
    if not isinstance(text, str) or not text.strip() or text.lstrip().startswith("/"):
        return intent  # button payloads carry their own intent
    if not stated_criteria(text):
        if intent not in COMMAND_INTENTS and meta_question(text):
            return "explain"
        if intent in GUESS_INTENTS and _asks_fit_for_own_start(tokenize(text)):
            return "request_recommendation"
        if intent in YES_NO_OVERRIDABLE:
            return _clear_yes_no(text) or intent
        return intent
    tokens = tokenize(text)
    if _has(tokens, _CALLBACK) and intent in WEAK_INTENTS | FORMAT_QUESTION_INTENTS:
        return "request_callback"  # "… wir sind zu viert. Rufen Sie mich bitte zurück.": the wish comes first
    asks_fit = _has(tokens, _WHAT_FITS)
    if asks_fit and intent in FORMAT_QUESTION_INTENTS:
        return "request_recommendation"
    if intent in WEAK_INTENTS:
        return "inform"
    return intent
