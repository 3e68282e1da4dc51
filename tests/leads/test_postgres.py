"""LeadRepository against a real PostgreSQL server (started by tests/leads/conftest.py).

The core contract of test_repository.py runs here unchanged, plus an outage: the server is stopped
while leads are saved (they go to the spool) and started again (they are flushed, nothing lost,
nothing duplicated).
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from leads import LeadRepository
from leads.notify import process_outbox
from tests.leads.test_repository import RepositoryContract
from tests.support.sinks import SmtpSink
from tests.support.storage import CONSENT_AT, TrackerEvents


class TestPostgresRepository(RepositoryContract):
    @pytest.fixture
    def db_url(self, pg_url):
        return pg_url

    @pytest.fixture
    def tracker_url(self, pg_url):
        return pg_url  # Rasa's tracker store in the same PostgreSQL database

    def test_postgres_column_types(self, repo, lead_kwargs):
        repo.save_lead("conv-1", **lead_kwargs())
        with repo.engine.connect() as conn:
            types = dict(conn.execute(text(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'leads'"
            )).all())
        assert types["consent_at"] == "timestamp with time zone"
        assert types["name"] == "text" and types["criteria"] == "json"


@pytest.fixture
def outage_repo(outage_postgres, make_settings):
    schema = outage_postgres.new_schema()
    url = outage_postgres.url(schema)
    repo = LeadRepository(url, tracker_store_url=url, settings=make_settings(smtp_host="127.0.0.1"))
    yield outage_postgres, repo
    repo.close()
    outage_postgres.drop_schema(schema)


def _names(repo: LeadRepository) -> dict[str, str]:
    return {lead.conversation_id: lead.recommendation for lead in repo.list_leads()}


def test_database_down_at_save_spools_then_flushes(outage_repo, lead_kwargs, caplog):
    server, repo = outage_repo
    first = repo.save_lead("conv-a", **lead_kwargs())
    assert first.storage_status == "stored"

    server.stop()
    with caplog.at_level("DEBUG", logger="leads"):
        updated = repo.save_lead("conv-a", **lead_kwargs(recommendation="seminar"))
        new = repo.save_lead("conv-b", **lead_kwargs(contact={"email": "b@firma.de"}))
    assert updated.storage_status == new.storage_status == "pending"
    assert repo.spooled_count() == 2
    for secret in ("Erika", "muster.de", "b@firma.de", "1234567"):
        assert secret not in caplog.text  # the spool holds the data, the log does not
    assert "conv-b" in caplog.text  # the conversation id is logged

    server.start()
    assert repo.flush_spool() == 2
    assert repo.flush_spool() == 0  # idempotent
    assert repo.spooled_count() == 0
    assert _names(repo) == {"conv-a": "seminar", "conv-b": "workshop"}
    a = repo.get_by_conversation("conv-a")
    assert a.version == 2 and a.id == first.id
    statuses = sorted((i.lead_id, i.status) for i in repo.outbox_items())
    assert statuses == sorted([(a.id, "superseded"), (a.id, "pending"),
                               (repo.get_by_conversation("conv-b").id, "pending")])


def test_next_save_flushes_the_spool_first(outage_repo, lead_kwargs):
    server, repo = outage_repo
    server.stop()
    assert repo.save_lead("conv-a", **lead_kwargs()).pending  # schema not even created yet
    assert repo.save_lead("conv-a", **lead_kwargs(phase="information")).pending
    server.start()
    lead = repo.save_lead("conv-c", **lead_kwargs())
    assert lead.storage_status == "stored"
    assert repo.spooled_count() == 0
    assert set(_names(repo)) == {"conv-a", "conv-c"}
    a = repo.get_by_conversation("conv-a")
    assert a.phase == "information" and a.version == 2
    assert a.consent_at == CONSENT_AT


def test_outage_then_brief_arrives_once(outage_repo, lead_kwargs, make_settings):
    server, repo = outage_repo
    sink = SmtpSink().start()
    try:
        settings = make_settings(smtp_host="127.0.0.1", smtp_port=sink.port)
        server.stop()
        repo.save_lead("conv-m", **lead_kwargs())
        with pytest.raises(Exception):  # noqa: B017 - the worker logs and retries such rounds
            process_outbox(repo, settings)
        server.start()
        repo.flush_spool()
        repo.flush_spool()
        assert process_outbox(repo, settings)["sent"] == 1
        assert process_outbox(repo, settings, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1))["sent"] == 0
        assert len(sink.messages) == 1
    finally:
        sink.stop()


def test_tracker_events_in_postgres_are_erased(pg_url, make_settings, lead_kwargs):
    events = TrackerEvents(pg_url).create()
    repo = LeadRepository(pg_url, tracker_store_url=pg_url, settings=make_settings())
    try:
        repo.save_lead("conv-e", **lead_kwargs())
        events.add("conv-e", 4)
        events.add("conv-other", 2)
        assert repo.delete_by_email("erika@muster.de") == 1
        assert events.count("conv-e") == 0 and events.count("conv-other") == 2
    finally:
        repo.close()
        events.dispose()
