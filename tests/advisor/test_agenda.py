"""advisor.agenda: the proposed agenda in the brief follows the variant and works the phases bottom-up."""
from __future__ import annotations

import pytest

from advisor.agenda import agenda
from advisor.recommendation import Criteria, recommend

BASE = {"participants": 5, "multiple_functions": True, "goals": ["strategy"], "specific_approach": True,
        "experience": "basic", "attitude_formed": True, "decision_made": True, "need_recognised": True,
        "cross_functional": True, "platform_knowledge": True}
PHASE_WORDS = ("Informationsphase", "Strategiephase", "Operative Phase")


def phases_of(steps: list[str]) -> list[int]:
    return [i for step in steps for i, word in enumerate(PHASE_WORDS) if step.startswith(word)]


@pytest.mark.parametrize("answers,variant,phase,frame_has,steps_have,steps_lack", [
    # a single person at the start: open seminar, information phase, decision still to prepare
    ({"participants": 1, "goals": ["overview"], "specific_approach": False, "experience": "none",
      "attitude_formed": False, "decision_made": False, "need_recognised": False, "cross_functional": False,
      "platform_knowledge": True, "strategy_exists": False},
     "open_seminar", "information", "Offenes Seminar", ["Chancen und Risiken", "Entscheidung"], ["Operative Phase:"]),
    # a team without strategy: workshop, strategy phase, every part of the strategy to work out
    ({**BASE, "strategy_exists": False}, "workshop", "strategy", "5 Personen",
     ["POST-Methode", "Business Integration", "Ziele und Zielsysteme", "Ressourcen", "Ausblick: operative Phase"],
     ["Informationsphase:", "vorhandene Bausteine"]),
    # a strategy without business integration: the missing part first, the rest checked
    ({**BASE, "strategy_exists": True, "strategy_parts": ["goals", "resources"]}, "workshop", "strategy", "Workshop",
     ["Strategiephase: Business Integration", "vorhandene Bausteine prüfen (Ziele und Zielsysteme, Ressourcen)"],
     ["Strategiephase: Ressourcen"]),
    # a complete strategy: the operative phase, nothing before it
    ({**BASE, "strategy_exists": True, "strategy_parts": ["business_integration", "goals", "resources"]},
     "workshop", "operations", "Workshop", ["Enabling", "organisatorische Einbindung", "technische Umsetzung"],
     ["Informationsphase:", "Strategiephase:", "Ausblick"]),
    # the workshop's prerequisite missing: user knowledge first
    ({**BASE, "experience": "none", "platform_knowledge": False, "strategy_exists": False},
     "workshop_user_knowledge_first", "information", "vorab Anwenderkenntnisse", ["Plattformen, Tools"], []),
    # early starters work the process alongside their first steps
    ({**BASE, "experience": "first_steps", "broaden": True, "strategy_exists": False}, "workshop", "strategy",
     "Workshop", ["Parallel zu den laufenden ersten Aktivitäten"], []),
])
def test_agenda(answers, variant, phase, frame_has, steps_have, steps_lack):
    criteria = Criteria.from_slots(answers)
    result = recommend(criteria)
    assert (result.variant, result.phase) == (variant, phase)
    frame, steps = agenda(result, criteria)
    assert frame_has in frame
    text = "\n".join(steps)
    for phrase in steps_have:
        assert phrase in text
    for phrase in steps_lack:
        assert phrase not in text
    order = phases_of(steps)
    assert order == sorted(order), "bottom-up: no step of an earlier phase after a later one"
    assert order and order[0] == ("information", "strategy", "operations").index(phase)


def test_undecided_without_phase_says_so():
    criteria = Criteria.from_slots({})
    result = recommend(criteria)
    frame, steps = agenda(result, criteria)
    assert "Format noch offen" in frame
    assert any("bottom-up" in s for s in steps) or phases_of(steps)
