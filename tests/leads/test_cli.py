"""The `leads` command: called as ``main([...])`` and as ``python -m leads.cli``."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leads import LeadRepository, cli
from leads.cli import main
from tests.support.storage import TrackerEvents

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path, monkeypatch, smtp_sink):
    """The environment the operator's shell would have: everything under tmp_path."""
    values = {
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'leads.db'}",
        "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'var' / 'rasa.db'}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_sink.port),
        "CRM_WEBHOOK_URL": "",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture
def repo(env):
    repository = LeadRepository()
    yield repository
    repository.close()


@pytest.fixture
def two_leads(repo, lead_kwargs):
    a = repo.save_lead("conv-a", **lead_kwargs())
    b = repo.save_lead("conv-b", **lead_kwargs(
        channel="telegram", recommendation="seminar", phase="information",
        contact={"name": "=HYPERLINK(\"http://x\")", "email": "b@firma.de", "phone": "+41 44 668 18 00"}))
    return a, b


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


def test_list(two_leads):
    code, out = run("list")
    assert code == 0
    header, first, second = out.splitlines()[:3]
    assert "CONVERSATION" in header and "conv-a" in first and "Erika Mustermann" in first
    assert "conv-b" in second and "telegram" in second
    assert out.strip().endswith("2 lead(s)")


def test_show_by_id_and_conversation(two_leads):
    a, _ = two_leads
    for ident in (str(a.id), "conv-a"):
        code, out = run("show", ident)
        assert code == 0
        assert "Gesprächsvorbereitung: Erika Mustermann" in out and "email   pending" in out


def test_show_and_contact_list_the_persons_conversations(repo, two_leads, lead_kwargs):
    a, _ = two_leads
    later = repo.save_lead("conv-c", **lead_kwargs(contact={"email": "ERIKA@muster.de"}, recommendation="seminar",
                                                    consent_version="2026-12-v2"))
    code, out = run("show", "conv-c")
    assert code == 0
    assert f"Contact {a.contact_id}: ERIKA@muster.de – Erika Mustermann (Muster GmbH), 2 conversation(s)" in out
    lines = [line for line in out.splitlines() if " lead " in line]
    assert "conv-a" in lines[0] and "format=workshop" in lines[0] and "(2026-11-v1)" in lines[0]
    assert lines[1].startswith(" * lead") and "conv-c" in lines[1] and "(2026-12-v2)" in lines[1]
    assert "Subject: Aktualisierung: Gesprächsvorbereitung" in out and "FRÜHERE GESPRÄCHE" in out

    code, out = run("show", "conv-b")
    assert code == 0 and "1 conversation(s)" in out and "Aktualisierung" not in out

    for ident in ("Erika@Muster.DE", str(later.contact_id)):
        code, out = run("contact", ident)
        assert code == 0 and "2 conversation(s)" in out and "format=seminar" in out
        assert '  participants: 4' in out
    assert run("contact", "nobody@firma.de")[0] == 1

    code, out = run("contacts")
    assert code == 0 and out.strip().endswith("2 contact(s)")
    erika = next(line for line in out.splitlines() if "erika@muster.de" in line.lower())
    assert erika.split()[3] == "2"  # conversations

    assert run("delete", "--conversation", "conv-a")[0] == 0
    assert "1 conversation(s)" in run("contact", "erika@muster.de")[1]
    assert run("delete", "--conversation", "conv-c")[0] == 0
    assert run("contact", "erika@muster.de")[0] == 1
    assert run("contacts")[1].strip().endswith("1 contact(s)")


def test_show_unknown_is_not_found(two_leads, capsys):
    assert run("show", "999")[0] == 1
    assert run("show", "conv-unknown")[0] == 1


def test_export_json(two_leads):
    code, out = run("export", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [d["conversation_id"] for d in data] == ["conv-a", "conv-b"]
    for key in ("conversation_id", "name", "company", "email", "phone", "recommendation", "phase", "reasons",
                "criteria", "consent_at", "channel", "created_at"):
        assert key in data[0]
    assert data[1]["phone"] == "+41446681800" and data[1]["channel"] == "telegram"
    assert data[0]["criteria"]["goals"] == ["strategy"]


def test_export_csv_is_flat_and_formula_safe(two_leads, tmp_path):
    target = tmp_path / "leads.csv"
    code, _ = run("export", "--format", "csv", "--output", str(target))
    assert code == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == 2
    assert rows[0]["email"] == "erika@muster.de" and rows[0]["criteria_departments"] == "Marketing | Vertrieb"
    assert rows[0]["criteria_multiple_functions"] == "ja" and rows[0]["criteria_participants"] == "4"
    assert rows[1]["name"].startswith("'=HYPERLINK")  # never a live formula in a spreadsheet
    assert rows[1]["phone"] == "+41446681800"
    assert {"consent_at", "created_at", "reasons", "recommendation", "phase"} <= set(rows[0])


def test_delete_by_email_and_conversation(two_leads, env):
    tracker = TrackerEvents(env["TRACKER_STORE_URL"]).create()
    try:
        tracker.add("conv-a")
        tracker.add("conv-b")
        assert run("delete", "--email", "ERIKA@muster.de")[0] == 0
        assert tracker.count("conv-a") == 0 and tracker.count("conv-b") == 3
        assert run("delete", "--email", "erika@muster.de")[0] == 1
        assert run("delete", "--conversation", "conv-b")[0] == 0
        assert tracker.count("conv-b") == 0
        assert run("delete", "--conversation", "conv-b")[0] == 1
        assert run("list")[1].strip().endswith("0 lead(s)")
    finally:
        tracker.dispose()


def test_purge(two_leads):
    assert run("purge", "--older-than", "30") == (0, "0 lead(s) purged\n")
    assert run("purge", "--older-than", "0") == (0, "2 lead(s) purged\n")
    assert run("purge", "--older-than", "-1")[0] == 2


def test_flush_writes_spool_and_sends_once(env, lead_kwargs, smtp_sink, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    offline = LeadRepository(f"sqlite:///{blocked}")  # unreachable database, same VAR_DIR spool
    assert offline.save_lead("conv-s", **lead_kwargs()).pending
    offline.close()
    code, out = run("flush")
    assert code == 0
    assert "spool_flushed=1" in out and "sent=1" in out
    code, out = run("flush")
    assert "spool_flushed=0" in out and "sent=0" in out
    assert len(smtp_sink.messages) == 1


def test_flush_retry_failed(repo, lead_kwargs, env, monkeypatch):
    repo.save_lead("conv-r", **lead_kwargs())
    item = repo.claim_outbox(repo.outbox_items()[0].id)
    repo.mark_failed_attempt(item, "ConnectionRefusedError", retry_at=None)
    code, out = run("flush", "--retry-failed")
    assert code == 0 and "1 failed notification(s) re-queued" in out and "sent=1" in out


@pytest.mark.parametrize("args", [[], ["bogus"], ["delete"], ["delete", "--email", "a@b.de", "--conversation", "x"],
                                  ["export", "--format", "xml"], ["purge"], ["show"]])
def test_usage_errors_exit_2(env, args, capsys):
    assert run(*args)[0] == 2


def test_help_exits_0(env, capsys):
    assert run("--help")[0] == 0
    assert "export" in capsys.readouterr().out


def test_unreachable_database_exits_3(env, tmp_path, capsys):
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    assert run("--database-url", f"sqlite:///{blocked}", "list")[0] == 3
    assert "database unreachable" in capsys.readouterr().err


def test_migrate(env):
    assert run("migrate") == (0, "schema is up to date\n")


def test_python_dash_m(two_leads, env):
    cmd = [sys.executable, "-m", "leads.cli"]
    proc_env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(cmd + ["export", "--format", "json"], cwd=ROOT, env=proc_env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 2
    done = subprocess.run(cmd + ["show", "12345"], cwd=ROOT, env=proc_env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1


def test_retention_erases_old_conversations_without_a_lead_and_old_leads(env, repo, lead_kwargs, monkeypatch):
    events = TrackerEvents(env["TRACKER_STORE_URL"]).create()
    day = 86400
    import time as _time

    now = _time.time()
    events.add("old-no-lead", timestamp=now - 31 * day)
    events.add("new-no-lead", timestamp=now - 29 * day)
    events.add("old-with-lead", timestamp=now - 31 * day)
    repo.save_lead("old-with-lead", **lead_kwargs())
    code, out = run("retention")
    assert code == 0 and "0 lead(s)" in out and "1 conversation(s)" in out
    assert events.count("old-no-lead") == 0
    assert events.count("new-no-lead") == 3 and events.count("old-with-lead") == 3
    # leads after LEAD_RETENTION_DAYS (here 0: every lead), with their conversation
    monkeypatch.setenv("LEAD_RETENTION_DAYS", "0")
    code, out = run("retention")
    assert code == 0 and out.startswith("1 lead(s)")
    assert events.count("old-with-lead") == 0 and events.count("new-no-lead") == 3
    events.dispose()


# -- formula injection: every column, the phone number included ---------------------------------------------
FORMULAS = ["=cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "=HYPERLINK(\"https://evil.example\",\"klick\")", "\t=1+1", "\r=1+1", "  =1+1", "\uff1d1+1",
            "+49 =1+1", "+4917112345678901234"]


@pytest.mark.parametrize("key", [*cli.EXPORT_FIELDS, "departments", "goals"])
@pytest.mark.parametrize("value", FORMULAS, ids=range(len(FORMULAS)))
def test_no_cell_starts_a_formula_in_any_column(key, value):
    cell = cli._csv_cell(key, value)
    assert cell.startswith("'") and cell[1:] == value
    assert cli._csv_cell(key, [value, "x"]).startswith("'")


@pytest.mark.parametrize("phone", ["+491711234567", "+41446681800", "+12025550123"])
def test_real_phone_numbers_stay_as_they_are(phone):
    assert cli._csv_cell("phone", phone) == phone


@pytest.mark.parametrize("value", ["Anna Müller", "erika@muster.de", "2026-12-01T10:00:00+00:00", "4"])
def test_ordinary_cells_are_unchanged(value):
    assert cli._csv_cell("name", value) == value


def test_the_status_set_in_the_workspace_shows_in_list_show_and_export(repo, two_leads, tmp_path):
    a, b = two_leads
    repo.set_status(b.id, "kontaktiert")
    _, listing = run("list")
    first, second = listing.splitlines()[1:3]
    assert " neu " in first and " kontaktiert " in second
    _, shown = run("show", "conv-b")
    assert "status kontaktiert" in shown.splitlines()[0]
    target = tmp_path / "leads.csv"
    run("export", "--format", "csv", "--output", str(target))
    assert [r["status"] for r in csv.DictReader(target.open(encoding="utf-8"))] == ["neu", "kontaktiert"]
    _, exported = run("export", "--format", "json")
    assert [d["status"] for d in json.loads(exported)] == ["neu", "kontaktiert"]
