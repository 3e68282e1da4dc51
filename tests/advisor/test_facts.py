"""advisor.german.facts / interpret: every fact of a message, negation scope, unknown from text only,
corrections only with a changed value and a correction word. Sentences written for this test (the held-out
set in tests/understanding is never used here)."""
from __future__ import annotations

import pytest

from advisor.german.facts import UNKNOWN, read_facts, read_graded
from advisor.german.interpret import confirmation_of, interpret_choice, read_message

U = UNKNOWN

# (text, asked, expected subset, fields that must NOT be present)
CASES = [
    # cross_functional: the areas where social media is to be anchored, not the participants' areas
    ("Das soll später in mehreren Abteilungen verankert werden.", "cross_functional",
     {"cross_functional": True}, ("multiple_functions",)),
    ("Ziel ist, dass es im gesamten Betrieb genutzt wird.", "cross_functional", {"cross_functional": True}, ()),
    ("Einkauf, Technik und Kundendienst sollen da alle mitziehen.", "cross_functional",
     {"cross_functional": True}, ()),
    ("Das soll nicht beim Marketing bleiben, die IT soll auch ran.", "cross_functional",
     {"cross_functional": True}, ()),
    ("Eigentlich nur für den Verkauf.", "cross_functional", {"cross_functional": False}, ()),
    ("Wir wollen ein Konzept, das auch Einkauf und Personal einbindet.", None, {"cross_functional": True},
     ("multiple_functions", "departments")),
    ("Vielleicht Marketing und IT, mal sehen.", "cross_functional", {"cross_functional": U}, ()),
    # who takes part: an area named after a companion, a department is no company
    ("Meine Kollegin aus der Buchhaltung und ich wollen uns erst orientieren.", None, {"participants": 2},
     ("company",)),
    ("Der Leiter vom Vertrieb und ich möchten starten.", None, {"participants": 2}, ("company",)),
    ("Wir sind fünf Leute aus dem Verkauf und haben seit einem Jahr eine Facebook-Seite.", None,
     {"participants": 5, "multiple_functions": False, "departments": ["Vertrieb"]}, ()),
    # every area counts, so several everyday areas are several functional areas
    ("Büro, Grafik und Text.", "multiple_functions",
     {"multiple_functions": True, "departments": ["Verwaltung", "Grafik/Design", "Redaktion"]}, ()),
    ("Wir sind zu dritt: Buchhaltung, Empfang und Vertrieb.", "participants",
     {"participants": 3, "multiple_functions": True, "departments": ["Finanzen", "Empfang", "Vertrieb"]}, ()),
    ("Zwei aus der Technik und zwei vom Kundendienst.", "participants",
     {"participants": 4, "multiple_functions": True, "departments": ["Technik", "Kundenservice"]}, ()),
    # nobody active on the networks is no experience; "außer mir" means someone is
    ("Bei uns macht noch keiner was mit Social Media.", None, {"experience": "none"}, ()),
    ("Wir machen bisher nichts auf Instagram oder Facebook.", None, {"experience": "none"}, ()),
    ("Also niemand von uns, ehrlich.", "experience", {"experience": "none"}, ()),
    ("Außer mir ist keiner auf Xing aktiv.", "platform_knowledge", {"platform_knowledge": True}, ("experience",)),
    ("Ein paar Gehversuche auf Instagram gab es schon.", None, {"experience": "first_steps"}, ()),
    # support from the top is a recognised need when that is asked, not a decision
    ("Unser Chef steht da voll dahinter.", "need_recognised", {"need_recognised": True}, ()),
    ("Der Vorstand steht nicht dahinter.", "need_recognised", {"need_recognised": False}, ()),
    # negation has scope: a platform named under "niemand"/"keiner" is no knowledge
    ("Nein, ehrlich gesagt kennt sich bei uns niemand mit Facebook oder Xing aus.", "platform_knowledge",
     {"platform_knowledge": False}, ()),
    ("Keiner von uns ist auf LinkedIn unterwegs.", "platform_knowledge", {"platform_knowledge": False}, ()),
    ("Instagram nutzen wir privat schon, Xing nicht.", "platform_knowledge", {"platform_knowledge": True}, ()),
    ("Anwenderkenntnisse haben wir leider nicht.", "platform_knowledge", {"platform_knowledge": False}, ()),
    ("Die Anwenderkenntnisse haben wir aber nicht. Passt dann eher ein Seminar?", None,
     {"platform_knowledge": False}, ()),
    # "nichts" / "noch offen" for a state: not reached
    ("Nein, entschieden ist noch nichts.", "decision_made", {"decision_made": False}, ()),
    ("Das ist bei uns noch offen.", "decision_made", {"decision_made": False}, ()),
    ("Nein, noch offen.", "decision_made", {"decision_made": False}, ()),
    ("Beschlossen ist es, wir machen das.", "decision_made", {"decision_made": True}, ()),
    ("Die Chefin entscheidet das erst im Frühjahr.", "decision_made", {"decision_made": False}, ()),
    # unknown only from the words
    ("Puh, das kann ich nicht sagen.", "attitude_formed", {"attitude_formed": U}, ()),
    ("jein", "cross_functional", {"cross_functional": U}, ()),
    ("Weiß ich ehrlich gesagt nicht.", "strategy_exists", {"strategy_exists": U}, ()),
    # experience
    ("Ehrlich gesagt noch gar keine.", "experience", {"experience": "none"}, ()),
    ("Wir haben ein bisschen auf Instagram rumprobiert.", "experience", {"experience": "first_steps"}, ()),
    ("Grundkenntnisse sind vorhanden, wir posten regelmäßig.", "experience", {"experience": "basic"}, ()),
    # wishes: "noch kein Thema" is a no
    ("Nein, das ist jetzt noch kein Thema für uns.", "specific_approach", {"specific_approach": False}, ()),
    ("Gern auf unsere Branche zugeschnitten, wir sind ein Pflegedienst.", "specific_approach",
     {"specific_approach": True}, ()),
    ("Ein allgemeiner Überblick reicht erstmal.", "specific_approach", {"specific_approach": False}, ()),
    # several facts in one message
    ("Wir sind zu dritt, aus Marketing und Vertrieb.", "participants",
     {"participants": 3, "multiple_functions": True, "departments": ["Marketing", "Vertrieb"]}, ()),
    ("Wir sind 4 Leute aus Marketing und Vertrieb, haben schon etwas auf LinkedIn gemacht und wollen jetzt "
     "eine Strategie", "participants",
     {"participants": 4, "multiple_functions": True, "experience": "first_steps", "platform_knowledge": True,
      "goals": ["strategy"]}, ("strategy_exists",)),
    ("Nur ich, aus der Geschäftsführung.", "participants", {"participants": 1, "multiple_functions": False}, ()),
    ("Meine Kollegin und ich fragen uns, ob Social Media für unsere Kanzlei überhaupt relevant ist.", None,
     {"participants": 2, "goals": ["relevance"]}, ()),  # an opening introduces who wants to start
    ("Wir wollen einen Überblick und danach konkrete nächste Schritte.", "goals",
     {"goals": ["overview", "next_steps"]}, ()),
    # strategy: a goal is not an existing strategy; parts are read with negation
    ("Wir möchten eine Social-Media-Strategie für unser Büro entwickeln.", None, {"goals": ["strategy"]},
     ("strategy_exists",)),
    ("Eine Strategie haben wir, mit Zielen und Budget, aber ohne Anbindung an den Vertrieb.", "strategy_exists",
     {"strategy_exists": True, "strategy_parts": ["goals", "resources"]}, ()),
    ("Nein, eine Strategie gibt es noch nicht.", "strategy_exists", {"strategy_exists": False},
     ("strategy_parts",)),
    ("Nichts davon.", "strategy_parts", {"strategy_parts": []}, ()),
    # attitude: negative views are views
    ("Unser Chef hält das für Zeitverschwendung.", "attitude_formed", {"attitude_formed": True}, ()),
    ("Eine Meinung dazu haben wir noch nicht.", "attitude_formed", {"attitude_formed": False}, ()),
    # need vs decision are different facts
    ("Dass wir uns damit befassen müssen, ist klar – entschieden ist aber nichts.", None,
     {"decision_made": False}, ()),
    ("Uns ist klar, dass wir da nicht mehr drumherum kommen.", "need_recognised", {"need_recognised": True},
     ()),
    # cross-functional
    ("Nur im Marketing, das reicht.", "cross_functional", {"cross_functional": False}, ()),
    ("Ja, abteilungsübergreifend im ganzen Haus.", "cross_functional", {"cross_functional": True}, ()),
    ("Nicht nur im Marketing, sondern im ganzen Unternehmen.", "cross_functional",
     {"cross_functional": True}, ()),
    # broaden
    ("Ja, jetzt wollen wir das breiter aufstellen.", "broaden", {"broaden": True}, ()),
    ("Erst einmal nicht, wir bleiben klein.", "broaden", {"broaden": False}, ()),
    # bare answers count only for the asked field
    ("ja", "decision_made", {"decision_made": True}, ("attitude_formed", "need_recognised")),
    ("nee", "need_recognised", {"need_recognised": False}, ("decision_made",)),
    ("ja", None, {}, ("decision_made", "need_recognised", "platform_knowledge")),
    # no facts at all
    ("Können Sie mir das genauer erklären?", "participants", {}, ("participants",)),
    ("", "participants", {}, ("participants",)),
]


@pytest.mark.parametrize("text,asked,expected,absent", CASES)
def test_read_facts(text, asked, expected, absent):
    facts = read_facts(text, asked)
    for name, value in expected.items():
        assert name in facts, (name, facts)
        got = facts[name]
        if isinstance(value, list):
            assert sorted(got) == sorted(value), (name, facts)
        else:
            assert got == value or got is value, (name, facts)
    for name in absent:
        assert name not in facts, (name, facts)
    if not expected:
        assert not {k: v for k, v in facts.items() if k in ("participants", "decision_made")}


def test_a_company_size_is_not_a_participant_count():
    facts = read_facts("Wir sind eine Kanzlei mit 15 Mitarbeitern, teilnehmen würden aber nur die beiden Partner.",
                       "participants")
    assert facts.get("participants") == 2


# -- read_message: answers, added facts, corrections ----------------------------------------------------------
def test_facts_in_passing_fill_open_criteria_only():
    reading = read_message("Wir sind übrigens zu fünft und haben schon Grundkenntnisse.", "goals", None,
                           {"participants": None, "experience": None})
    assert reading.answer is None
    assert reading.added == {"participants": 5, "experience": "basic"} or \
        {k: reading.added[k] for k in ("participants", "experience")} == {"participants": 5, "experience": "basic"}
    assert reading.corrected == {}


def test_restating_an_answer_is_no_correction():
    reading = read_message("Wir sind beide die Geschäftsführung, also eigentlich nein.", "multiple_functions",
                           None, {"participants": 2.0})
    assert reading.corrected == {}
    assert reading.answer is False


def test_eigentlich_alone_does_not_correct_a_different_value():
    reading = read_message("Eigentlich sind wir zu dritt, kommen aber alle aus dem Vertrieb.", "multiple_functions",
                           None, {"participants": 4.0})
    assert "participants" not in reading.corrected
    assert reading.answer is False


def test_an_explicit_correction_changes_the_value_and_the_bare_no_belongs_to_it():
    reading = read_message("Nein, Facebook kennen wir doch, privat.", "decision_made", None,
                           {"platform_knowledge": False})
    assert reading.corrected == {"platform_knowledge": True}
    assert reading.answer is None


def test_correction_of_the_head_count():
    reading = read_message("Korrektur: wir sind doch zu zehnt.", "goals", None, {"participants": 4.0})
    assert reading.corrected["participants"] == 10


@pytest.mark.parametrize(("text", "corrected"), [
    ("Moment, wir sind doch fünf.", 5),            # a count without a count noun, "doch" marks the change
    ("Ach nee, wir sind doch nur drei.", 3),
    ("Fünf Personen sind wir, nicht vier.", 5),     # "X, nicht Y" sets the new value against the old one
    ("Wir sind 3, nicht mehr 4.", 3),
])
def test_head_count_corrections_while_another_question_is_asked(text, corrected):
    reading = read_message(text, "goals", None, {"participants": 4.0, "multiple_functions": True})
    assert reading.corrected.get("participants") == corrected
    assert reading.answer is None  # the goals are asked again, not skipped


@pytest.mark.parametrize("text", ["Wir sind 20 Jahre am Markt.", "Wir sind gespannt, nicht wahr?",
                                  "Wir sind seit 2019 auf Instagram."])
def test_we_are_with_a_number_of_something_else_is_no_head_count(text):
    reading = read_message(text, "goals", None, {"participants": 4.0})
    assert "participants" not in {**reading.corrected, **reading.contradicted, **reading.added}


def test_a_head_count_without_a_correction_word_is_confirmed_not_stored():
    reading = read_message("Wir sind drei und wollen einen Überblick.", "goals", None, {"participants": 4.0})
    assert reading.contradicted == {"participants": 3} and reading.corrected == {}


def test_unknown_in_passing_is_noted_as_unknown():
    reading = read_message("Ob wir eine Strategie haben, weiß ich gar nicht.", "participants", None,
                           {"strategy_exists": None})
    assert reading.added.get("strategy_exists") is UNKNOWN


@pytest.mark.parametrize("slot,choice,expected", [
    ("participants", "4", 4.0), ("participants", "0", None), ("goals", "strategy", ["strategy"]),
    ("goals", "nonsense", None), ("strategy_parts", "all", ["business_integration", "goals", "resources"]),
    ("strategy_parts", "none", []), ("experience", "basic", "basic"), ("decision_made", "yes", True),
    ("decision_made", "no", False), ("broaden", "unknown", UNKNOWN),
])
def test_button_choices(slot, choice, expected):
    assert interpret_choice(slot, choice) == expected or interpret_choice(slot, choice) is expected


def test_denying_what_the_question_takes_for_granted_corrects_it():
    reading = read_message("Nein, eine Strategie haben wir doch noch gar nicht.", "strategy_parts", None,
                           {"strategy_exists": True})
    assert reading.corrected == {"strategy_exists": False}
    assert reading.answer is None
    plain = read_message("Ziele und Budget, mehr nicht.", "strategy_parts", None, {"strategy_exists": True})
    assert plain.corrected == {} and sorted(plain.answer) == ["goals", "resources"]


# -- a bare answer to a yes/no question: every form of "no" is a clean no, "unsure" only from words -------------
YES_NO_QUESTIONS = ("multiple_functions", "specific_approach", "broaden", "attitude_formed", "decision_made",
                    "need_recognised", "cross_functional", "platform_knowledge", "strategy_exists")
BARE_NO = ["Niemand von uns.", "keiner von uns", "Bei uns keiner.", "nee, niemand", "Niemand hier.",
           "Von uns keiner, leider.", "Nö, gar nicht.", "Fehlanzeige.", "ned", "haben wir nicht",
           "niemand so richtig", "Nee, doch nicht.", "ganz und gar nicht"]
BARE_UNSURE = ["Unklar.", "weiß nicht", "Da bin ich überfragt.", "Keinen Plan, ehrlich.", "null Ahnung"]
BARE_YES = ["Jawoll.", "Doch, schon.", "Ja, klar."]


@pytest.mark.parametrize("asked", YES_NO_QUESTIONS)
@pytest.mark.parametrize(("text", "expected"), [*((t, False) for t in BARE_NO), *((t, U) for t in BARE_UNSURE),
                                                *((t, True) for t in BARE_YES)])
def test_a_bare_answer_to_a_yes_no_question_is_three_way(asked, text, expected):
    assert read_facts(text, asked).get(asked) is expected
    assert read_message(text, asked, None, {}).answer is expected


@pytest.mark.parametrize("text", ["Ja, aber nein.", "Naja.", "Haben wir, also nicht ganz, doch."])
def test_a_contradictory_or_empty_answer_is_not_unknown(text):
    assert read_facts(text, "strategy_exists").get("strategy_exists") is not U


# -- two tiers: sure facts are stored, facts from a weak cue only are confirmed first ----------------------------
@pytest.mark.parametrize(("text", "asked", "sure", "unsure"), [
    # a bare answer or one that starts with yes/no is sure
    ("Nein.", "decision_made", {"decision_made": False}, {}),
    ("Nein. Wir probieren seit einem Jahr auf Instagram herum.", "strategy_exists", {"strategy_exists": False}, {}),
    # the polarity of a long message without a topic word or a yes/no is only a guess
    ("Das müssten wir intern erst noch einmal besprechen, ich glaube aber nicht.", "decision_made", {},
     {"decision_made": False}),
    ("Also unsere Leute sind da bisher nicht so wirklich dran interessiert gewesen.", "need_recognised", {},
     {"need_recognised": False}),
    # a topic word is sure, also in a long message
    ("Entschieden haben wir in der Geschäftsleitung noch gar nichts, das kommt erst im Herbst.", "decision_made",
     {"decision_made": False}, {}),
    # one known area among others: several or one?
    ("Marketing und noch ein paar andere Leute", "multiple_functions", {"departments": ["Marketing"]},
     {"multiple_functions": False}),
    # the size of the firm is not the group that takes part
    ("In unserer Kanzlei sind wir zu sechst.", None, {}, {"participants": 6}),
    ("Bei uns arbeiten zwölf Leute, mitmachen würden drei.", "participants", {"participants": 3}, {}),
])
def test_read_graded_separates_sure_from_unsure_facts(text, asked, sure, unsure):
    graded = read_graded(text, asked)
    assert {k: graded.sure[k] for k in sure if k in graded.sure} == sure
    assert graded.unsure == unsure
    assert not set(unsure) & set(read_facts(text, asked))


def test_an_unsure_fact_is_offered_for_confirmation_not_stored():
    reading = read_message("Das haben wir bisher nie groß besprochen im Haus.", "specific_approach", None, {})
    assert reading.answer is None and reading.changes == {}
    assert reading.unsure == {"specific_approach": False}
    assert confirmation_of(reading) == ("specific_approach", False)
    # a contradiction of an earlier answer is confirmed first
    both = read_message("Das haben wir bisher nie groß besprochen, Facebook nutzen wir aber privat.",
                        "specific_approach", None, {"platform_knowledge": False})
    assert confirmation_of(both) == ("platform_knowledge", True)


@pytest.mark.parametrize(("text", "asked", "expected", "absent"), [
    # an existing strategy is no goal; a missing part is not present
    ("Am liebsten gleich loslegen, eine Strategie haben wir ja schon.", "goals", {"goals": ["next_steps"]}, ()),
    ("Eigentlich nur grobe Ziele, Ressourcen und Prozesse fehlen noch.", "strategy_parts",
     {"strategy_parts": ["goals"]}, ()),
    ("Eine Strategie fehlt uns noch.", "strategy_exists", {"strategy_exists": False}, ()),
    # an account of one's own is platform knowledge
    ("Xing habe ich, aber da schaue ich nie rein.", "platform_knowledge", {"platform_knowledge": True}, ()),
    # the firm's size next to the group that takes part
    ("Wir sind eine Steuerkanzlei mit 12 Mitarbeitern. Meine Partnerin und ich wollen herausfinden, ob das "
     "relevant ist.", None, {"participants": 2, "goals": ["relevance"]}, ()),
])
def test_read_facts_more(text, asked, expected, absent):
    facts = read_facts(text, asked)
    for name, value in expected.items():
        assert facts.get(name) == value, (name, facts)
    assert not set(absent) & set(facts)


@pytest.mark.parametrize("text", ["so 3 bis 4 Leute", "zwischen 5 und 8", "vier oder fünf", "2-3 Personen"])
def test_a_range_of_head_counts_is_confirmed_not_stored(text):
    graded = read_graded(text, "participants")
    assert "participants" not in graded.sure and "participants" in graded.unsure


@pytest.mark.parametrize(("text", "asked"), [
    ("Meine Kollegin und ich fragen uns, ob Social Media für unsere Kanzlei überhaupt relevant ist.", None),
    ("In unserer Praxis sind wir acht Leute.", None),
    ("Für unseren Betrieb wäre das wohl eher was Kleines.", "participants"),
])
def test_the_kind_of_business_alone_is_no_company_name(text, asked):
    assert "company" not in read_facts(text, asked)
    assert read_facts("Wir sind die Kanzlei Meyer & Roth.", None)["company"] == "Kanzlei Meyer & Roth"


def test_one_persons_area_is_no_name_and_says_nothing_about_the_others():
    facts = read_facts("Hier ist Jana vom Marketing, wir sind zu dritt.", None)
    assert facts["participants"] == 3 and "multiple_functions" not in facts
    assert read_facts("Ich bin die Anna von der Buchhaltung.", "contact_name")["contact_name"] == "Anna"
    assert read_facts("Ursula von der Leyen", "contact_name")["contact_name"] == "Ursula von der Leyen"
    assert read_facts("Drei Leute, alle aus dem Vertrieb.", "participants")["multiple_functions"] is False


@pytest.mark.parametrize(("text", "asked", "expected"), [
    # a double negation cancels: "nicht dass wir keine …" says we do
    ("Nicht dass wir keine Ahnung von Facebook hätten, aber beruflich nutzen wir es nicht.", "platform_knowledge",
     True),
    ("Nicht, dass wir Instagram nicht kennen würden.", "platform_knowledge", True),
    ("Nicht dass ich wüsste.", "platform_knowledge", False),
    # "keine Ahnung von X" is no knowledge of X, "keine Ahnung" alone is "weiß nicht"
    ("Keine Ahnung von Facebook, ehrlich.", "platform_knowledge", False),
    ("keine Ahnung", "platform_knowledge", U),
    # a view counts, also a dismissive one
    ("Also der Chef hält das alles für Spielerei.", "attitude_formed", True),
    ("Der Chef will das, also ja, ist beschlossene Sache.", "decision_made", True),
])
def test_double_negation_and_idioms(text, asked, expected):
    assert read_facts(text, asked).get(asked) is expected


@pytest.mark.parametrize("text", [
    "Drei, das soll dann aber auch in Vertrieb und Service laufen.",
    "Zu zweit. Später soll das im ganzen Haus verankert werden, also auch Einkauf und Lager.",
])
def test_areas_where_social_media_is_to_be_anchored_are_not_the_participants_areas(text):
    facts = read_facts(text, "participants")
    assert "departments" not in facts and "multiple_functions" not in facts
    assert facts["cross_functional"] is True
    assert read_facts("Zwei, aus Einkauf und Lager.", "participants")["departments"] == ["Einkauf", "Logistik"]


def test_alone_and_a_group_in_one_area_in_an_opening():
    facts = read_facts("Ich suche ein Seminar für mich alleine, ich bin neu im Marketing.", None)
    assert facts["participants"] == 1 and facts["multiple_functions"] is False
    facts = read_facts("Wir sind drei Leute im Vertrieb und kennen LinkedIn nur privat.", None)
    assert facts["participants"] == 3 and facts["multiple_functions"] is False and facts["platform_knowledge"]


@pytest.mark.parametrize(("text", "asked", "expected"), [
    ("wir wären zu dritt, alles aus der Verwaltung", None, {"participants": 3, "multiple_functions": False}),
    ("LinkedIn und Insta machen wir seit Jahren", None, {"platform_knowledge": True}),
    ("Instagram bespielen wir schon", "goals", {"platform_knowledge": True}),
    ("erstmal einen Überblick bekommen", "multiple_functions", {"goals": ["overview"]}),
])
def test_facts_stated_in_everyday_words(text, asked, expected):
    facts = read_facts(text, asked)
    assert {k: facts.get(k) for k in expected} == expected


@pytest.mark.parametrize("text", ["Wir wollen mit Instagram was machen", "Mit LinkedIn würden wir gern anfangen"])
def test_a_wish_to_use_a_platform_is_no_knowledge_of_it(text):
    assert "platform_knowledge" not in read_facts(text, "goals")
