"""The understanding harness's scoring, on synthetic items (none taken from the held-out set)."""
from __future__ import annotations

import json
from collections import Counter

import pytest
import yaml

from advisor.german.interpret import UNKNOWN
from tooling import eval_understanding as ev


def item(text: str, expect: dict, asked: str = "participants", id_: str | None = None) -> dict:
    return {"id": id_ or f"syn-{text}", "asked": asked, "text": text, "expect": expect}


def table_reader(table: dict):
    """A reader answering from ``table[text]``; records the ``asked`` values it was called with."""
    calls: list = []

    def read(text, asked):
        calls.append(asked)
        answer = table[text]
        if isinstance(answer, Exception):
            raise answer
        return answer

    read.calls = calls
    return read


def test_correct_missed_wrong_and_false_positive_are_counted_per_field():
    items = [
        item("a", {"participants": 3, "multiple_functions": True}),
        item("b", {"participants": 4}),
        item("c", {"participants": 2}),
        item("d", {"broaden": False}, asked="broaden"),
    ]
    reader = table_reader({
        "a": {"participants": 3, "multiple_functions": True},          # both correct
        "b": {},                                                       # missed
        "c": {"participants": 5, "broaden": True},                     # wrong + false positive
        "d": {"broaden": False, "multiple_functions": False},          # correct + false positive
    })
    result = ev.score(items, reader)
    p, m, b = result.fields["participants"], result.fields["multiple_functions"], result.fields["broaden"]
    assert (p.support, p.correct, p.missed, p.wrong, p.false_positives) == (3, 1, 1, 1, 0)
    assert p.accuracy == pytest.approx(1 / 3)
    assert p.precision == pytest.approx(1 / 2)
    assert (m.support, m.correct, m.false_positives) == (1, 1, 1)
    assert (b.support, b.correct, b.wrong, b.false_positives) == (1, 1, 0, 1)
    assert result.items == 4 and result.exact == 1
    total = result.totals()
    assert (total.support, total.correct, total.predicted) == (5, 3, 6)
    # silent wrong = (1 wrong + 2 false positives) / 6 predicted facts
    assert result.silent_wrong_share() == pytest.approx(3 / 6)
    assert result.silent_wrong_share(["participants"]) == pytest.approx(1 / 2)
    assert result.by_asked == {"participants": [3, 1], "broaden": [1, 0]}
    assert result.error_classes[("participants", "wrong", "2", "5")] == 1
    assert result.error_classes[("participants", "missed", "4", "<missing>")] == 1


def test_empty_expect_counts_every_prediction_as_false_positive():
    items = [item("x", {}, asked="goals"), item("y", {}, asked="goals"), item("z", {"goals": ["overview"]})]
    reader = table_reader({"x": {"goals": ["strategy"]}, "y": {}, "z": {"goals": ["overview"]}})
    result = ev.score(items, reader)
    g = result.fields["goals"]
    assert (g.support, g.correct, g.false_positives) == (1, 1, 1)
    assert result.empty_expect == [2, 1]
    assert result.exact == 2  # "y" (asked back, nothing filled) and "z"


def test_values_are_normalised_per_field_before_comparing():
    expect = {
        "departments": ["Vertrieb", "IT", "Personal"],
        "contact_name": "Greta Sommerfeld",
        "company": "Tischlerei Birkenhain GmbH",
        "email": "g.sommerfeld@example.org",
        "phone": "+4930123456",
        "participants": 3,
        "specific_approach": "unknown",
        "experience": "unknown",
        "no_email": True,
        "consent": False,
    }
    predicted = {
        "departments": ["IT", "Personal", "Vertrieb"],      # order does not matter
        "contact_name": "  greta   SOMMERFELD ",             # case and whitespace do not matter
        "company": "tischlerei birkenhain gmbh",
        "email": "G.Sommerfeld@Example.ORG",
        "phone": "+4930123456",
        "participants": 3.0,                                 # 3.0 == 3
        "specific_approach": UNKNOWN,                        # the sentinel counts as "unknown"
        "experience": "unknown",
        "no_email": True,
        "consent": False,
    }
    result = ev.score([item("n", expect, asked="contact_name")], table_reader({"n": predicted}))
    assert all(s.correct == 1 for s in result.fields.values()), result.error_classes
    assert result.exact == 1


@pytest.mark.parametrize(("name", "expected", "predicted"), [
    ("phone", "+4930123456", "030 123456"),          # phone is exact E.164
    ("phone", "+4930123456", "+49 30 123456"),
    ("participants", 1, True),                         # a bool is not a count
    ("multiple_functions", True, 1),                   # a count is not a bool
    ("consent", True, "ja"),
    ("departments", ["Vertrieb"], ["Vertrieb", "IT"]),  # set, not subset
    ("departments", ["Vertrieb"], "Vertrieb"),         # a bare string is not a list
    ("strategy_parts", [], ["goals"]),
    ("participants", 2, 2.5),
    ("broaden", True, UNKNOWN),
    ("experience", "basic", "Basic"),                  # codes are exact
])
def test_different_values_are_wrong(name, expected, predicted):
    result = ev.score([item("w", {name: expected})], table_reader({"w": {name: predicted}}))
    s = result.fields[name]
    assert (s.correct, s.wrong) == (0, 1)
    assert result.silent_wrong_share() == 1.0


def test_empty_list_is_a_fact_and_none_is_no_prediction():
    items = [item("e", {"strategy_parts": []}, asked="strategy_parts"), item("f", {"strategy_parts": ["goals"]})]
    reader = table_reader({"e": {"strategy_parts": []}, "f": {"strategy_parts": None, "focus": "x"}})
    result = ev.score(items, reader)
    s = result.fields["strategy_parts"]
    assert (s.support, s.correct, s.missed, s.wrong) == (2, 1, 1, 0)
    assert result.unscored_keys == Counter({"focus": 1})  # not a field of the set: counted, not scored


def test_opening_is_passed_as_none_and_reader_errors_count_as_nothing_predicted():
    items = [item("o", {"participants": 2}, asked="opening"), item("boom", {"participants": 1}),
             item("bad", {"participants": 1})]
    reader = table_reader({"o": {"participants": 2}, "boom": RuntimeError("x"), "bad": ["participants"]})
    result = ev.score(items, reader)
    assert reader.calls == [None, "participants", "participants"]
    assert result.reader_errors == Counter({"RuntimeError": 1, "TypeError": 1})
    p = result.fields["participants"]
    assert (p.correct, p.missed) == (1, 2)
    assert result.by_asked["opening"] == [1, 1]


def test_violations_respect_the_chosen_fields():
    items = [item("a", {"participants": 3}), item("b", {"goals": ["strategy"]}, asked="goals")]
    result = ev.score(items, table_reader({"a": {"participants": 3}, "b": {"goals": ["overview"]}}))
    assert ev.violations(result, ["participants"], 0.9, 0.0) == []
    failed = ev.violations(result, ["goals", "participants"], 0.9, 0.2)
    assert failed == ["goals: accuracy 0.000 < 0.9", "silent-wrong share 0.500 > 0.2"]


SYNTHETIC = [
    item("Wir kommen zu siebt aus der Baumschule Lindenhof.", {"participants": 7}, id_="syn-1"),
    item("Frau Edeltraut Quast, bitte.", {"contact_name": "Edeltraut Quast"}, asked="contact_name",
         id_="syn-2"),
    item("Hmm, schwer zu sagen.", {}, asked="broaden", id_="syn-3"),
]


@pytest.fixture
def data_file(tmp_path):
    path = tmp_path / "items.yml"
    path.write_text(yaml.safe_dump(SYNTHETIC, allow_unicode=True), encoding="utf-8")
    return path


def run_cli(monkeypatch, reader, *args):
    monkeypatch.setattr(ev, "load_reader", lambda: reader)
    return ev.main(list(args))


def test_cli_writes_report_without_texts_or_ids_and_exits_by_thresholds(monkeypatch, tmp_path, capsys,
                                                                        data_file):
    answers = {SYNTHETIC[0]["text"]: {"participants": 7},
               SYNTHETIC[1]["text"]: {"contact_name": "Quast"},
               SYNTHETIC[2]["text"]: {}}
    report = tmp_path / "out" / "understanding.json"
    reader = table_reader(answers)
    assert run_cli(monkeypatch, reader, "--data", str(data_file), "--report", str(report),
                   "--show-errors", "5") == 0
    out = capsys.readouterr().out
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["items"] == 3 and data["exact_match"] == 2
    assert data["fields"]["contact_name"]["wrong"] == 1
    assert data["fields"]["participants"]["accuracy"] == 1.0
    assert data["by_asked"]["broaden"] == {"items": 1, "exact_match": 1, "exact_match_rate": 1.0}
    assert data["error_classes"] == [{"field": "contact_name", "kind": "wrong", "expected": "<value>",
                                      "predicted": "<value>", "count": 1}]
    for text in [*(i["text"] for i in SYNTHETIC), *(i["id"] for i in SYNTHETIC), "Quast", "Edeltraut"]:
        assert text not in out
        assert text not in report.read_text(encoding="utf-8")

    args = ["--data", str(data_file), "--report", str(report)]
    assert run_cli(monkeypatch, reader, *args, "--min-field-accuracy", "0.5") == 1
    assert run_cli(monkeypatch, reader, *args, "--min-field-accuracy", "0.5", "--fields", "participants") == 0
    assert run_cli(monkeypatch, reader, *args, "--max-silent-wrong", "0.4") == 1  # 1 wrong of 2 predicted
    assert run_cli(monkeypatch, reader, *args, "--max-silent-wrong", "0.5") == 0
    assert json.loads(report.read_text(encoding="utf-8"))["thresholds"]["violations"] == []
    assert run_cli(monkeypatch, reader, *args, "--fields", "participants,nosuchfield") == 2


def test_cli_exits_2_when_the_reader_module_is_missing(monkeypatch, tmp_path, capsys, data_file):
    monkeypatch.setattr(ev, "READER_MODULE", "advisor.german.no_such_reader_module")
    assert ev.main(["--data", str(data_file), "--report", str(tmp_path / "r.json")]) == 2
    assert "does not exist yet" in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize(("bad", "message"), [
    ([item("a", {"focus": "x"})], "unknown field"),
    ([item("a", {"participants": 2}, id_="same"), item("b", {"participants": 3}, id_="same")], "duplicate id"),
    ([item("a", {"participants": "zwei"})], "wrong type"),
    ([item("a", {}, asked="nosuchquestion")], "unknown asked"),
    ([{"id": "x", "text": "y", "expect": {}}], "exactly the keys"),
])
def test_load_items_rejects_malformed_data(tmp_path, bad, message):
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(ev.DataError, match=message):
        ev.load_items(path)


def test_heldout_file_loads_with_576_unique_ids_and_only_known_fields():
    items = ev.load_items(ev.DEFAULT_DATA)  # raises on duplicate ids and unknown fields or asked values
    assert len(items) == 576
    assert len({i["id"] for i in items}) == 576
    fields = {k for i in items for k in i["expect"]}
    assert fields <= ev.KNOWN_FIELDS
    assert fields == ev.KNOWN_FIELDS  # every field the harness knows is measured
    assert sum(1 for i in items if not i["expect"]) == 31
    assert sum(1 for i in items if i["asked"] == ev.OPENING) == 44


def test_confirmations_count_right_and_denied_offers_apart_from_the_score():
    items = [item("a", {"participants": 3}), item("b", {"decision_made": False}, asked="decision_made"),
             item("c", {}, asked="broaden")]
    unsure = table_reader({"a": {"participants": 3}, "b": {"decision_made": True}, "c": {"broaden": True,
                                                                                           "focus": "x"}})
    counted = ev.confirmations(items, unsure)
    assert (counted.asked, counted.right, counted.denied) == (3, 1, 2)  # "focus" is no field of the set
    assert ev.load_unsure_reader() is not None  # the project's reader has a confirmation tier
