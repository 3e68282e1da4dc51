"""The offer file: the shipped example loads, every broken field gives an error naming it, past dates are
ignored, an edit changes the answer, and the real action server refuses to start with a broken file."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import time

import pytest
import yaml

from actions import texts
from advisor.offer import (
    OfferError,
    current_offer,
    format_mentioned,
    load_offer,
    parse_offer,
    question_topics,
)
from tests.support import ROOT
from tooling.net import free_port

SHIPPED = ROOT / "offer.yml"


def raw() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def test_the_shipped_offer_loads_and_is_marked_as_example_data():
    offer = load_offer(SHIPPED)
    assert offer.consultant.name
    assert set(offer.formats) == {"open_seminar", "in_house_seminar", "workshop"}
    assert offer.formats["open_seminar"].dates, "the example has open seminar dates"
    assert "BEISPIEL" in SHIPPED.read_text(encoding="utf-8")


def _set(data: dict, dotted: str, value) -> dict:
    node = data
    *parents, last = dotted.split(".")
    for key in parents:
        node = node[key]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return data


@pytest.mark.parametrize("field,value,named", [
    ("consultant.name", KeyError, "consultant.name"),
    ("consultant.name", "  ", "consultant.name"),
    ("consultant.email", "kein-at-zeichen", "consultant.email"),
    ("first_call.free", "ja", "first_call.free"),
    ("first_call.minutes", -5, "first_call.minutes"),
    ("region", KeyError, "region"),
    ("funding", KeyError, "funding"),
    ("formats.workshop", KeyError, "formats.workshop"),
    ("formats.webinar", {"name": "x"}, "formats.webinar"),
    ("formats.workshop.price.from", "2.400 €", "formats.workshop.price.from"),
    ("formats.workshop.price.from", 0, "formats.workshop.price.from"),
    ("formats.in_house_seminar.price.to", 100, "formats.in_house_seminar.price.to"),
    ("formats.workshop.price", "ab 2400", "formats.workshop.price"),
    ("formats.workshop.price.unit", KeyError, "formats.workshop.price.unit"),
    ("formats.workshop.delivery", ["hybrid"], "formats.workshop.delivery"),
    ("formats.workshop.delivery", [], "formats.workshop.delivery"),
    ("formats.workshop.in_house", None, "formats.workshop.in_house"),
    ("formats.workshop.duration", KeyError, "formats.workshop.duration"),
    ("formats.open_seminar.dates", "bald", "formats.open_seminar.dates"),
])
def test_a_broken_field_is_named(field, value, named):
    with pytest.raises(OfferError) as info:
        parse_offer(_set(raw(), field, value))
    assert info.value.field == named
    assert str(info.value).startswith(named)


def test_a_wrong_date_is_named_with_its_position():
    data = raw()
    data["formats"]["open_seminar"]["dates"][1]["date"] = "18.02.2027"
    with pytest.raises(OfferError, match=r"formats\.open_seminar\.dates\[1\]\.date"):
        parse_offer(data)


def test_missing_file_and_bad_yaml_name_the_file(tmp_path):
    with pytest.raises(OfferError, match="cannot be read") as info:
        load_offer(tmp_path / "nope.yml")
    assert str(tmp_path / "nope.yml") in str(info.value)
    bad = tmp_path / "offer.yml"
    bad.write_text("consultant: [\n", encoding="utf-8")
    with pytest.raises(OfferError, match="no valid YAML at line"):
        load_offer(bad)


def test_past_dates_are_ignored_and_the_rest_sorted():
    data = raw()
    data["formats"]["open_seminar"]["dates"] = [
        {"date": "2030-05-02", "place": "Leipzig"}, {"date": "2020-01-01", "place": "Alt"}, "2030-03-01"]
    seminar = parse_offer(data).formats["open_seminar"]
    upcoming = seminar.upcoming_dates(dt.date(2026, 1, 1))
    assert [d.date for d in upcoming] == [dt.date(2030, 3, 1), dt.date(2030, 5, 2)]
    answer = texts.offer_answer(parse_offer(data), "dates", "open_seminar", dt.date(2026, 1, 1))
    assert "01.03.2030" in answer and "02.05.2030, Leipzig" in answer and "2020" not in answer
    none_left = texts.offer_answer(parse_offer(data), "dates", None, dt.date(2031, 1, 1))
    assert "keine neuen Termine" in none_left


def test_editing_the_file_changes_the_answer_and_a_broken_edit_keeps_the_last_valid(tmp_path):
    path = tmp_path / "offer.yml"
    path.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    before = texts.offer_answer(current_offer(path), "price", "workshop", dt.date(2026, 1, 1))
    assert "ab 2.400 €" in before
    data = raw()
    data["formats"]["workshop"]["price"] = {"from": 3100, "to": 3900, "unit": "pro Tag"}
    data["consultant"]["name"] = "Max Probe"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    os.utime(path, (time.time() + 5, time.time() + 5))
    after = texts.offer_answer(current_offer(path), "price", "workshop", dt.date(2026, 1, 1))
    assert "3.100–3.900 €" in after and "Max Probe" in after
    path.write_text("formats: kaputt\n", encoding="utf-8")
    os.utime(path, (time.time() + 10, time.time() + 10))
    assert current_offer(path).consultant.name == "Max Probe"


def test_funding_unknown_says_in_absprache():
    data = raw()
    data["funding"] = "in Absprache"
    answer = texts.offer_answer(parse_offer(data), "funding", None, dt.date(2026, 1, 1))
    assert "in Absprache" in answer and data["consultant"]["name"] in answer


@pytest.mark.parametrize("question,topics,fmt", [
    ("Was kostet ein Workshop?", ["price"], "workshop"),
    ("Wann ist das nächste offene Seminar?", ["dates"], "open_seminar"),
    ("Geht das auch online?", ["online"], None),
    ("Ist das Erstgespräch kostenlos?", ["first_call"], None),
    ("gibt es einen Zuschuss vom Land?", ["funding"], None),
    ("wie lange dauert das inhouse seminar", ["duration", "in_house"], "in_house_seminar"),
    ("Was ist Ihr Tagessatz?", ["price"], None),
])
def test_question_topics(question, topics, fmt):
    assert question_topics(question) == topics
    assert format_mentioned(question) == fmt


def test_the_action_server_does_not_start_with_a_broken_offer(tmp_path):
    data = raw()
    data["formats"]["workshop"]["price"]["from"] = "teuer"
    broken = tmp_path / "offer.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "OFFER_FILE": str(broken), "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
           "VAR_DIR": str(tmp_path / "var")}
    proc = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "rasa"), "run", "actions", "--actions", "actions.actions",
         "--port", str(free_port())],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "formats.workshop.price.from" in proc.stderr
    assert str(broken) in proc.stderr
