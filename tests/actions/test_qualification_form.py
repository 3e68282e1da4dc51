"""ValidateQualificationForm: typed slots from buttons and free German text, unknowns, misses, corrections."""
from __future__ import annotations

import pytest

from actions.forms import ValidateQualificationForm
from tests.support.trackers import make_tracker, responses, slot_events

FORM = "qualification_form"


async def run_form(tracker, dispatcher, domain):
    return await ValidateQualificationForm().run(dispatcher, tracker, domain)


@pytest.mark.parametrize(
    "requested,text,intent,entities,expected",
    [
        ("participants", "nur ich", "inform", [], 1.0),
        ("participants", "wir sind zu dritt", "inform", [], 3.0),
        ("participants", "fünf Leute aus Marketing und Vertrieb", "inform", [], 5.0),
        ("participants", "/inform", "inform", [{"entity": "choice", "value": "4"}], 4.0),
        ("multiple_functions", "Marketing und Vertrieb", "inform", [], True),
        ("multiple_functions", "nein, alle aus dem Vertrieb", "deny", [], False),
        ("focus", "/inform", "inform", [{"entity": "choice", "value": "strategy"}], "strategy"),
        ("focus", "wir wollen eine Social Media Strategie entwickeln", "inform", [], "strategy"),
        ("specific_approach", "eher nicht", "deny", [], False),
        ("specific_approach", "ja, gern auf unsere Branche zugeschnitten", "affirm", [], True),
        ("experience", "haben schon ein bisschen auf Facebook gepostet", "inform", [], "first_steps"),
        ("experience", "gar keine", "inform", [], "none"),
        ("attitude_formed", "nö", "deny", [], False),
        ("decision_made", "ja", "affirm", [], True),
        ("cross_functional", "/inform", "inform", [{"entity": "choice", "value": "yes"}], True),
        ("platform_knowledge", "Facebook nutzen wir alle privat", "inform", [], True),
        ("platform_knowledge", "nein", "deny", [], False),
    ],
)
async def test_answers_become_typed_slots(requested, text, intent, entities, expected, dispatcher, domain):
    tracker = make_tracker(text, intent, entities=entities, active_loop=FORM, requested_slot=requested,
                           slots={"participants": 3.0} if requested != "participants" else {})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events[requested] == expected
    assert dispatcher.messages == []


async def test_single_person_skips_the_functional_areas_question(dispatcher, domain):
    tracker = make_tracker("nur ich", "inform", active_loop=FORM, requested_slot="participants")
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["participants"] == 1.0
    assert events["multiple_functions"] is False
    assert events["requested_slot"] == "focus"


@pytest.mark.parametrize("text,intent", [("jein", "unsure"), ("weiß ich nicht", "unsure")])
async def test_dont_know_marks_the_criterion_unknown_and_moves_on(text, intent, dispatcher, domain):
    tracker = make_tracker(text, intent, active_loop=FORM, requested_slot="attitude_formed",
                           slots={"participants": 1.0, "multiple_functions": False, "focus": "overview",
                                  "specific_approach": False, "experience": "none"})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["unknown_criteria"] == ["attitude_formed"]
    assert events["requested_slot"] == "decision_made"


async def test_first_miss_reasks_second_miss_skips(dispatcher, domain):
    tracker = make_tracker("blubb", "nlu_fallback", 0.3, active_loop=FORM, requested_slot="focus",
                           slots={"participants": 2.0, "multiple_functions": True})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["failed_attempts"] == 1
    assert responses(dispatcher) == ["utter_not_understood_answer"]
    assert events["requested_slot"] == "focus"

    again = make_tracker("blubb", "nlu_fallback", 0.3, active_loop=FORM, requested_slot="focus",
                         slots={"participants": 2.0, "multiple_functions": True, "failed_attempts": 1})
    dispatcher.messages.clear()
    events = slot_events(await run_form(again, dispatcher, domain))
    assert responses(dispatcher) == ["utter_skip_question"]
    assert "focus" in events["unknown_criteria"]
    assert events["requested_slot"] == "specific_approach"


async def test_a_question_inside_the_form_fills_nothing_so_the_rules_answer_it(dispatcher, domain):
    tracker = make_tracker("Was kostet das?", "ask_price", active_loop=FORM, requested_slot="decision_made",
                           slots={"participants": 1.0})
    events = await run_form(tracker, dispatcher, domain)
    assert {k for k in slot_events(events) if k != "requested_slot"} == set()
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    "text,intent",
    [("nein, abbrechen", "cancel"), ("ich will lieber mit einem Menschen sprechen", "request_human"),
     ("Was ist eigentlich die Strategiephase?", "ask_phase_strategy")],
)
async def test_commands_and_questions_leave_the_answer_to_the_rules(text, intent, dispatcher, domain):
    tracker = make_tracker(text, intent, active_loop=FORM, requested_slot="decision_made",
                           slots={"participants": 1.0})
    events = await run_form(tracker, dispatcher, domain)
    assert {k for k in slot_events(events) if k != "requested_slot"} == set()


async def test_an_answer_wins_over_a_wrong_intent_guess(dispatcher, domain):
    tracker = make_tracker("Marketing und Vertrieb", "greet", active_loop=FORM,
                           requested_slot="multiple_functions", slots={"participants": 4.0})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["multiple_functions"] is True
    assert events["departments"] == ["Marketing", "Vertrieb"]


@pytest.mark.parametrize(
    "text,requested,slot,expected",
    [
        ("wir sind doch zu zehnt", "experience", "participants", 10.0),
        ("nein, Facebook kennen wir schon", "cross_functional", "platform_knowledge", True),
    ],
)
async def test_corrections_of_earlier_answers(text, requested, slot, expected, dispatcher, domain):
    tracker = make_tracker(text, "inform", active_loop=FORM, requested_slot=requested,
                           slots={"participants": 3.0, "multiple_functions": True, "platform_knowledge": False,
                                  "focus": "overview", "specific_approach": True})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events[slot] == expected
    assert responses(dispatcher) == ["utter_criteria_updated"]  # a correction is not a miss
    assert events.get(requested) is None  # the asked question is not answered by the correction
