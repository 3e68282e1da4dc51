"""Contact form, lead submission and deletion: real actions, real SQLite in a temporary folder."""
from __future__ import annotations

import sqlite3

import pytest

from actions.actions import ActionDeleteData, ActionRecommend, ActionSubmitLead
from actions.forms import ValidateContactForm
from actions.leads_service import LeadService
from tests.support.trackers import make_tracker, responses, slot_events

FORM = "contact_form"
CRITERIA = {"participants": 4.0, "multiple_functions": True, "goals": ["strategy"], "specific_approach": True,
            "experience": "first_steps", "broaden": True, "attitude_formed": True, "decision_made": True,
            "need_recognised": True, "cross_functional": True, "platform_knowledge": True, "strategy_exists": False}


@pytest.fixture(autouse=True)
def isolated_storage(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SMTP_HOST", "")
    LeadService.reset()
    yield tmp_path
    LeadService.reset()


async def run_form(tracker, dispatcher, domain):
    return await ValidateContactForm().run(dispatcher, tracker, domain)


@pytest.mark.parametrize(
    "requested,text,intent,entities,expected",
    [
        ("consent", "/inform", "inform", [{"entity": "choice", "value": "yes"}], True),
        ("consent", "ja, einverstanden", "affirm", [], True),
        ("consent", "nein danke", "deny", [], False),
        ("contact_name", "Ich heiße Anna Müller", "inform", [], "Anna Müller"),
        ("company", "Bäckerei Schulze GmbH", "inform", [], "Bäckerei Schulze GmbH"),
        ("email", "meine mail ist Anna.Mueller@Baeckerei-Schulze.DE", "inform", [], "Anna.Mueller@baeckerei-schulze.de"),
        ("phone", "0171 2345678", "inform", [], "+491712345678"),
        ("phone", "keine", "deny", [], "–"),
        # an answer wins over a wrong intent guess of the NLU
        ("email", "max@example.org", "greet", [], "max@example.org"),
        ("contact_name", "Max Mustermann", "thank", [], "Max Mustermann"),
        ("preferred_contact", "am liebsten vormittags per Telefon", "inform", [], "am liebsten vormittags per Telefon"),
    ],
)
async def test_contact_answers(requested, text, intent, entities, expected, dispatcher, domain):
    tracker = make_tracker(text, intent, entities=entities, active_loop=FORM, requested_slot=requested,
                           slots={"consent": True, "email": "a@b.de"} if requested != "consent" else {})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events[requested] == expected
    if requested == "consent" and expected:
        assert events["consent_at"]


async def test_without_consent_nothing_more_is_asked(dispatcher, domain):
    tracker = make_tracker("nein", "deny", active_loop=FORM, requested_slot="consent")
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["consent"] is False
    assert events["requested_slot"] is None


async def test_invalid_email_is_reasked_then_an_alternative_is_offered(dispatcher, domain):
    tracker = make_tracker("anna at firma", "inform", active_loop=FORM, requested_slot="email",
                           slots={"consent": True})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["email"] is None and events["email_failures"] == 1
    assert responses(dispatcher) == ["utter_invalid_email"]
    dispatcher.messages.clear()
    tracker = make_tracker("anna(at)firma", "inform", active_loop=FORM, requested_slot="email",
                           slots={"consent": True, "email_failures": 1})
    await run_form(tracker, dispatcher, domain)
    assert responses(dispatcher) == ["utter_email_alternative"]


async def test_summary_correction_button_clears_that_field(dispatcher, domain):
    tracker = make_tracker("/correct_contact", "correct_contact", entities=[{"entity": "field", "value": "email"}],
                           active_loop=FORM, requested_slot="contact_confirmed",
                           slots={"consent": True, "contact_name": "A", "company": "B", "email": "a@b.de",
                                  "phone": "–", "preferred_contact": "egal"})
    events = slot_events(await run_form(tracker, dispatcher, domain))
    assert events["email"] is None
    assert events["requested_slot"] == "email"


def _lead_rows(var_dir):
    with sqlite3.connect(var_dir / "leads.db") as db:
        return db.execute("select conversation_id, name, email, phone, recommendation, criteria from leads").fetchall()


async def test_submit_stores_one_lead_per_conversation_updated_in_place(dispatcher, domain, isolated_storage):
    slots = {**CRITERIA, "recommendation": "workshop", "phase": "strategy", "consent": True,
             "consent_at": "2026-11-27T10:00:00+00:00", "contact_name": "Anna Müller", "company": "Bäckerei",
             "email": "anna@example.org", "phone": "+491712345678", "preferred_contact": "vormittags",
             "contact_confirmed": True}
    tracker = make_tracker("/inform", "inform", slots=slots, sender_id="conv-lead-1")
    await ActionSubmitLead().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_lead_saved"]
    tracker = make_tracker("/inform", "inform", slots={**slots, "phone": "–"}, sender_id="conv-lead-1")
    await ActionSubmitLead().run(dispatcher, tracker, domain)
    rows = _lead_rows(isolated_storage)
    assert len(rows) == 1
    conversation_id, name, email, phone, recommendation, criteria = rows[0]
    assert (conversation_id, name, email, recommendation) == ("conv-lead-1", "Anna Müller", "anna@example.org",
                                                             "workshop")
    assert phone in (None, "", "–")
    assert '"goals": ["strategy"]' in criteria


async def test_no_consent_stores_nothing(dispatcher, domain, isolated_storage):
    slots = {**CRITERIA, "consent": False, "contact_name": "Anna", "email": "anna@example.org"}
    events = await ActionSubmitLead().run(dispatcher, make_tracker("nein", "deny", slots=slots), domain)
    assert responses(dispatcher) == ["utter_no_consent"]
    assert slot_events(events)["contact_name"] is None
    db = isolated_storage / "leads.db"
    assert not db.exists() or _lead_rows(isolated_storage) == []


async def test_delete_data_removes_the_lead_and_marks_the_events(dispatcher, domain, isolated_storage):
    slots = {**CRITERIA, "consent": True, "consent_at": "2026-11-27T10:00:00+00:00", "contact_name": "Max",
             "company": "X", "email": "max@example.org", "phone": "–", "preferred_contact": "egal",
             "contact_confirmed": True}
    await ActionSubmitLead().run(dispatcher, make_tracker(slots=slots, sender_id="conv-del"), domain)
    assert len(_lead_rows(isolated_storage)) == 1
    dispatcher.messages.clear()
    events = await ActionDeleteData().run(dispatcher, make_tracker(sender_id="conv-del"), domain)
    assert responses(dispatcher) == ["utter_data_deleted"]
    assert _lead_rows(isolated_storage) == []
    assert any(e["event"] == "restart" for e in events)
    assert slot_events(events)["data_deleted_at"]


@pytest.mark.parametrize(
    "criteria,headline,phase",
    [
        (CRITERIA, "ein Workshop, zugeschnitten auf Ihr Unternehmen", "strategy"),
        ({**CRITERIA, "platform_knowledge": False}, "Mein Ziel für Sie: ein Workshop", "information"),
        ({"participants": 1.0, "goals": ["overview"], "specific_approach": False, "experience": "none",
          "attitude_formed": False, "decision_made": False, "cross_functional": False,
          "platform_knowledge": True}, "ein offenes Seminar", "information"),
        ({"participants": 7.0, "multiple_functions": True, "goals": ["relevance"], "experience": "none",
          "attitude_formed": False, "decision_made": False}, "ein Inhouse-Seminar", "information"),
    ],
)
async def test_recommendation_messages_and_slots(criteria, headline, phase, dispatcher, domain):
    events = await ActionRecommend().run(dispatcher, make_tracker(slots=criteria), domain)
    texts = [m["text"] for m in dispatcher.messages]
    assert headline in texts[0]
    assert texts[1].startswith("Die wichtigsten Gründe:\n• ")
    assert texts[1].count("• ") == 2 and "das spricht für" in texts[1]
    assert all(len(t) <= 350 for t in texts)
    buttons = [b["title"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert "Rückruf vereinbaren" in buttons and "Frage stellen" in buttons
    slots = slot_events(events)
    assert slots["recommendation"] in ("seminar", "workshop") and slots["phase"] == phase


async def test_undecided_says_what_is_open_and_sets_no_phase(dispatcher, domain):
    events = await ActionRecommend().run(dispatcher, make_tracker(slots={}), domain)
    texts = [m["text"] for m in dispatcher.messages]
    assert texts[0] == "Ein Format kann ich Ihnen noch nicht sicher empfehlen."
    assert "Entscheidend ist vor allem: Was soll der Einstieg leisten" in texts[1]
    assert not any("teils" in t or t.startswith("Die wichtigsten Gründe") for t in texts)
    slots = slot_events(events)
    assert slots["recommendation"] == "undecided" and slots["phase"] is None


async def test_early_starter_and_prerequisite_advice_are_sent(dispatcher, domain):
    await ActionRecommend().run(dispatcher, make_tracker(slots={**CRITERIA, "platform_knowledge": False}), domain)
    texts = [m["text"] for m in dispatcher.messages]
    assert any("Anwenderkenntnisse" in t and "Inhouse-Seminar" in t for t in texts)
    assert any("learning by doing" in t for t in texts)


async def test_contact_data_typed_before_consent_fills_the_form_after_consent(dispatcher, domain):
    from tests.support.trackers import make_tracker as _make

    earlier = [{"event": "user", "text": "Hallo, ich bin Jana Roth von der Roth Haustechnik GmbH, "
                                          "erreichbar unter 0171 2345678.", "parse_data": {}},
               {"event": "bot", "text": "…"}]
    tracker = _make("ja, einverstanden", "affirm", active_loop="contact_form", requested_slot="consent",
                    events=earlier + [{"event": "user", "text": "ja, einverstanden", "parse_data": {}}])
    from actions.forms import ValidateContactForm

    events = {e["name"]: e["value"] for e in await ValidateContactForm().run(dispatcher, tracker, domain)
              if e.get("event") == "slot"}
    assert events["consent"] is True
    assert events["contact_name"] == "Jana Roth"
    assert events["company"] == "Roth Haustechnik GmbH"
    assert events["phone"] == "+491712345678"
    assert events["requested_slot"] == "email"  # only what is still missing is asked


async def test_no_consent_reads_nothing_personal(dispatcher, domain):
    from tests.support.trackers import make_tracker as _make

    earlier = [{"event": "user", "text": "Ich bin Jana Roth, jana@roth.de", "parse_data": {}}]
    tracker = _make("nein", "deny", active_loop="contact_form", requested_slot="consent",
                    events=earlier + [{"event": "user", "text": "nein", "parse_data": {}}])
    from actions.forms import ValidateContactForm

    events = {e["name"]: e["value"] for e in await ValidateContactForm().run(dispatcher, tracker, domain)
              if e.get("event") == "slot"}
    assert events["consent"] is False
    assert not {"contact_name", "email", "phone", "company"} & {k for k, v in events.items() if v}


async def test_one_answer_with_name_mail_and_phone_fills_three_fields(dispatcher, domain):
    from tests.support.trackers import make_tracker as _make

    tracker = _make("Max Muster, max@muster.de, 0171 7654321", "inform", active_loop="contact_form",
                    requested_slot="contact_name", slots={"consent": True})
    from actions.forms import ValidateContactForm

    events = {e["name"]: e["value"] for e in await ValidateContactForm().run(dispatcher, tracker, domain)
              if e.get("event") == "slot"}
    assert events["contact_name"] == "Max Muster"
    assert events["email"] == "max@muster.de"
    assert events["phone"] == "+491717654321"
