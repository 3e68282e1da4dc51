"""Table-driven tests of advisor/recommendation.py (the consultant's method as code)."""
from __future__ import annotations

import ast
import dataclasses
import math
import re
from pathlib import Path

import pytest
import yaml

from advisor import recommendation as rec
from advisor.recommendation import (
    DECISION_MARGIN,
    EARLY_STARTER_ADVICE,
    MIN_KNOWN_CRITERIA,
    OPEN_QUESTIONS,
    PHASE_RULES,
    PREREQUISITE_RULE_KEY,
    PREREQUISITE_TEXT,
    RULES,
    SCORING_CRITERIA,
    Criteria,
    Recommendation,
    recommend,
)

ROOT = Path(__file__).resolve().parents[2]
RULES_DOC = ROOT / "docs" / "recommendation-rules.md"

# Answers that are known but carry no points: they make a single criterion
# decisive without changing the score (see docs/recommendation-rules.md).
NEUTRAL = {"attitude_formed": True, "multiple_functions": False, "cross_functional": False}


def neutral(**answers: object) -> Criteria:
    return Criteria(**{**NEUTRAL, **answers})  # type: ignore[arg-type]


def rule_keys(result: Recommendation) -> list[str]:
    return [reason.rule for reason in result.reasons]


# ---------------------------------------------------------------------------
# Every seed criterion, both sides: the answer triggers its row, and alone
# (plus neutral answers) decides the format when its weight reaches the margin.
# ---------------------------------------------------------------------------

SEED_CRITERIA = [
    # (slot, answer, rule key, side)
    ("participants", 1, "single_person", "seminar"),
    ("specific_approach", False, "no_specific_approach", "seminar"),
    ("focus", "overview", "focus_overview", "seminar"),
    ("focus", "relevance", "focus_relevance", "seminar"),
    ("experience", "none", "no_competence", "seminar"),
    ("attitude_formed", False, "no_attitude", "seminar"),
    ("decision_made", False, "no_decision", "seminar"),
    ("participants", 5, "several_people", "workshop"),
    ("multiple_functions", True, "several_functions", "workshop"),
    ("specific_approach", True, "specific_approach", "workshop"),
    ("focus", "next_steps", "focus_next_steps", "workshop"),
    ("experience", "basic", "basic_competence", "workshop"),
    ("decision_made", True, "need_recognised", "workshop"),
    ("experience", "first_steps", "first_steps_tested", "workshop"),
    ("focus", "strategy", "focus_strategy", "workshop"),
    ("cross_functional", True, "cross_functional", "workshop"),
]


@pytest.mark.parametrize(("slot", "answer", "key", "side"), SEED_CRITERIA)
def test_each_seed_criterion_scores_its_side(
    slot: str, answer: object, key: str, side: str
) -> None:
    result = recommend(neutral(**{slot: answer}))
    weight = next(rule.weight for rule in RULES if rule.key == key)
    assert rule_keys(result) == [key]
    assert result.reasons[0].points_to == side
    assert result.reasons[0].criterion == slot
    assert result.score[side] == weight
    expected = side if weight >= DECISION_MARGIN else "undecided"
    assert result.format == expected


def test_seed_criteria_table_covers_every_rule() -> None:
    assert sorted(key for _slot, _answer, key, _side in SEED_CRITERIA) == sorted(
        rule.key for rule in RULES
    )


# ---------------------------------------------------------------------------
# Decisions: whole answer sets
# ---------------------------------------------------------------------------

FULL_SEMINAR = Criteria(
    participants=1, specific_approach=False, focus="overview", experience="none",
    attitude_formed=False, decision_made=False, platform_knowledge=True,
)
FULL_WORKSHOP = Criteria(
    participants=8, multiple_functions=True, specific_approach=True, focus="next_steps",
    experience="basic", attitude_formed=True, decision_made=True, cross_functional=True,
    platform_knowledge=True,
)

DECISION_CASES = [
    # (criteria, format, seminar points, workshop points)
    (FULL_SEMINAR, "seminar", 12, 0),
    (FULL_WORKSHOP, "workshop", 0, 13),
    (Criteria(participants=1, focus="overview", experience="none"), "seminar", 7, 0),
    (Criteria(participants=5, focus="strategy", experience="first_steps"), "workshop", 0, 6),
    (Criteria(participants=5, focus="overview", decision_made=True), "workshop", 2, 4),
    (Criteria(participants=5, focus="overview", experience="none"), "seminar", 4, 2),
    (Criteria(participants=5, focus="overview", specific_approach=True), "workshop", 2, 4),
    # margin 1 -> undecided
    (Criteria(participants=1, focus="strategy", experience="basic"), "undecided", 3, 4),
    # ties -> undecided
    (Criteria(participants=5, focus="overview", attitude_formed=True), "undecided", 2, 2),
    (
        Criteria(specific_approach=True, decision_made=False, focus="strategy",
                 experience="none"),
        "undecided", 4, 4,
    ),
    (Criteria(participants=3, multiple_functions=True, attitude_formed=False), "workshop", 1, 3),
    # too few known criteria -> undecided even with a clear lead
    (Criteria(participants=1), "undecided", 3, 0),
    (Criteria(participants=1, focus="overview"), "undecided", 5, 0),
    (Criteria(focus="strategy", cross_functional=True), "undecided", 0, 4),
    (Criteria(), "undecided", 0, 0),
    # platform_knowledge alone is not a scoring criterion
    (Criteria(platform_knowledge=True, participants=5, focus="strategy"), "undecided", 0, 4),
]


@pytest.mark.parametrize(("criteria", "expected", "seminar", "workshop"), DECISION_CASES)
def test_decision(criteria: Criteria, expected: str, seminar: int, workshop: int) -> None:
    result = recommend(criteria)
    assert result.format == expected
    assert result.score["seminar"] == seminar
    assert result.score["workshop"] == workshop
    assert result.score["margin"] == workshop - seminar


def test_thresholds_are_sane() -> None:
    assert DECISION_MARGIN >= 1
    assert 1 <= MIN_KNOWN_CRITERIA <= len(SCORING_CRITERIA)
    assert "platform_knowledge" not in SCORING_CRITERIA


def test_winning_side_reasons_come_first() -> None:
    result = recommend(Criteria(participants=5, focus="overview", decision_made=True))
    assert result.format == "workshop"
    assert [r.points_to for r in result.reasons] == ["workshop", "workshop", "seminar"]


def test_reason_names_the_number_of_participants() -> None:
    result = recommend(neutral(participants=7.0))
    assert "7 Personen" in result.reasons[0].answer_text


# ---------------------------------------------------------------------------
# Prerequisite: "zumindest Anwenderkenntnisse" for the workshop
# ---------------------------------------------------------------------------

PREREQUISITE_CASES = [
    # (platform_knowledge, format, prerequisite_missing)
    (False, "seminar", True),
    (True, "workshop", False),
    (None, "workshop", False),
]


@pytest.mark.parametrize(("knowledge", "expected", "missing"), PREREQUISITE_CASES)
def test_prerequisite_for_workshop(knowledge: bool | None, expected: str, missing: bool) -> None:
    criteria = dataclasses.replace(FULL_WORKSHOP, platform_knowledge=knowledge)
    result = recommend(criteria)
    assert result.format == expected
    assert result.prerequisite_missing is missing
    assert (PREREQUISITE_RULE_KEY in rule_keys(result)) is missing
    if missing:
        reason = result.reasons[-1]
        assert reason.points_to == "prerequisite"
        assert reason.criterion == "platform_knowledge"
        assert "Seminar" in reason.answer_text
        assert rec.PREREQUISITE_QUESTION in result.open_questions


@pytest.mark.parametrize(
    "criteria",
    [
        dataclasses.replace(FULL_SEMINAR, platform_knowledge=False),
        Criteria(participants=1, platform_knowledge=False),
        Criteria(participants=1, focus="strategy", experience="basic", platform_knowledge=False),
    ],
)
def test_prerequisite_only_when_workshop_wins(criteria: Criteria) -> None:
    result = recommend(criteria)
    assert result.prerequisite_missing is False
    assert PREREQUISITE_RULE_KEY not in rule_keys(result)


def test_unknown_platform_knowledge_is_an_open_question_for_the_workshop() -> None:
    result = recommend(dataclasses.replace(FULL_WORKSHOP, platform_knowledge=None))
    assert result.open_questions == [OPEN_QUESTIONS["platform_knowledge"]]


# ---------------------------------------------------------------------------
# Early starters ("Für Frühstarter")
# ---------------------------------------------------------------------------

EARLY_STARTER_CASES = [
    ("first_steps", True),
    ("basic", False),
    ("none", False),
    (None, False),
]


@pytest.mark.parametrize(("experience", "expected"), EARLY_STARTER_CASES)
def test_early_starter(experience: str | None, expected: bool) -> None:
    assert recommend(Criteria(experience=experience)).early_starter is expected


def test_early_starter_advice_quotes_the_seed() -> None:
    assert "learning by doing" in EARLY_STARTER_ADVICE
    assert "parallel" in EARLY_STARTER_ADVICE
    assert "zeitnah" in EARLY_STARTER_ADVICE


# ---------------------------------------------------------------------------
# Phases (bottom-up)
# ---------------------------------------------------------------------------

PHASE_CASES = [
    # (criteria, phase)
    (Criteria(), "information"),
    (Criteria(focus="overview"), "information"),
    (Criteria(focus="relevance"), "information"),
    (Criteria(experience="none"), "information"),
    (Criteria(attitude_formed=False), "information"),
    (Criteria(decision_made=False), "information"),
    (Criteria(platform_knowledge=False, focus="strategy"), "information"),
    (FULL_SEMINAR, "information"),
    (Criteria(focus="strategy"), "strategy"),
    (Criteria(decision_made=True), "strategy"),
    (Criteria(experience="first_steps"), "strategy"),
    (Criteria(experience="basic"), "strategy"),
    (Criteria(focus="next_steps"), "strategy"),
    (Criteria(focus="next_steps", experience="basic", decision_made=True), "strategy"),
    (FULL_WORKSHOP, "operations"),
    (
        Criteria(focus="next_steps", experience="basic", decision_made=True,
                 cross_functional=True),
        "operations",
    ),
    # an information gap wins over everything else (bottom-up)
    (dataclasses.replace(FULL_WORKSHOP, attitude_formed=False), "information"),
    (Criteria(focus="strategy", decision_made=False), "information"),
    (Criteria(experience="basic", focus="overview"), "information"),
]


@pytest.mark.parametrize(("criteria", "phase"), PHASE_CASES)
def test_phase(criteria: Criteria, phase: str) -> None:
    result = recommend(criteria)
    assert result.phase == phase
    assert result.phase_reason


def test_phase_table_ends_with_a_catch_all() -> None:
    assert PHASE_RULES[-1].predicate(Criteria()) is True
    assert {rule.phase for rule in PHASE_RULES} == {"information", "strategy", "operations"}


# ---------------------------------------------------------------------------
# Missing answers and open questions
# ---------------------------------------------------------------------------


def test_all_unknown_is_undecided_with_every_open_question() -> None:
    result = recommend(Criteria())
    assert result.format == "undecided"
    assert result.phase == "information"
    assert result.reasons == []
    assert result.prerequisite_missing is False
    assert result.early_starter is False
    assert result.open_questions == list(OPEN_QUESTIONS.values())
    assert result.score == {"seminar": 0, "workshop": 0, "margin": 0, "known": 0}


OPEN_QUESTION_CASES = [
    # (criteria, slots whose question must be asked, slots whose question must not)
    (Criteria(participants=1), ["focus", "experience"], ["participants", "multiple_functions"]),
    (Criteria(participants=4), ["multiple_functions"], ["participants"]),
    (Criteria(focus="overview"), ["participants", "multiple_functions"], ["focus"]),
    (FULL_SEMINAR, ["cross_functional"], ["participants", "focus", "platform_knowledge"]),
]


@pytest.mark.parametrize(("criteria", "asked", "not_asked"), OPEN_QUESTION_CASES)
def test_open_questions(criteria: Criteria, asked: list[str], not_asked: list[str]) -> None:
    questions = recommend(criteria).open_questions
    for slot in asked:
        assert OPEN_QUESTIONS[slot] in questions
    for slot in not_asked:
        assert OPEN_QUESTIONS[slot] not in questions


def test_tie_adds_a_question_for_the_call() -> None:
    result = recommend(Criteria(participants=5, focus="overview", attitude_formed=True))
    assert result.format == "undecided"
    assert rec.TIE_QUESTION in result.open_questions


def test_too_few_answers_adds_no_tie_question() -> None:
    assert rec.TIE_QUESTION not in recommend(Criteria(participants=1)).open_questions


# ---------------------------------------------------------------------------
# Robustness: invalid values count as unanswered; never raises
# ---------------------------------------------------------------------------

INVALID_CRITERIA = [
    Criteria(participants=0),
    Criteria(participants=-3),
    Criteria(participants=math.nan),
    Criteria(participants=math.inf),
    Criteria(participants=10_000_000),
    Criteria(participants=True),
    Criteria(participants="viele"),  # type: ignore[arg-type]
    Criteria(focus="everything"),
    Criteria(experience="expert"),
    Criteria(decision_made="vielleicht"),  # type: ignore[arg-type]
    Criteria(cross_functional=1),  # type: ignore[arg-type]
    Criteria(focus=["overview"]),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("criteria", INVALID_CRITERIA)
def test_invalid_values_count_as_unanswered(criteria: Criteria) -> None:
    result = recommend(criteria)
    assert result.format == "undecided"
    assert result.score["known"] == 0
    assert result.reasons == []


@pytest.mark.parametrize("value", [None, {}, "seminar", 42])
def test_recommend_accepts_anything(value: object) -> None:
    assert recommend(value).format == "undecided"  # type: ignore[arg-type]


FROM_SLOTS_CASES = [
    ({"participants": 5.0, "focus": "strategy", "experience": "first_steps"}, "workshop"),
    ({"participants": "1", "focus": "overview", "experience": "none"}, "seminar"),
    ({"participants": "3,0", "decision_made": "true", "specific_approach": True}, "workshop"),
    ({"participants": None, "focus": "OVERVIEW", "requested_slot": "focus"}, "undecided"),
    (None, "undecided"),
]


@pytest.mark.parametrize(("slots", "expected"), FROM_SLOTS_CASES)
def test_criteria_from_slots(slots: dict[str, object] | None, expected: str) -> None:
    assert recommend(Criteria.from_slots(slots)).format == expected


def test_to_slots() -> None:
    assert recommend(FULL_WORKSHOP).to_slots() == {
        "recommendation": "workshop",
        "phase": "operations",
    }


def test_criteria_fields_are_the_form_slots() -> None:
    form = yaml.safe_load((ROOT / "domain" / "qualification.yml").read_text(encoding="utf-8"))["forms"]
    assert [f.name for f in dataclasses.fields(Criteria)] == form["qualification_form"]["required_slots"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Criteria().focus = "overview"  # type: ignore[misc]


# ---------------------------------------------------------------------------
# The tables themselves
# ---------------------------------------------------------------------------

ALL_TEXTS = (
    [(rule.key, rule.text.format(participants="10000")) for rule in RULES]
    + [(rule.key, rule.text) for rule in PHASE_RULES]
    + [("prerequisite", PREREQUISITE_TEXT), ("early_starter", EARLY_STARTER_ADVICE)]
    + [(f"question_{k}", q) for k, q in OPEN_QUESTIONS.items()]
    + [("tie", rec.TIE_QUESTION), ("prerequisite_question", rec.PREREQUISITE_QUESTION)]
)


@pytest.mark.parametrize(("key", "text"), ALL_TEXTS, ids=[k for k, _t in ALL_TEXTS])
def test_texts_are_chat_sized_formal_german(key: str, text: str) -> None:
    assert 0 < len(text) <= 200
    assert not re.search(r"\b(du|dich|dein\w*|ihr)\b", text), key


def test_rule_table_is_consistent() -> None:
    keys = [rule.key for rule in RULES] + [rule.key for rule in PHASE_RULES]
    assert len(keys) == len(set(keys))
    criteria_fields = {f.name for f in dataclasses.fields(Criteria)}
    for rule in RULES:
        assert rule.criterion in criteria_fields
        assert rule.points_to in ("seminar", "workshop")
        assert isinstance(rule.weight, int) and rule.weight > 0
        assert "„" in rule.text, f"{rule.key} must quote the seed"
    for phase_rule in PHASE_RULES:
        assert set(phase_rule.criteria) <= criteria_fields
    both_sides = {rule.points_to for rule in RULES}
    assert both_sides == {"seminar", "workshop"}


def test_modules_import_no_rasa() -> None:
    for path in sorted((ROOT / "advisor").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
        assert not imported & {"rasa", "rasa_sdk"}, name


# ---------------------------------------------------------------------------
# The consultant's document cannot drift from the tables
# ---------------------------------------------------------------------------


def _doc_rows() -> dict[str, list[str]]:
    """Markdown table rows keyed by the first `key` cell found in the row."""
    rows: dict[str, list[str]] = {}
    for line in RULES_DOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for cell in cells:
            match = re.fullmatch(r"`([A-Za-z_]+)`", cell)
            if match:
                rows.setdefault(match.group(1), cells)
                break
    return rows


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.key)
def test_doc_lists_every_rule_with_its_weight(rule: rec.Rule) -> None:
    rows = _doc_rows()
    assert rule.key in rows, f"docs/recommendation-rules.md misses rule {rule.key}"
    row = rows[rule.key]
    assert row[-1] == str(rule.weight)
    assert row[-2].lower() == rule.points_to
    assert f"`{rule.criterion}`" in row


@pytest.mark.parametrize("rule", PHASE_RULES, ids=lambda r: r.key)
def test_doc_lists_every_phase_rule_in_order(rule: rec.PhaseRule) -> None:
    rows = _doc_rows()
    assert rule.key in rows, f"docs/recommendation-rules.md misses phase rule {rule.key}"
    row = rows[rule.key]
    assert row[0] == str(PHASE_RULES.index(rule) + 1)
    assert row[-1] == rule.phase


@pytest.mark.parametrize(
    ("name", "value"),
    [("DECISION_MARGIN", DECISION_MARGIN), ("MIN_KNOWN_CRITERIA", MIN_KNOWN_CRITERIA)],
)
def test_doc_states_the_thresholds(name: str, value: int) -> None:
    assert _doc_rows()[name][1] == str(value)


def test_doc_names_the_prerequisite_and_the_maximum_scores() -> None:
    text = RULES_DOC.read_text(encoding="utf-8")
    assert f"`{PREREQUISITE_RULE_KEY}`" in text
    seminar_max = recommend(FULL_SEMINAR).score["seminar"]
    workshop_max = recommend(FULL_WORKSHOP).score["workshop"]
    assert f"Seminar {seminar_max} Punkte" in text
    assert f"Workshop {workshop_max} Punkte" in text
