"""The one criteria table (advisor/criteria.py) and everything derived from it agree.

Reads the domain YAML, the lead model, the brief and the consultant's rules document: adding, renaming
or retyping a criterion in one place without the others fails here.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from advisor import criteria as table
from advisor.recommendation import OPEN_QUESTIONS, RULES, Criteria
from tests.support.domain import DOMAIN

ROOT = Path(__file__).resolve().parents[2]


SLOT_TYPES = {table.Kind.COUNT: "float", table.Kind.BOOL: "bool", table.Kind.CHOICE: "categorical",
              table.Kind.MULTI: "list", table.Kind.LIST: "list"}


def test_form_asks_the_table_in_order() -> None:
    assert DOMAIN["forms"]["qualification_form"]["required_slots"] == list(table.NAMES)


@pytest.mark.parametrize("criterion", table.CRITERIA + table.DETAILS, ids=lambda c: c.name)
def test_domain_slot_matches_the_row(criterion: table.Criterion) -> None:
    slot = DOMAIN["slots"][criterion.name]
    assert slot["type"] == SLOT_TYPES[criterion.kind]
    assert slot["mappings"] == [{"type": "custom"}]
    if criterion.kind is table.Kind.CHOICE:
        assert tuple(slot["values"]) == criterion.values
    if criterion.kind in (table.Kind.CHOICE, table.Kind.MULTI):
        assert {value for value, _label in criterion.value_labels} == set(criterion.values)
    if criterion.kind is table.Kind.COUNT:
        assert slot["min_value"] == criterion.minimum
        assert slot["max_value"] == criterion.maximum


@pytest.mark.parametrize("criterion", table.CRITERIA, ids=lambda c: c.name)
def test_every_asked_criterion_has_question_explanation_and_buttons(criterion: table.Criterion) -> None:
    responses = DOMAIN["responses"]
    assert criterion.ask_response in responses
    assert criterion.explain_response in responses
    assert criterion.label and criterion.open_question
    buttons = [b for variant in responses[criterion.ask_response] for b in variant.get("buttons") or []]
    assert buttons, f"{criterion.ask_response} needs buttons"
    if criterion.kind in (table.Kind.CHOICE, table.Kind.MULTI):
        payload_values = {b["payload"].split('"choice": "')[1].split('"')[0] for b in buttons
                          if '"choice": "' in b["payload"]}
        assert payload_values <= set(criterion.values) | {"unknown", "all", "none"}


def test_recommendation_record_and_open_questions_derive_from_the_table() -> None:
    assert [f.name for f in dataclasses.fields(Criteria)] == list(table.NAMES)
    assert list(OPEN_QUESTIONS) == list(table.NAMES)
    assert set(table.SCORING) | set(table.PREREQUISITES) | set(table.PHASE_CRITERIA) == set(table.NAMES)
    read_by_rules = {name for rule in RULES for name in rule.criteria}
    assert read_by_rules == set(table.SCORING)  # every scoring criterion counts in some seed rule
    assert not read_by_rules & (set(table.PHASE_CRITERIA) | set(table.PREREQUISITES))  # phase facts never score


def test_details_belong_to_a_criterion() -> None:
    owners = {d for c in table.CRITERIA for d in c.details}
    assert owners == {d.name for d in table.DETAILS}
    assert [c.name for c in table.BRIEF_ORDER] == [
        name for c in table.CRITERIA for name in (c.name, *c.details)
    ]


def test_rules_document_lists_every_criterion_and_rule() -> None:
    text = (ROOT / "docs" / "recommendation-rules.md").read_text(encoding="utf-8")
    for criterion in table.CRITERIA:
        assert f"`{criterion.name}`" in text
        for value in criterion.values:
            assert f"`{value}`" in text, (criterion.name, value)
    for rule in RULES:
        assert f"| `{rule.key}` |" in text


def test_lead_storage_and_brief_derive_from_the_table() -> None:
    from leads.briefing import CRITERIA_QUESTIONS_DE, VALUE_LABELS_DE
    from leads.models import CRITERIA_KEYS

    assert CRITERIA_KEYS == table.STORED_KEYS
    assert CRITERIA_QUESTIONS_DE == tuple((row.name, row.label) for row in table.BRIEF_ORDER)
    assert VALUE_LABELS_DE == {c.name: dict(c.value_labels) for c in table.BRIEF_ORDER if c.value_labels}
    assert set(VALUE_LABELS_DE) == {c.name for c in table.CRITERIA if c.kind in (table.Kind.CHOICE, table.Kind.MULTI)}


@pytest.mark.parametrize("criterion", [c for c in table.CRITERIA if c.ask_if], ids=lambda c: c.name)
def test_ask_if_names_an_earlier_criterion_and_a_possible_value(criterion: table.Criterion) -> None:
    names = list(table.NAMES)
    for name, value in criterion.ask_if:
        assert names.index(name) < names.index(criterion.name), "a condition must be asked before"
        row = table.BY_NAME[name]
        if row.kind is table.Kind.CHOICE:
            assert value in row.values
        elif row.kind is table.Kind.BOOL:
            assert value in (True, False)
        else:
            assert value == table.NOT_SINGLE
