"""How hot a lead is (advisor/interest.py): the signals table and the levels, table-driven."""
from __future__ import annotations

import pytest

from advisor.interest import BUYING_TOPICS, LEVELS, SIGNALS, Facts, asked_buying_topics, assess


@pytest.mark.parametrize(
    ("facts", "level", "points", "signals"),
    [
        (Facts(), "niedrig", 0, ()),
        (Facts(decision_made=False), "niedrig", -1, ("noch nichts entschieden",)),
        (Facts(need_recognised=True, format_clear=True), "mittel", 2, ("Bedarf erkannt", "Format klar")),
        (Facts(decision_made=True), "mittel", 2, ("Entscheidung für Social Media gefallen",)),
        (Facts(decision_made=True, need_recognised=True, format_clear=True), "hoch", 4,
         ("Entscheidung für Social Media gefallen", "Bedarf erkannt", "Format klar")),
        (Facts(decision_made=False, asked_topics=("price", "dates"), format_clear=True), "mittel", 2,
         ("fragt nach Preis, Termine", "Format klar", "noch nichts entschieden")),
        (Facts(decision_made=True, need_recognised=True, format_clear=True, asked_topics=("in_house",)), "hoch", 6,
         ("Entscheidung für Social Media gefallen", "fragt nach Inhouse", "Bedarf erkannt", "Format klar")),
    ],
)
def test_levels_follow_from_the_signals(facts, level, points, signals):
    interest = assess(facts)
    assert (interest.level, interest.points, interest.signals) == (level, points, signals)


def test_the_line_for_the_brief_names_level_and_signals():
    assert assess(Facts(decision_made=True, asked_topics=("price",))).text() == \
        "hoch – Entscheidung für Social Media gefallen; fragt nach Preis"
    assert assess(Facts()).text() == "niedrig – keine Signale"


def test_only_offer_questions_count_as_buying_interest_in_the_order_asked():
    entries = [
        {"kind": "question", "topics": ["ask_phase_model"]},
        {"kind": "question", "topics": ["dates", "price"]},
        {"kind": "objection", "topics": ["price"], "against": "workshop"},
        {"kind": "question", "topics": ["price", "funding"]},
        "not a mapping",
    ]
    assert asked_buying_topics(entries) == ("dates", "price", "funding")
    assert asked_buying_topics(None) == ()


def test_every_buying_topic_is_an_offer_topic():
    from advisor.offer import TOPICS

    assert set(BUYING_TOPICS) <= set(TOPICS)


def test_levels_are_ordered_from_the_top_and_cover_every_sum():
    bounds = [bound for bound, _ in LEVELS]
    assert bounds == sorted(bounds, reverse=True)
    lowest = sum(s.points for s in SIGNALS if s.points < 0)
    assert bounds[-1] <= lowest
