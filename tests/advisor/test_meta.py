"""Questions about the conversation itself (advisor.german.meta) and how the router sends them to ``explain``."""
from __future__ import annotations

import pytest

from advisor.german.meta import meta_question
from advisor.german.opening import route


@pytest.mark.parametrize("text,kind", [
    ("Wieviele Fragen sind es denn noch?", "progress"),
    ("dauert das hier noch lange", "progress"),
    ("sind wir bald fertig?", "progress"),
    ("wann krieg ich denn meine Empfehlung", "progress"),
    ("Können Sie bitte auf den Punkt kommen?", "impatient"),
    ("Das sind mir zu viele Fragen", "impatient"),
    ("geht das auch etwas schneller?", "impatient"),
    ("Ich hab echt wenig Zeit", "impatient"),
    # about the offer, not about this chat
    ("Wie lange dauert denn so ein Workshop?", None),
    ("Wir haben keine Zeit für zwei Tage Seminar", None),
    ("Wie lange dauert das Erstgespräch?", None),
    # answers and other questions
    ("wir sind zu fünft", None),
    ("Haben Sie noch Fragen an mich?", None),
    ("", None),
    ('/inform{"choice": "yes"}', None),
])
def test_meta_question(text, kind):
    assert meta_question(text) == kind


@pytest.mark.parametrize("intent,text,expected", [
    ("ask_seminar", "wieviele Fragen kommen noch?", "explain"),
    ("nlu_fallback", "kommen Sie mal zum Punkt", "explain"),
    ("inform", "geht das schneller", "explain"),
    # a command wins, and a message with facts is an answer
    ("cancel", "zu viele Fragen, ich breche ab", "cancel"),
    ("request_callback", "zu lange, rufen Sie mich lieber an", "request_callback"),
    ("inform", "wir sind zu dritt, wie viele Fragen kommen noch?", "inform"),
    ("ask_workshop", "Wie lange dauert ein Workshop?", "ask_workshop"),
])
def test_route_sends_meta_questions_to_explain(intent, text, expected):
    assert route(intent, text) == expected


@pytest.mark.parametrize(("intent", "text", "expected"), [
    ("nlu_fallback", "ok mach mal", "affirm"),
    ("out_of_scope", "jo, passt", "affirm"),
    ("nlu_fallback", "Nee, lass mal.", "deny"),
    ("thank", "Ja gerne, danke!", "affirm"),
    ("thank", "Nein danke", "deny"),
    # no clear yes/no, a question, or a real intent: the classifier's intent stays
    ("thank", "Danke schön", "thank"),
    ("nlu_fallback", "Ja, aber was kostet das?", "nlu_fallback"),
    ("greet", "Hallo, ja", "greet"),
    ("unsure", "ja, nein, weiß nicht", "unsure"),
    ("cancel", "ja, abbrechen", "cancel"),
    ("nlu_fallback", "Okay, ich überlege mir das nochmal in aller Ruhe", "nlu_fallback"),  # too long to be a bare yes
])
def test_route_reads_a_short_clear_yes_or_no_over_a_guess(intent, text, expected):
    assert route(intent, text) == expected


@pytest.mark.parametrize(("intent", "text", "expected"), [
    ("nlu_fallback", "Guten Tag, wir überlegen, ob wir mit Instagram anfangen. Was würden Sie empfehlen?",
     "request_recommendation"),
    ("greet", "Hallo! Unser Verein will mit Social Media loslegen – können Sie uns helfen?", "request_recommendation"),
    ("ask_question", "Ich möchte in die sozialen Medien einsteigen, welches Format passt?", "request_recommendation"),
    # no own start, no question of fit, or an intent of its own: unchanged
    ("nlu_fallback", "Was ist Instagram eigentlich?", "nlu_fallback"),
    ("greet", "Hallo, können Sie mir helfen?", "greet"),
    ("ask_price", "Wir wollen mit LinkedIn starten, was kostet ein passendes Seminar?", "ask_price"),
])
def test_route_sends_a_question_of_fit_for_the_own_start_to_the_recommendation(intent, text, expected):
    assert route(intent, text) == expected
