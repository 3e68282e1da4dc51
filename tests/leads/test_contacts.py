"""One contact per person (issue 10): leads with the same e-mail address share a contact.

``ContactContract`` runs on SQLite (tmp_path) and on a real PostgreSQL server (tests/leads/conftest.py),
including the migration from the previous head (0001_initial) with existing rows, and its downgrade.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import inspect, text

from leads import LeadRepository
from leads.briefing import build_brief
from leads.db import _alembic_config, make_engine
from tests.support.storage import CONSENT_AT

UTC = dt.timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
LATER = CONSENT_AT + dt.timedelta(days=3)


def _migrate(url: str, target: str, *, down: bool = False) -> None:
    engine = make_engine(url)
    cfg = _alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(cfg, target)
    finally:
        engine.dispose()


class ContactContract:
    @pytest.fixture
    def repo(self, db_url, make_settings, tmp_path):
        repository = LeadRepository(db_url, tracker_store_url=f"sqlite:///{tmp_path / 'rasa.db'}",
                                    settings=make_settings())
        yield repository
        repository.close()

    @pytest.fixture
    def reopen_many(self):
        opened: list[LeadRepository] = []

        def factory(repo: LeadRepository, count: int) -> list[LeadRepository]:
            opened.extend(LeadRepository(repo.url, tracker_store_url=repo.tracker_store_url, settings=repo.settings)
                          for _ in range(count))
            return opened[-count:]

        yield factory
        for repository in opened:
            repository.close()

    def _brief_body(self, repo, lead_id):
        email = next(i for i in repo.outbox_items(lead_id) if i.kind == "email" and i.status == "pending")
        return email.payload["subject"], email.payload["body"]

    def test_same_email_in_other_case_updates_one_contact(self, repo, lead_kwargs):
        first = repo.save_lead("conv-a", **lead_kwargs(contact={"email": "Erika@Muster.de", "company": "Alt GmbH"}))
        second = repo.save_lead("conv-b", **lead_kwargs(
            contact={"email": "erika@MUSTER.DE", "company": None, "phone": "030 123456"},
            criteria={"participants": 1, "goals": ["overview"]}, recommendation="seminar", phase="information",
            consent_at=LATER, consent_version="2026-12-v2"))
        contacts = repo.list_contacts()
        assert len(contacts) == 1
        contact = contacts[0]
        assert first.contact_id == second.contact_id == contact.id
        assert contact.email_key == "erika@muster.de"
        # newest answers win; what the later conversation left open keeps the earlier answer
        assert contact.phone == "+4930123456" and contact.company == "Alt GmbH"
        assert contact.recommendation == "seminar" and contact.phase == "information"
        assert contact.criteria["participants"] == 1 and contact.criteria["goals"] == ["overview"]
        assert contact.criteria["decision_made"] is True  # only the first conversation answered it
        # every conversation keeps its lead row with its own consent
        leads = repo.contact_conversations(contact.id)
        assert [lead.conversation_id for lead in leads] == ["conv-a", "conv-b"]
        assert [(lead.consent_at, lead.consent_version) for lead in leads] == [
            (CONSENT_AT, "2026-11-v1"), (LATER, "2026-12-v2")]
        assert leads[0].recommendation == "workshop" and leads[0].criteria["participants"] == 4
        # the brief of the later conversation says so and lists the earlier one
        subject, body = self._brief_body(repo, second.id)
        assert subject.startswith("Aktualisierung: Gesprächsvorbereitung:")
        assert body.startswith("Aktualisierung: Diese Person hat schon 1 Gespräch")
        assert "FRÜHERE GESPRÄCHE" in body
        started = first.created_at.astimezone(BERLIN)  # the earlier conversation's date, then its consent
        assert (f"  - {started:%d.%m.%Y}: Empfehlung Workshop; Gesprächs-ID conv-a; "
                "Einwilligung 20.11.2026 (Version 2026-11-v1)") in body
        assert "Version des Einwilligungstextes: 2026-12-v2" in body
        _, first_body = self._brief_body(repo, first.id)
        assert first_body.startswith("Gesprächsvorbereitung aus dem Chat-Assistenten.")
        assert "Aktualisierung" not in first_body

    def test_different_emails_and_no_email(self, repo, lead_kwargs):
        a = repo.save_lead("conv-a", **lead_kwargs())
        b = repo.save_lead("conv-b", **lead_kwargs(contact={"email": "max@firma.de"}))
        c = repo.save_lead("conv-c", **lead_kwargs(contact={"email": None}))
        d = repo.save_lead("conv-d", **lead_kwargs(contact={"email": "–"}))
        assert sorted(x.email_key for x in repo.list_contacts()) == ["erika@muster.de", "max@firma.de"]
        assert a.contact_id != b.contact_id and c.contact_id is None and d.contact_id is None
        assert not self._brief_body(repo, b.id)[1].startswith("Aktualisierung")
        assert not self._brief_body(repo, d.id)[1].startswith("Aktualisierung")  # no e-mail: per conversation

    def test_concurrent_first_saves_of_one_person_make_one_contact(self, repo, db_url, lead_kwargs, reopen_many):
        repos = reopen_many(repo, 3)
        barrier = threading.Barrier(6)
        errors: list[BaseException] = []

        def worker(n: int) -> None:
            try:
                barrier.wait()
                repos[n % 3].save_lead(f"conv-{n}", **lead_kwargs(contact={"email": f"Erika@MUSTER.de{'' if n % 2 else ' '}"}))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        contacts = repo.list_contacts()
        assert len(contacts) == 1
        assert len(repo.contact_conversations(contacts[0].id)) == 6
        bodies = sorted(i.payload["body"].startswith("Aktualisierung") for i in repo.outbox_items())
        assert bodies == [False] + [True] * 5  # exactly one conversation was the first

    def test_changed_email_moves_the_lead_and_drops_the_empty_contact(self, repo, lead_kwargs):
        repo.save_lead("conv-a", **lead_kwargs(contact={"email": "tippfehler@muster.de"}))
        lead = repo.save_lead("conv-a", **lead_kwargs())
        assert [c.email_key for c in repo.list_contacts()] == ["erika@muster.de"]
        assert repo.get_contact("erika@muster.de").id == lead.contact_id
        assert repo.get_contact("tippfehler@muster.de") is None

    def test_deleting_a_conversation_keeps_the_contact_until_its_last(self, repo, lead_kwargs):
        repo.save_lead("conv-a", **lead_kwargs(contact={"company": "Alt GmbH"}))
        repo.save_lead("conv-b", **lead_kwargs(contact={"email": "ERIKA@muster.de", "company": "Neu AG"},
                                               recommendation="seminar"))
        assert repo.delete_conversation("conv-b")
        contact = repo.get_contact("erika@muster.de")
        # recomputed from what is left: nothing of the erased conversation stays
        assert contact.company == "Alt GmbH" and contact.recommendation == "workshop"
        assert [x.conversation_id for x in repo.contact_conversations(contact.id)] == ["conv-a"]
        assert repo.delete_conversation("conv-a")
        assert repo.list_contacts() == [] and repo.list_leads() == []

    def test_delete_by_email_and_purge_remove_the_contact(self, repo, lead_kwargs):
        repo.save_lead("conv-a", **lead_kwargs())
        repo.save_lead("conv-b", **lead_kwargs(contact={"email": "Erika@Muster.DE"}))
        repo.save_lead("conv-c", **lead_kwargs(contact={"email": "max@firma.de"}))
        assert repo.delete_by_email("erika@muster.de") == 2
        assert [c.email_key for c in repo.list_contacts()] == ["max@firma.de"]
        assert repo.purge_older_than(0, now=dt.datetime.now(UTC) + dt.timedelta(days=1)) == 1
        assert repo.list_contacts() == []

    def test_migration_carries_existing_leads_over_and_downgrades(self, db_url):
        _migrate(db_url, "0001_initial")
        engine = make_engine(db_url)
        rows = [  # (id, conversation, email, company, participants, recommendation, created)
            (1, "old-a", "Erika@Muster.de", "Alt GmbH", 4, "workshop", "2026-11-01 10:00:00"),
            (2, "old-b", "erika@muster.de", None, 1, "seminar", "2026-11-10 10:00:00"),
            (3, "old-c", "max@firma.de", "Firma", 2, "seminar", "2026-11-05 10:00:00"),
            (4, "old-d", None, None, None, None, "2026-11-06 10:00:00"),
        ]
        try:
            with engine.begin() as conn:
                for lead_id, conv, email, company, participants, rec, created in rows:
                    conn.execute(text(
                        "INSERT INTO leads (conversation_id, email, company, criteria, recommendation, reasons, "
                        "open_questions, consent_at, consent_version, content_hash, version, created_at, updated_at) "
                        "VALUES (:conv, :email, :company, :criteria, :rec, '[]', '[]', :created, 'v1', 'h', 1, "
                        ":created, :created)"),
                        {"conv": conv, "email": email, "company": company, "rec": rec,
                         "created": created, "criteria": json.dumps(
                             {"participants": participants, "decision_made": True if lead_id == 1 else None})})
                conn.execute(text(
                    "INSERT INTO outbox (lead_id, kind, payload, dedup_key, status, attempts, next_attempt_at, "
                    "created_at) SELECT id, 'email', '{}', 'email:lead-1', 'sent', 1, :t, :t FROM leads "
                    "WHERE conversation_id = 'old-a'"),
                    {"t": "2026-11-01 10:00:00"})
        finally:
            engine.dispose()

        _migrate(db_url, "head")
        repo = LeadRepository(db_url, tracker_store_url=db_url)
        try:
            contacts = {c.email_key: c for c in repo.list_contacts()}
            assert sorted(contacts) == ["erika@muster.de", "max@firma.de"]
            erika = contacts["erika@muster.de"]
            assert erika.email == "erika@muster.de" and erika.company == "Alt GmbH"
            assert erika.criteria["participants"] == 1 and erika.criteria["decision_made"] is True
            assert erika.recommendation == "seminar"
            assert [x.conversation_id for x in repo.contact_conversations(erika.id)] == ["old-a", "old-b"]
            assert repo.get_by_conversation("old-d").contact_id is None
            assert len(repo.outbox_items(repo.get_by_conversation("old-a").id)) == 1  # nothing cascaded away
            # a new conversation of the same person joins the migrated contact
            new = repo.save_lead("new-e", channel="rest", contact={"email": "ERIKA@muster.de"}, consent_at=LATER,
                                 consent_version="v2")
            assert new.contact_id == erika.id
        finally:
            repo.close()

        _migrate(db_url, "0001_initial", down=True)
        engine = make_engine(db_url)
        try:
            with engine.connect() as conn:
                assert not inspect(conn).has_table("contacts")
                assert "contact_id" not in {c["name"] for c in inspect(conn).get_columns("leads")}
                assert conn.execute(text("SELECT count(*) FROM leads")).scalar() == 5
                assert conn.execute(text("SELECT count(*) FROM outbox")).scalar() >= 1
        finally:
            engine.dispose()
        _migrate(db_url, "head")  # and up again
        repo = LeadRepository(db_url, tracker_store_url=db_url)
        try:
            assert sorted(c.email_key for c in repo.list_contacts()) == ["erika@muster.de", "max@firma.de"]
        finally:
            repo.close()


class TestSqliteContacts(ContactContract):
    @pytest.fixture
    def db_url(self, tmp_path):
        return f"sqlite:///{tmp_path / 'leads.db'}"


class TestPostgresContacts(ContactContract):
    @pytest.fixture
    def db_url(self, pg_url):
        return pg_url


def test_brief_without_earlier_conversations_is_unchanged(lead_kwargs):
    lead = {"conversation_id": "c1", "criteria": lead_kwargs()["criteria"], "version": 1,
            "consent_at": CONSENT_AT, "consent_version": "v1"}
    assert build_brief(lead) == build_brief(lead, earlier=[])
    subject, body = build_brief(lead, earlier=[
        {"conversation_id": "c0", "created_at": "2026-10-01T08:00:00+00:00", "criteria": {"participants": 1},
         "consent_at": "2026-10-01T08:05:00+00:00", "consent_version": "v0"},
        {"conversation_id": "c00", "created_at": "2026-10-15T23:30:00+00:00", "criteria": {},
         "consent_at": "2026-10-15T23:30:00+00:00", "consent_version": "v0"},
    ])
    assert subject.startswith("Aktualisierung: ")
    lines = body.splitlines()
    assert lines[0].startswith("Aktualisierung: Diese Person hat schon 2 Gespräche")
    assert lines[2:5] == [
        "FRÜHERE GESPRÄCHE",
        "  - 01.10.2026: Empfehlung offen; Gesprächs-ID c0; Einwilligung 01.10.2026 (Version v0)",
        "  - 16.10.2026: Empfehlung offen; Gesprächs-ID c00; Einwilligung 16.10.2026 (Version v0)",
    ]
    assert lines[6] == "Gesprächsvorbereitung aus dem Chat-Assistenten."
