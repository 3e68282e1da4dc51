"""LeadRepository against a real SQLite database in tmp_path.

``RepositoryContract`` holds the core tests; ``tests/leads/test_postgres.py`` runs the same
class against a real PostgreSQL server.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, update

from leads import CRITERIA_KEYS, Lead, LeadRepository, OutboxItem
from leads.models import Base
from tests.support.storage import CONSENT_AT, TrackerEvents

ROOT = Path(__file__).resolve().parents[2]
UTC = dt.timezone.utc

HOSTILE = [
    "Robert'); DROP TABLE leads;--",
    "' OR '1'='1",
    "1; DELETE FROM outbox WHERE 1=1 --",
    '"; SELECT pg_sleep(10); --',
    "<script>alert('xss')</script>",
    '<img src=x onerror="alert(1)">',
    "{{7*7}} ${7*7} %(name)s %s %%",
    "C:\\Windows\\System32 \\n \\x00",
    "Jürgen 😀🚀 Müller-Lüdenscheidt",
    "👩‍👩‍👧‍👦 Familie",
    "محمد عبد الله",
    "שרה כהן",
    "\u202egnp.exe",
    "N" * 10_000,
]


class RepositoryContract:
    """Core behaviour every backend must show. Subclasses provide ``db_url`` and ``tracker_url``."""

    @pytest.fixture
    def settings(self, make_settings):
        return make_settings()

    @pytest.fixture
    def tracker(self, tracker_url):
        events = TrackerEvents(tracker_url).create()
        yield events
        events.dispose()

    @pytest.fixture
    def repo(self, db_url, tracker_url, settings):
        repository = LeadRepository(db_url, tracker_store_url=tracker_url, settings=settings)
        yield repository
        repository.close()

    @pytest.fixture
    def reopen(self):
        """A second repository (own engine, nothing cached) on the same database."""
        opened: list[LeadRepository] = []

        def factory(repo: LeadRepository) -> LeadRepository:
            opened.append(LeadRepository(repo.url, tracker_store_url=repo.tracker_store_url, settings=repo.settings))
            return opened[-1]

        yield factory
        for repository in opened:
            repository.close()

    # ------------------------------------------------------------------ saving

    def test_save_creates_lead_with_normalised_contact(self, repo, lead_kwargs, reopen):
        lead = repo.save_lead("conv-1", **lead_kwargs(contact={"email": " Erika@MUSTER.de "}))
        assert lead.storage_status == "stored" and not lead.pending
        assert lead.id is not None and lead.version == 1
        stored = reopen(repo).get(lead.id)
        assert stored.conversation_id == "conv-1"
        assert stored.email == "Erika@muster.de"
        assert stored.phone == "+491711234567"
        assert stored.name == "Erika Mustermann"
        assert set(CRITERIA_KEYS) <= set(stored.criteria)
        assert stored.criteria["departments"] == ["Marketing", "Vertrieb"]
        assert stored.criteria["multiple_functions"] is True
        assert stored.reasons == lead_kwargs()["reasons"]
        assert stored.consent_at == CONSENT_AT and stored.consent_at.tzinfo is not None
        assert stored.consent_version == "2026-11-v1"
        assert stored.created_at.tzinfo is not None and stored.updated_at >= stored.created_at

    def test_missing_criteria_are_stored_as_none(self, repo, lead_kwargs):
        lead = repo.save_lead("conv-partial", **lead_kwargs(criteria={"participants": 1}))
        stored = repo.get(lead.id)
        assert stored.criteria["participants"] == 1
        assert all(stored.criteria[key] is None for key in CRITERIA_KEYS if key != "participants")

    def test_upsert_updates_in_place_never_duplicates(self, repo, lead_kwargs):
        first = repo.save_lead("conv-1", **lead_kwargs())
        second = repo.save_lead("conv-1", **lead_kwargs(recommendation="seminar", phase="information"))
        third = repo.save_lead("conv-1", **lead_kwargs(recommendation="seminar", phase="information"))
        assert first.id == second.id == third.id
        assert [lead.conversation_id for lead in repo.list_leads()] == ["conv-1"]
        stored = repo.get_by_conversation("conv-1")
        assert stored.recommendation == "seminar" and stored.version == 2
        assert stored.created_at == first.created_at
        items = repo.outbox_items(first.id)
        # version 1 was replaced before it went out; version 2 queued once, not again for the same content
        assert [(i.kind, i.status) for i in items] == [("email", "superseded"), ("email", "pending")]
        assert len({i.dedup_key for i in items}) == 2

    def test_same_content_is_never_queued_twice(self, repo, lead_kwargs):
        lead = repo.save_lead("conv-1", **lead_kwargs())
        for _ in range(3):
            repo.save_lead("conv-1", **lead_kwargs(consent_at=CONSENT_AT + dt.timedelta(minutes=5)))
        assert len(repo.outbox_items(lead.id)) == 1
        assert repo.enqueue_notifications(repo.get(lead.id)) == 0
        assert repo.get(lead.id).consent_at == CONSENT_AT + dt.timedelta(minutes=5)

    def test_changed_lead_after_sending_is_queued_again(self, repo, lead_kwargs):
        lead = repo.save_lead("conv-1", **lead_kwargs())
        item = repo.claim_outbox(repo.outbox_items(lead.id)[0].id)
        assert repo.mark_sent(item)
        repo.save_lead("conv-1", **lead_kwargs(contact={"phone": "030 123456"}))
        statuses = [(i.status, i.dedup_key.split(":")[2]) for i in repo.outbox_items(lead.id)]
        assert statuses == [("sent", "v1"), ("pending", "v2")]

    def test_webhook_row_only_when_crm_configured(self, db_url, tracker_url, make_settings, lead_kwargs):
        repo = LeadRepository(db_url, tracker_store_url=tracker_url,
                              settings=make_settings(crm_webhook_url="http://127.0.0.1:9/crm"))
        try:
            lead = repo.save_lead("conv-1", **lead_kwargs())
            items = repo.outbox_items(lead.id)
            assert sorted(i.kind for i in items) == ["email", "webhook"]
            webhook = next(i for i in items if i.kind == "webhook")
            assert webhook.payload["conversation_id"] == "conv-1"
            assert webhook.payload["email"] == "erika@muster.de"
        finally:
            repo.close()

    # ------------------------------------------------------------------ consent

    @pytest.mark.parametrize("consent_at", [None, "", False])
    def test_consent_is_required(self, repo, lead_kwargs, consent_at):
        with pytest.raises(ValueError, match="consent"):
            repo.save_lead("conv-x", **lead_kwargs(consent_at=consent_at))
        assert repo.list_leads() == []
        assert repo.spooled_count() == 0

    def test_consent_version_is_required(self, repo, lead_kwargs):
        with pytest.raises(ValueError, match="consent_version"):
            repo.save_lead("conv-x", **lead_kwargs(consent_version=""))
        assert repo.list_leads() == []

    @pytest.mark.parametrize(
        "given",
        ["2026-11-20T09:30:00+00:00", "2026-11-20T10:30:00+01:00", "2026-11-20T09:30:00Z",
         dt.datetime(2026, 11, 20, 9, 30), CONSENT_AT.timestamp()],
    )
    def test_consent_at_forms_become_aware_utc(self, repo, lead_kwargs, given):
        lead = repo.save_lead("conv-c", **lead_kwargs(consent_at=given))
        assert repo.get(lead.id).consent_at == CONSENT_AT

    def test_consent_text_is_hashed_not_stored(self, repo, lead_kwargs):
        lead = repo.save_lead("conv-c", **lead_kwargs(consent_text="Ich willige ein ..."))
        assert len(lead.consent_text_hash) == 64 and "willige" not in lead.consent_text_hash

    # ------------------------------------------------------------------ validation at the boundary

    def test_invalid_contact_values_are_refused(self, repo, lead_kwargs):
        with pytest.raises(ValueError, match="e-mail"):
            repo.save_lead("conv-v", **lead_kwargs(contact={"email": "kein@mail"}))
        with pytest.raises(ValueError, match="phone"):
            repo.save_lead("conv-v", **lead_kwargs(contact={"phone": "abc"}))
        assert repo.list_leads() == []

    def test_placeholders_mean_none_and_slot_names_are_accepted(self, repo, lead_kwargs):
        contact = {"contact_name": "Max", "company": "–", "email": "–", "phone": "-", "preferred_contact": None}
        lead = repo.save_lead("conv-p", **lead_kwargs(contact=contact))
        stored = repo.get(lead.id)
        assert (stored.name, stored.company, stored.email, stored.phone) == ("Max", None, None, None)

    # ------------------------------------------------------------------ hostile values

    @pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:20]))
    def test_hostile_values_are_stored_verbatim(self, repo, lead_kwargs, reopen, value):
        conversation_id = f"conv-{value[:200]}"
        lead = repo.save_lead(
            conversation_id,
            **lead_kwargs(contact={"name": value, "company": value, "preferred_contact": value},
                          channel=value[:50], reasons=[value], open_questions=[value],
                          criteria={"goals": [value], "departments": [value]}),
        )
        fresh = reopen(repo)
        stored = fresh.get_by_conversation(conversation_id)
        assert stored.id == lead.id
        assert stored.name == value and stored.company == value and stored.preferred_contact == value
        assert stored.reasons == [value] and stored.open_questions == [value]
        assert stored.criteria["goals"] == [value] and stored.criteria["departments"] == [value]
        assert len(fresh.list_leads()) == 1  # no statement was smuggled in
        assert len(fresh.outbox_items()) == 1

    def test_nul_characters_are_dropped_not_fatal(self, repo, lead_kwargs):
        lead = repo.save_lead("conv-nul", **lead_kwargs(contact={"name": "Max\x00Muster"}))
        assert repo.get(lead.id).name == "MaxMuster"

    def test_overlong_conversation_id_is_refused(self, repo, lead_kwargs):
        with pytest.raises(ValueError):
            repo.save_lead("x" * 5000, **lead_kwargs())

    # ------------------------------------------------------------------ erasure

    def test_delete_conversation_removes_lead_outbox_and_events(self, repo, lead_kwargs, tracker):
        lead = repo.save_lead("conv-del", **lead_kwargs())
        repo.save_lead("conv-keep", **lead_kwargs(contact={"email": "other@firma.de"}))
        tracker.add("conv-del", 5)
        tracker.add("conv-keep", 2)
        assert repo.delete_conversation("conv-del") is True
        assert repo.get(lead.id) is None and repo.get_by_conversation("conv-del") is None
        assert repo.outbox_items(lead.id) == []
        assert tracker.count("conv-del") == 0
        assert tracker.count("conv-keep") == 2 and repo.get_by_conversation("conv-keep") is not None
        assert repo.delete_conversation("conv-del") is False

    def test_delete_conversation_without_lead_still_erases_events(self, repo, tracker):
        tracker.add("conv-anon", 4)
        assert repo.delete_conversation("conv-anon") is True
        assert tracker.count("conv-anon") == 0

    def test_events_rewritten_after_deletion_are_erased_again(self, repo, lead_kwargs, tracker):
        repo.save_lead("conv-turn", **lead_kwargs())
        requested = dt.datetime.now(UTC)
        tracker.add("conv-turn", 3, timestamp=requested.timestamp() - 60)
        assert repo.delete_conversation("conv-turn", now=requested)
        # Rasa saves the tracker after the action: the session's events come back ...
        tracker.add("conv-turn", 3, timestamp=requested.timestamp() - 60)
        # ... and the user starts a new conversation later, which must be kept
        tracker.add("conv-turn", 1, timestamp=requested.timestamp() + 3600)
        assert repo.process_erasures(now=requested + dt.timedelta(seconds=10)) == 0  # not yet due
        assert repo.process_erasures(now=requested + dt.timedelta(seconds=600)) == 3
        assert tracker.count("conv-turn") == 1
        assert repo.process_erasures(now=requested + dt.timedelta(seconds=900)) == 0

    def test_delete_by_email_is_case_insensitive_and_covers_all_conversations(self, repo, lead_kwargs, tracker):
        repo.save_lead("conv-a", **lead_kwargs(contact={"email": "Erika@Muster.de"}))
        repo.save_lead("conv-b", **lead_kwargs(contact={"email": "erika@muster.de"}))
        repo.save_lead("conv-c", **lead_kwargs(contact={"email": "max@muster.de"}))
        tracker.add("conv-a")
        tracker.add("conv-b")
        assert repo.delete_by_email("ERIKA@muster.DE") == 2
        assert [lead.conversation_id for lead in repo.list_leads()] == ["conv-c"]
        assert tracker.count("conv-a") == tracker.count("conv-b") == 0
        assert repo.delete_by_email("nobody@muster.de") == 0

    def test_missing_events_table_is_skipped_quietly(self, db_url, settings, lead_kwargs, tmp_path):
        for tracker_url in (f"sqlite:///{tmp_path / 'absent' / 'rasa.db'}", f"sqlite:///{tmp_path / 'empty.db'}"):
            if "empty" in tracker_url:
                sqlite3.connect(tmp_path / "empty.db").close()
            repo = LeadRepository(db_url, tracker_store_url=tracker_url, settings=settings)
            try:
                repo.save_lead("conv-q", **lead_kwargs())
                assert repo.delete_conversation("conv-q") is True
                assert repo.delete_tracker_events(["conv-q"]) == 0
            finally:
                repo.close()
        assert not (tmp_path / "absent").exists()  # nothing was created

    def test_purge_older_than(self, repo, lead_kwargs, tracker):
        old = repo.save_lead("conv-old", **lead_kwargs())
        new = repo.save_lead("conv-new", **lead_kwargs(contact={"email": "neu@firma.de"}))
        tracker.add("conv-old")
        tracker.add("conv-new")
        with repo.session() as s, s.begin():
            s.execute(update(Lead).where(Lead.id == old.id)
                      .values(updated_at=dt.datetime.now(UTC) - dt.timedelta(days=200)))
        assert repo.purge_older_than(180) == 1
        assert repo.get(old.id) is None and repo.outbox_items(old.id) == []
        assert repo.get(new.id) is not None
        assert tracker.count("conv-old") == 0 and tracker.count("conv-new") == 3
        assert repo.purge_older_than(180) == 0
        with pytest.raises(ValueError):
            repo.purge_older_than(-1)

    # ------------------------------------------------------------------ concurrency and schema

    def test_concurrent_saves_of_one_conversation_make_one_lead(self, db_url, tracker_url, settings, lead_kwargs):
        repos = [LeadRepository(db_url, tracker_store_url=tracker_url, settings=settings) for _ in range(2)]
        barrier = threading.Barrier(6)
        errors: list[BaseException] = []

        def worker(n: int) -> None:
            try:
                barrier.wait()
                for k in range(3):
                    repos[n % 2].save_lead("conv-race", **lead_kwargs(open_questions=[f"Frage {n}-{k}"]))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        try:
            assert errors == []
            leads = repos[0].list_leads()
            assert len(leads) == 1
            items = repos[0].outbox_items(leads[0].id)
            assert len(items) == leads[0].version  # one row per content version, none lost
            assert sum(1 for i in items if i.status == "pending") == 1
        finally:
            for r in repos:
                r.close()

    def test_processes_racing_to_migrate(self, db_url, tmp_path):
        code = (
            "import sys; from leads.repository import LeadRepository;"
            "r = LeadRepository(sys.argv[1], spool_dir=sys.argv[2]); r.ensure_schema();"
            "print(len(r.list_leads()))"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        procs = [subprocess.Popen([sys.executable, "-c", code, db_url, str(tmp_path / f"spool{i}")],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i in range(3)]
        results = [p.communicate(timeout=60) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], results
        assert [out.strip() for out, _ in results] == ["0", "0", "0"]

    def test_migrations_match_models(self, repo):
        repo.ensure_schema()
        repo.ensure_schema()  # idempotent
        with repo.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []

    def test_payload_is_cleared_once_sent(self, repo, lead_kwargs):
        lead = repo.save_lead("conv-s", **lead_kwargs())
        item = repo.claim_outbox(repo.outbox_items(lead.id)[0].id)
        assert item.status == "sending" and item.attempts == 1
        assert repo.claim_outbox(item.id) is None  # a second worker gets nothing
        assert repo.mark_sent(item)
        sent = repo.outbox_items(lead.id)[0]
        assert sent.status == "sent" and sent.payload == {} and sent.sent_at is not None


class TestSqliteRepository(RepositoryContract):
    @pytest.fixture
    def db_url(self, tmp_path):
        return f"sqlite:///{tmp_path / 'nested' / 'dir' / 'leads.db'}"

    @pytest.fixture
    def tracker_url(self, tmp_path):
        return f"sqlite:///{tmp_path / 'rasa.db'}"

    def test_sqlite_folder_wal_and_busy_timeout(self, repo, lead_kwargs, tmp_path):
        repo.save_lead("conv-1", **lead_kwargs())
        assert (tmp_path / "nested" / "dir" / "leads.db").exists()
        with repo.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1

    def test_foreign_key_cascade(self, repo, lead_kwargs):
        lead = repo.save_lead("conv-1", **lead_kwargs())
        with repo.session() as s, s.begin():
            s.delete(s.get(Lead, lead.id))
        with repo.session() as s:
            assert s.execute(select(OutboxItem)).all() == []

    def test_unreachable_database_spools_and_flushes(self, settings, lead_kwargs, tmp_path, caplog):
        blocked = tmp_path / "blocked.db"
        blocked.mkdir()  # a folder where the database file should be: SQLite cannot open it
        url = f"sqlite:///{blocked}"
        repo = LeadRepository(url, tracker_store_url=f"sqlite:///{tmp_path / 'rasa.db'}", settings=settings)
        with caplog.at_level("DEBUG", logger="leads"):
            lead = repo.save_lead("conv-s", **lead_kwargs())
        assert lead.storage_status == "pending" and lead.pending and lead.id is None
        assert lead.email == "erika@muster.de"
        assert repo.spooled_count() == 1
        spool_file = settings.spool_dir / "leads.jsonl"
        assert oct(spool_file.stat().st_mode & 0o777) == "0o600"
        entry = json.loads(spool_file.read_text().splitlines()[0])
        assert entry["lead"]["conversation_id"] == "conv-s"
        assert "Erika" not in caplog.text and "muster.de" not in caplog.text and "1234567" not in caplog.text
        repo.close()
        blocked.rmdir()
        repo = LeadRepository(url, tracker_store_url=f"sqlite:///{tmp_path / 'rasa.db'}", settings=settings)
        try:
            assert repo.flush_spool() == 1
            assert repo.flush_spool() == 0
            assert not spool_file.exists()
            stored = repo.get_by_conversation("conv-s")
            assert stored.name == "Erika Mustermann" and stored.consent_at == CONSENT_AT
            assert len(repo.outbox_items(stored.id)) == 1
        finally:
            repo.close()

    def test_torn_spool_line_does_not_swallow_the_next(self, settings, lead_kwargs, tmp_path):
        settings.spool_dir.mkdir(parents=True)
        (settings.spool_dir / "leads.jsonl").write_text('{"format": 1, "lead": {"conv')  # crash mid-write
        url = f"sqlite:///{tmp_path / 'leads.db'}"
        repo = LeadRepository(url, tracker_store_url=f"sqlite:///{tmp_path / 'rasa.db'}", settings=settings)
        try:
            repo.spool.append({"format": 1, "saved_at": dt.datetime.now(UTC).isoformat(),
                               "lead": {**repo.prepare_lead("conv-t", **lead_kwargs()),
                                        "consent_at": CONSENT_AT.isoformat()}})
            assert repo.flush_spool() == 1
            assert repo.get_by_conversation("conv-t") is not None
            assert (settings.spool_dir / "leads.rejected.jsonl").exists()  # the torn line, set aside
        finally:
            repo.close()

    def test_stale_spool_entry_does_not_overwrite_newer_lead(self, repo, lead_kwargs):
        data = repo.prepare_lead("conv-1", **lead_kwargs(recommendation="seminar"))
        stale = {"format": 1, "saved_at": (dt.datetime.now(UTC) - dt.timedelta(hours=1)).isoformat(),
                 "lead": {**data, "consent_at": data["consent_at"].isoformat()}}
        repo.save_lead("conv-1", **lead_kwargs(recommendation="workshop"))
        repo.spool.append(stale)
        assert repo.flush_spool() == 1
        assert repo.get_by_conversation("conv-1").recommendation == "workshop"

    def test_deleting_also_removes_spooled_copies(self, repo, lead_kwargs):
        data = repo.prepare_lead("conv-sp", **lead_kwargs())
        repo.spool.append({"format": 1, "saved_at": dt.datetime.now(UTC).isoformat(),
                           "lead": {**data, "consent_at": data["consent_at"].isoformat()}})
        assert repo.delete_by_email("erika@muster.de") == 1
        assert repo.spooled_count() == 0

    def test_alembic_command_line(self, tmp_path):
        url = f"sqlite:///{tmp_path / 'cli.db'}"
        alembic = [sys.executable, "-m", "alembic", "-c", str(ROOT / "migrations" / "alembic.ini"), "-x", f"url={url}"]
        for args in (["upgrade", "head"], ["current"], ["downgrade", "base"], ["upgrade", "head"]):
            done = subprocess.run(alembic + args, cwd=tmp_path, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
        done = subprocess.run(alembic + ["current"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert "0003_lead_status (head)" in done.stdout
