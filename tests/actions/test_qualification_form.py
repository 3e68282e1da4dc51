"""ValidateQualificationForm: typed slots from buttons and free German text, every fact of a message, unknowns,
misses, corrections, questions that apply only sometimes."""
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
        ("goals", "/inform", "inform", [{"entity": "choice", "value": "strategy"}], ["strategy"]),
        ("goals", "wir wollen eine Social Media Strategie entwickeln", "inform", [], ["strategy"]),
        ("goals", "Überblick, und dann gern konkrete nächste Schritte", "inform", [], ["overview", "next_steps"]),
        ("specific_approach", "eher nicht", "deny", [], False),
        ("specific_approach", "ja, gern auf unsere Branche zugeschnitten", "affirm", [], True),
        ("experience", "haben schon ein bisschen auf Facebook gepostet", "inform", [], "first_steps"),
        ("experience", "gar keine", "inform", [], "none"),
        ("attitude_formed", "nö", "deny", [], False),
        ("decision_made", "ja", "affirm", [], True),
        ("cross_functional", "/inform", "inform", [{"entity": "choice", "value": "yes"}], True),
        ("platform_knowledge", "Facebook nutzen wir alle privat", "inform", [], True),
        ("platform_knowledge", "nein", "deny", [], False),
        # negation has scope, and "nichts"/"niemand" are negations
        ("platform_knowledge", "Nein, ehrlich gesagt kennt sich bei uns niemand mit Facebook oder Xing aus.",
         "deny", [], False),
        ("decision_made", "Nein, entschieden ist noch nichts.", "deny", [], False),
        # the text wins over an intent guess of "unsure"
        ("decision_made", "Nein, noch offen.", "unsure", [], False),
        ("specific_approach", "Nein, das ist jetzt noch kein Thema für uns.", "unsure", [], False),
        ("experience", "Ehrlich gesagt noch gar keine.", "unsure", [], "none"),
        ("need_recognised", "ja, da kommen wir nicht mehr drumherum", "affirm", [], True),
        ("strategy_exists", "nein, eine Strategie gibt es noch nicht", "deny", [], False),
        # "nobody" answers a yes/no question with no, whatever the intent guess
        ("strategy_exists", "niemand von uns", "inform", [], False),
        ("platform_knowledge", "bei uns keiner", "unsure", [], False),
        ("decision_made", "nee, niemand", "deny", [], False),
        ("broaden", "keiner von uns", "out_of_scope", [], False),
        ("multiple_functions", "Büro, Grafik und Text", "inform", [], True),
        ("strategy_parts", "/inform", "inform", [{"entity": "choice", "value": "all"}],
         ["business_integration", "goals", "resources"]),
        ("strategy_parts", "Ziele und ein Budget, mehr nicht", "inform", [], ["goals", "resources"]),
    ],
)
async def test_answers_become_typed_slots(requested, text, intent, entities, expected, dispatcher, domain):
    slots = {"participants": 3.0} if requested != "participants" else {}
    if requested == "strategy_parts":
        slots["strategy_exists"] = True
    tracker = make_tracker(text, intent, entities=entities, active_loop=FORM, requested_slot=requested,
                           slots=slots)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events[requested] == expected
    assert [m for m in responses(dispatcher) if not str(m).startswith("Notiert")] == []


async def test_single_person_skips_the_functional_areas_question(dispatcher, domain):
    tracker = make_tracker("nur ich", "inform", active_loop=FORM, requested_slot="participants")
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["participants"] == 1.0
    assert events["multiple_functions"] is False
    assert events["requested_slot"] == "goals"


@pytest.mark.parametrize("text,intent", [("jein", "unsure"), ("weiß ich nicht", "unsure")])
async def test_dont_know_marks_the_criterion_unknown_and_moves_on(text, intent, dispatcher, domain):
    tracker = make_tracker(text, intent, active_loop=FORM, requested_slot="attitude_formed",
                           slots={"participants": 3.0, "multiple_functions": True, "goals": ["overview"],
                                  "specific_approach": True, "experience": "first_steps", "broaden": False})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["unknown_criteria"] == ["attitude_formed"]
    assert events["requested_slot"] == "decision_made"


async def test_first_miss_reasks_second_miss_skips(dispatcher, domain):
    tracker = make_tracker("blubb", "nlu_fallback", 0.3, active_loop=FORM, requested_slot="goals",
                           slots={"participants": 2.0, "multiple_functions": True})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["failed_attempts"] == 1
    assert responses(dispatcher) == ["utter_not_understood_answer"]
    assert events["requested_slot"] == "goals"

    again = make_tracker("blubb", "nlu_fallback", 0.3, active_loop=FORM, requested_slot="goals",
                         slots={"participants": 2.0, "multiple_functions": True, "failed_attempts": 1})
    dispatcher.messages.clear()
    events = slot_events(await run_form(again, dispatcher, domain))
    assert responses(dispatcher) == ["utter_skip_question"]
    assert "goals" in events["unknown_criteria"]
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
        ("nein, Facebook kennen wir doch", "cross_functional", "platform_knowledge", True),
        ("Korrektur: wir haben doch schon erste Schritte gemacht", "cross_functional", "experience",
         "first_steps"),
    ],
)
async def test_corrections_of_earlier_answers(text, requested, slot, expected, dispatcher, domain):
    tracker = make_tracker(text, "inform", active_loop=FORM, requested_slot=requested,
                           slots={"participants": 3.0, "multiple_functions": True, "platform_knowledge": False,
                                  "goals": ["overview"], "specific_approach": True, "experience": "none"})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events[slot] == expected
    said = responses(dispatcher)
    assert len(said) == 1 and said[0].startswith("Danke, korrigiert:")  # says what changed; not a miss
    assert events.get(requested) is None  # the asked question is not answered by the correction


async def test_one_message_answers_every_question_it_can_and_says_what_it_noted(dispatcher, domain):
    text = ("Wir sind 4 Leute aus Marketing und Vertrieb, haben schon etwas auf LinkedIn gemacht und wollen "
            "jetzt eine Strategie")
    tracker = make_tracker(text, "inform", active_loop=FORM, requested_slot="participants")
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["participants"] == 4.0
    assert events["multiple_functions"] is True
    assert events["departments"] == ["Marketing", "Vertrieb"]
    assert events["goals"] == ["strategy"]
    assert events["experience"] == "first_steps"
    assert events["platform_knowledge"] is True
    assert "strategy_exists" not in events  # wanting a strategy is not having one
    assert events["requested_slot"] == "specific_approach"  # the next question nobody answered yet
    noted = [m for m in responses(dispatcher) if str(m).startswith("Notiert")]
    assert len(noted) == 1 and "4 Personen aus Marketing und Vertrieb" in noted[0]


async def test_restating_an_answer_is_no_correction(dispatcher, domain):
    tracker = make_tracker("Wir sind beide die Geschäftsführung, also eigentlich nein.", "deny",
                           active_loop=FORM, requested_slot="multiple_functions", slots={"participants": 2.0})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["multiple_functions"] is False
    assert not any(str(m).startswith("Danke, korrigiert") for m in responses(dispatcher))
    assert "participants" not in events


async def test_a_fact_in_passing_is_not_a_miss(dispatcher, domain):
    tracker = make_tracker("Übrigens haben wir schon Grundkenntnisse.", "inform", active_loop=FORM,
                           requested_slot="goals", slots={"participants": 2.0, "multiple_functions": True})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["experience"] == "basic"
    assert "utter_not_understood_answer" not in responses(dispatcher)
    assert events["requested_slot"] == "goals"


@pytest.mark.parametrize("experience,next_slot", [("first_steps", "broaden"), ("none", "attitude_formed"),
                                                   ("basic", "attitude_formed")])
async def test_broader_is_asked_only_after_first_steps(experience, next_slot, dispatcher, domain):
    tracker = make_tracker("/inform", "inform", entities=[{"entity": "choice", "value": experience}],
                           active_loop=FORM, requested_slot="experience",
                           slots={"participants": 2.0, "multiple_functions": True, "goals": ["overview"],
                                  "specific_approach": False})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["requested_slot"] == next_slot


@pytest.mark.parametrize("answer,next_slot", [("yes", "strategy_parts"), ("no", None), ("unknown", None)])
async def test_strategy_parts_only_when_there_is_a_strategy(answer, next_slot, dispatcher, domain):
    answered = {"participants": 2.0, "multiple_functions": True, "goals": ["overview"], "specific_approach": False,
                "experience": "basic", "attitude_formed": True, "decision_made": True, "need_recognised": True,
                "cross_functional": True, "platform_knowledge": True}
    tracker = make_tracker("/inform", "inform", entities=[{"entity": "choice", "value": answer}],
                           active_loop=FORM, requested_slot="strategy_exists", slots=answered)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["requested_slot"] == next_slot


async def test_the_opening_message_fills_what_it_states_when_the_form_starts(dispatcher, domain):
    tracker = make_tracker("Wir sind zu dritt aus dem Vertrieb und suchen das passende Format.",
                           "request_recommendation", active_loop=None, requested_slot=None)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["participants"] == 3.0
    assert events["departments"] == ["Vertrieb"]
    assert events["multiple_functions"] is False  # all three from one area
    assert events["requested_slot"] == "goals"


async def test_questions_that_cannot_change_the_format_are_not_asked_and_that_is_said(dispatcher, domain):
    answered = {"participants": 5.0, "multiple_functions": True, "goals": ["strategy", "next_steps"],
                "specific_approach": True}
    tracker = make_tracker("/inform", "inform", entities=[{"entity": "choice", "value": "basic"}],
                           active_loop=FORM, requested_slot="experience", slots=answered)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["experience"] == "basic"
    assert events["settled_early"] is True
    assert "utter_format_settled" in responses(dispatcher)
    # decision, need, cross-functional can no longer flip a workshop; attitude (phase basics) still comes
    assert events["requested_slot"] == "attitude_formed"
    later = make_tracker("ja", "affirm", active_loop=FORM, requested_slot="attitude_formed",
                         slots={**answered, "experience": "basic", "settled_early": True})
    dispatcher.messages.clear()
    events = slot_events(await run_form(later, dispatcher, domain))
    assert events["requested_slot"] == "platform_knowledge"
    assert "utter_format_settled" not in responses(dispatcher)


async def test_an_open_outcome_asks_on(dispatcher, domain):
    answered = {"participants": 2.0, "multiple_functions": False, "goals": ["overview"]}
    tracker = make_tracker("/inform", "inform", entities=[{"entity": "choice", "value": "yes"}],
                           active_loop=FORM, requested_slot="specific_approach", slots=answered)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert "settled_early" not in events
    assert events["requested_slot"] == "experience"


async def test_the_opening_message_is_read_when_rasa_validates_it_with_the_loop_already_active(dispatcher, domain):
    tracker = make_tracker("Hallo! Wir sind zu dritt aus dem Vertrieb. Welches Format passt?",
                           "request_recommendation", active_loop=FORM, requested_slot=None)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["participants"] == 3.0
    assert events["requested_slot"] == "goals"


async def test_a_fact_with_what_fits_inside_the_form_is_read_not_dropped(dispatcher, domain):
    tracker = make_tracker("Wir haben doch noch gar keine Strategie, passt das dann überhaupt?",
                           "request_recommendation", active_loop=FORM, requested_slot="goals",
                           slots={"participants": 5.0, "multiple_functions": True, "strategy_exists": False})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["requested_slot"] == "goals"  # the form goes on with its question
    assert "Das hatten Sie schon gesagt – ist notiert, danke." in responses(dispatcher)


@pytest.mark.parametrize("text,slots,shows", [
    # participants 6 asked next: every question still open counts (7 of 13 apply without later answers)
    ("wie viele Fragen kommen denn noch??", {}, "Es sind noch etwa"),
    ("Kommen Sie zum Punkt", {}, "ich halte es kurz"),
    # one question left
    ("wie viele noch?", "last", "nur noch diese eine Frage"),
])
async def test_explain_answers_how_many_questions_are_left(text, slots, shows, dispatcher, domain):
    from actions.actions import ActionExplain
    from actions.forms import qualification_questions

    required = domain["forms"][FORM]["required_slots"]
    if slots == "last":
        answered = {"participants": 1.0, "goals": ["overview"], "specific_approach": False, "experience": "none",
                    "attitude_formed": False, "decision_made": False, "need_recognised": True,
                    "cross_functional": False, "platform_knowledge": False}
        tracker = make_tracker(text, "explain", active_loop=FORM, requested_slot="strategy_exists", slots=answered)
        assert qualification_questions(tracker, required)[-1] == "strategy_exists"
    else:
        tracker = make_tracker(text, "explain", active_loop=FORM, requested_slot="participants", slots=slots)
    await ActionExplain().run(dispatcher, tracker, domain)
    (reply,) = responses(dispatcher)
    assert shows in reply
    if slots != "last":
        open_count = sum(1 for s in qualification_questions(tracker, required) if tracker.get_slot(s) is None)
        assert f"etwa {open_count} kurze Fragen" in reply and open_count > 3


# -- a changed earlier answer without a correction word is confirmed, never stored from the text alone --------
CONFIRM_BASE = {"participants": 3.0, "multiple_functions": True, "goals": ["overview"], "specific_approach": True,
                "experience": "none", "platform_knowledge": False}


async def test_a_contradiction_without_correction_word_is_asked_not_stored(dispatcher, domain):
    tracker = make_tracker("Also Facebook nutzen wir alle privat.", "inform", active_loop=FORM,
                           requested_slot="attitude_formed", slots=CONFIRM_BASE)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert "platform_knowledge" not in events  # the earlier answer stays
    assert events["pending_fact"] == {"name": "platform_knowledge", "value": True}
    assert events["confirm_question"] == ("Habe ich richtig verstanden: Anwenderkenntnisse sind da? "
                                          "Bisher hatte ich notiert: keine Anwenderkenntnisse.")
    assert events["requested_slot"] == "fact_confirmation"
    assert not any("nicht verstanden" in str(m) for m in responses(dispatcher))  # no miss


@pytest.mark.parametrize(
    "text,entities,stored,said",
    [
        ("/inform", [{"entity": "choice", "value": "yes"}], True, "Danke, korrigiert: Anwenderkenntnisse sind da."),
        ("ja genau", [], True, "Danke, korrigiert: Anwenderkenntnisse sind da."),
        ("/inform", [{"entity": "choice", "value": "no"}], None, "Gut, dann bleibt es bei Ihrer ersten Angabe."),
        ("nee, stimmt so nicht", [], None, "Gut, dann bleibt es bei Ihrer ersten Angabe."),
    ],
)
async def test_the_confirmation_stores_or_keeps_and_the_questions_go_on(text, entities, stored, said,
                                                                         dispatcher, domain):
    slots = {**CONFIRM_BASE, "pending_fact": {"name": "platform_knowledge", "value": True},
             "confirm_question": "Habe ich richtig verstanden: Anwenderkenntnisse sind da?"}
    tracker = make_tracker(text, "inform", entities=entities, active_loop=FORM, requested_slot="fact_confirmation",
                           slots=slots)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events.get("platform_knowledge") is stored
    assert events["pending_fact"] is None and events["confirm_question"] is None
    assert responses(dispatcher) == [said]
    assert events["requested_slot"] == "broaden" or events["requested_slot"] == "attitude_formed"


async def test_a_head_count_changed_in_passing_is_confirmed_with_both_numbers(dispatcher, domain):
    tracker = make_tracker("Wir wären dann fünf Personen.", "inform", active_loop=FORM,
                           requested_slot="specific_approach", slots=CONFIRM_BASE)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["confirm_question"] == ("Habe ich richtig verstanden: 5 Personen? "
                                          "Bisher hatte ich notiert: 3 Personen.")
    assert "participants" not in events


async def test_a_bare_yes_in_a_contradicting_message_does_not_answer_the_question(dispatcher, domain):
    tracker = make_tracker("Instagram privat schon", "inform", active_loop=FORM, requested_slot="strategy_exists",
                           slots=CONFIRM_BASE)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events.get("strategy_exists") is None  # "schon" belongs to the contradicted fact
    assert events["pending_fact"] == {"name": "platform_knowledge", "value": True}


# -- a fact read only from a weak cue is confirmed first, never stored silently ---------------------------------
async def test_an_unsure_answer_is_confirmed_not_stored_and_not_a_miss(dispatcher, domain):
    tracker = make_tracker("Das müssten wir intern erst noch einmal besprechen, ich glaube aber nicht.", "inform",
                           active_loop=FORM, requested_slot="decision_made", slots=CONFIRM_BASE)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events.get("decision_made") is None
    assert events["pending_fact"] == {"name": "decision_made", "value": False}
    assert events["confirm_question"].startswith("Habe ich richtig verstanden: ")
    assert "Bisher" not in events["confirm_question"]
    assert events["requested_slot"] == "fact_confirmation"
    assert not any("nicht verstanden" in str(m) for m in responses(dispatcher))


async def test_a_company_size_is_confirmed_before_it_counts_as_participants(dispatcher, domain):
    tracker = make_tracker("In unserer Werkstatt sind wir sechs Leute.", "inform", active_loop=FORM,
                           requested_slot="participants")
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events.get("participants") is None
    assert events["pending_fact"] == {"name": "participants", "value": 6}
    assert events["confirm_question"] == "Habe ich richtig verstanden: 6 Personen?"


@pytest.mark.parametrize(
    "text,entities,stored,said",
    [
        ("/inform", [{"entity": "choice", "value": "yes"}], False, "Notiert: noch nicht entschieden."),
        ("/inform", [{"entity": "choice", "value": "no"}], None,
         "Danke, dann habe ich das falsch verstanden und notiere es nicht."),
    ],
)
async def test_confirming_an_unsure_new_fact_notes_it_and_denying_asks_again(text, entities, stored, said,
                                                                            dispatcher, domain):
    slots = {**CONFIRM_BASE, "attitude_formed": True, "pending_fact": {"name": "decision_made", "value": False},
             "confirm_question": "Habe ich richtig verstanden: noch keine Entscheidung gefallen?"}
    tracker = make_tracker(text, "inform", entities=entities, active_loop=FORM, requested_slot="fact_confirmation",
                           slots=slots)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events.get("decision_made") is stored
    assert responses(dispatcher) == [said]
    assert events["requested_slot"] == ("need_recognised" if stored is False else "decision_made")


async def test_two_contradicted_answers_in_one_message_are_confirmed_with_one_question(dispatcher, domain):
    text = "Also Facebook nutzen wir alle privat, wir sind sechs Leute."
    tracker = make_tracker(text, "inform", active_loop=FORM, requested_slot="attitude_formed", slots=CONFIRM_BASE)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert "platform_knowledge" not in events and "participants" not in events  # nothing stored yet
    pending = events["pending_fact"]
    assert {pending["name"]: pending["value"], **pending["more"]} == {"participants": 6, "platform_knowledge": True}
    question = events["confirm_question"]
    assert question.startswith("Habe ich richtig verstanden: ")
    assert "6 Personen" in question and "Anwenderkenntnisse sind da" in question

    dispatcher.messages.clear()
    slots = {**CONFIRM_BASE, "pending_fact": pending, "confirm_question": question}
    tracker = make_tracker("ja, genau so", "affirm", active_loop=FORM, requested_slot="fact_confirmation",
                           slots=slots)
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["participants"] == 6 and events["platform_knowledge"] is True
    said = " ".join(str(m.get("text")) for m in dispatcher.messages)
    assert "6 Personen" in said and "Anwenderkenntnisse sind da" in said
